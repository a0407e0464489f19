import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './db/embedded.js';
import { HttpClient } from './test/http-client.js';

// The README's two commands on a fresh machine: the repository's committed HEAD cloned into a
// folder no other user may enter (mkdtemp makes it 0700, like /root), installed and started
// with nothing configured, by root (as CI runs) and by an ordinary user.
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Where a server running as root keeps a cluster the postgres user could not reach in the tree.
const OUT_OF_TREE_CLUSTERS = '/var/lib/carechat/clusters';
const STEP_TIMEOUT_MS = 300_000;

interface Person {
  name: string;
  uid: number;
  gid: number;
}

const isRoot = process.getuid?.() === 0;
const idOf = (flag: '-u' | '-g', user: string) =>
  Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
const people: Person[] = [
  { name: isRoot ? 'root' : 'the user running the tests', uid: process.getuid!(), gid: process.getgid!() },
];
if (isRoot) people.push({ name: 'nobody', uid: idOf('-u', 'nobody'), gid: idOf('-g', 'nobody') });

const roots: string[] = [];
const servers: ChildProcess[] = [];

afterAll(async () => {
  // Each server runs in its own process group (npm, node, PostgreSQL): kill all of it.
  for (const s of servers) if (s.exitCode === null && s.signalCode === null) process.kill(-s.pid!, 'SIGKILL');
  await removeOutOfTreeClusters();
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
}, 60_000);

/** Clusters a root server kept outside the tree for one of this file's clones: each names its DATA_DIR. */
async function removeOutOfTreeClusters(): Promise<void> {
  const dirs = await readdir(OUT_OF_TREE_CLUSTERS).catch(() => [] as string[]);
  for (const dir of dirs) {
    const owner = await readFile(path.join(OUT_OF_TREE_CLUSTERS, dir, 'data-dir'), 'utf8').catch(() => '');
    if (roots.some((r) => owner.startsWith(r + path.sep)))
      await rm(path.join(OUT_OF_TREE_CLUSTERS, dir), { recursive: true, force: true });
  }
}

/** Runs one step as `person` with only the environment a newcomer's shell would have. */
function step(
  person: Person,
  env: Record<string, string>,
  cwd: string,
  command: string,
  args: string[],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      uid: person.uid,
      gid: person.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${out.slice(-4000)}`));
    });
  });
}

/** `npm start` until /readyz answers 200; fails with the server's output when it exits first. */
async function npmStart(person: Person, env: Record<string, string>, cwd: string, port: number) {
  const child = spawn('npm', ['start'], {
    cwd,
    env: { ...env, PORT: String(port) },
    uid: person.uid,
    gid: person.gid,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`npm start exited:\n${out.slice(-4000)}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`npm start not ready in 120 s:\n${out.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, exited, output: () => out };
}

/** A 0700 folder owned by `person`, with a home of its own (and so its own npm cache). */
async function privateFolder(person: Person): Promise<{ root: string; env: Record<string, string> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'carechat-fresh-'));
  roots.push(root);
  const home = path.join(root, 'home');
  await mkdir(home);
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? home,
    npm_config_update_notifier: 'false',
  };
  if (person.uid !== process.getuid!()) {
    // Its npm cache starts as a copy of ours, so installing needs no network.
    const cache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
    await cp(cache, path.join(home, '.npm'), { recursive: true }).catch(() => undefined);
    Object.assign(env, { HOME: home, npm_config_cache: path.join(home, '.npm') });
    spawnSync('chown', ['-R', `${person.uid}:${person.gid}`, root]);
    await chown(root, person.uid, person.gid);
  }
  return { root, env };
}

describe('the README commands in a fresh clone no other user can enter', () => {
  for (const person of people)
    it(`npm ci && npm start serve the app with demo data, as ${person.name}`, async () => {
      const timings: Record<string, number> = {};
      const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
          return await fn();
        } finally {
          timings[name] = Date.now() - t0;
        }
      };
      const { root, env } = await privateFolder(person);
      const clone = path.join(root, 'carechat');
      if (person.uid === process.getuid!())
        await timed('clone', () => step(person, env, root, 'git', ['clone', '-q', REPO_ROOT, clone]));
      else {
        // The user may not read our repository (it may live in /root): hand it a bundle of HEAD.
        const bundle = path.join(root, 'carechat.bundle');
        spawnSync('git', ['-C', REPO_ROOT, 'bundle', 'create', bundle, 'HEAD'], { stdio: 'ignore' });
        await chown(bundle, person.uid, person.gid);
        await timed('clone', () =>
          step(person, env, root, 'git', ['-c', 'advice.detachedHead=false', 'clone', '-q', bundle, clone]),
        );
      }
      await timed('npm ci', () =>
        step(person, env, clone, 'npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline']),
      );
      // Installing built the server and the protocol it imports, for npm start to run.
      for (const built of ['server/dist/main.js', 'protocol/dist/index.js'])
        expect(existsSync(path.join(clone, built)), built).toBe(true);

      const signIn = (url: string) =>
        new HttpClient(url).post('/api/auth/login', { email: 'alice@carechat.test', password: 'carechat-demo' });
      const first = await timed('npm start until /readyz', async () => npmStart(person, env, clone, await freePort()));
      const login = await signIn(first.url);
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ name: 'Alice Patel', role: 'PATIENT' });
      // Killed outright, the server leaves its PostgreSQL running: the next start takes it over
      // and finds the same data (the same Alice, not a newly seeded one).
      const node = Number(
        (await readFile(`/proc/${first.child.pid}/task/${first.child.pid}/children`, 'utf8')).trim().split(' ')[0],
      );
      // What runs is node on the compiled server: no TypeScript loader at start.
      const command = (await readFile(`/proc/${node}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      expect(command.slice(1)).toEqual(['--max-semi-space-size=32', 'server/dist/main.js']);
      process.kill(node, 'SIGKILL');
      await first.exited;
      const second = await timed('npm start again after SIGKILL', async () =>
        npmStart(person, env, clone, await freePort()),
      );
      expect((await signIn(second.url)).body.user.id).toBe(login.body.user.id);
      process.kill(second.child.pid!, 'SIGTERM');
      await timed('stop', () => second.exited);
      expect(first.output() + second.output()).not.toMatch(/\n\s+at /);

      if (person.uid === process.getuid!()) {
        // `npm test` without TEST_DATABASE_URL starts its own embedded PostgreSQL the same way.
        await timed('vitest with an embedded PostgreSQL', () =>
          step(person, env, clone, 'npx', [
            'vitest',
            'run',
            '--project',
            'server',
            'server/src/messages/send-budget.test.ts',
          ]),
        );
      }
      console.log(
        `fresh clone as ${person.name}: ${Object.entries(timings)
          .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
          .join(', ')}`,
      );
    }, 900_000);
});
