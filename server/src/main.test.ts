import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { existingPgData, outOfTreeClusterDir } from './db/embedded-placement.js';
import { freePort } from './db/embedded.js';
import { HttpClient } from './test/http-client.js';
import { spawnServer, startUntilExit, type ServerProcess } from './test/server-process.js';

// `npm start` as a newcomer runs it: no DATABASE_URL, no MASTER_KEY, a fresh DATA_DIR.
const dataDir = path.resolve('.test-data', `npm-start-${process.pid}-${Date.now()}`);
const bare = {
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  MASTER_KEY: '',
  DEMO_SEED: '',
  AUTH_JWT_SECRET: '',
  SERVICE_API_KEY: '',
};
const running: ServerProcess[] = [];

afterAll(async () => {
  running.forEach((s) => s.child.kill('SIGKILL'));
  // Run as root where the postgres user cannot enter the tree, the cluster was kept outside it.
  await rm(outOfTreeClusterDir(dataDir), { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
  await rm(failures, { recursive: true, force: true });
});

const login = (url: string, email: string) =>
  new HttpClient(url).post('/api/auth/login', { email, password: 'carechat-demo' });

describe('npm start on a bare machine', () => {
  it('starts an embedded PostgreSQL with demo data and a new master key; a second start reuses them', async () => {
    const first = await spawnServer(bare, { viaNpm: true });
    running.push(first);
    const alice = await login(first.url, 'alice@carechat.test');
    expect(alice.status).toBe(200);
    expect(alice.body.user).toMatchObject({ name: 'Alice Patel', role: 'PATIENT' });
    const aliceApi = new HttpClient(first.url, alice.body.accessToken);
    const contacts = await aliceApi.get('/api/chat/contacts');
    expect(contacts.body.data.map((c: any) => c.name).sort()).toEqual(['Dr. Gregory House', 'Dr. Meredith Grey']);
    const carol = await login(first.url, 'carol@carechat.test');
    expect((await new HttpClient(first.url, carol.body.accessToken).get('/api/chat/contacts')).body.data).toEqual([]);
    for (const email of ['admin@carechat.test', 'dr.grey@carechat.test', 'dr.house@carechat.test', 'bob@carechat.test'])
      expect((await login(first.url, email)).status).toBe(200);

    const grey = contacts.body.data.find((c: any) => c.name === 'Dr. Meredith Grey');
    const conv = await aliceApi.post('/api/chat/conversations', { participantId: grey.id });
    const sent = await aliceApi.post(`/api/chat/conversations/${conv.body.id}/messages`, {
      clientMessageId: 'first-start',
      content: 'kept across restarts',
    });
    expect(sent.status).toBe(201);

    const key = await stat(path.join(dataDir, 'master.key'));
    expect(key.mode & 0o777).toBe(0o600);

    // npm passes SIGTERM on to the server and exits by the same signal; the server's own
    // shutdown then stops the embedded database, which removes its pid file.
    first.child.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await first.exited);
    await expect
      .poll(() => existsSync(path.join(existingPgData(dataDir), 'postmaster.pid')), { timeout: 20_000, interval: 200 })
      .toBe(false);

    const second = await spawnServer(bare, { viaNpm: true });
    running.push(second);
    const again = await login(second.url, 'alice@carechat.test');
    const page = await new HttpClient(second.url, again.body.accessToken).get(
      `/api/chat/conversations/${conv.body.id}/messages`,
    );
    expect(page.body.data.map((m: any) => m.content)).toEqual(['kept across restarts']);
    second.child.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await second.exited);
    await expect
      .poll(() => existsSync(path.join(existingPgData(dataDir), 'postmaster.pid')), { timeout: 20_000, interval: 200 })
      .toBe(false);
  }, 120_000);
});

// A failed start is one plain sentence on stderr saying what to do: no stack trace, no dump of an unhandled error.
const failures = path.resolve('.test-data', `failed-starts-${process.pid}-${Date.now()}`);
const STACK_LINE = /\n\s+at /;

describe('a start that cannot succeed', () => {
  it('on a port in use says so and to choose another PORT', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = await startUntilExit({ DATABASE_URL: inject('databaseUrl'), PORT: String(port) }, { viaNpm: true });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `Port ${port} is already in use: stop the program using it, or set PORT to a free port.\n`,
      );
      expect(run.output).not.toMatch(STACK_LINE);
    } finally {
      taken.close();
    }
  });

  it('on a DATABASE_URL nothing answers names its address (never its password) and what to check', async () => {
    const port = await freePort();
    const run = await startUntilExit(
      { DATABASE_URL: `postgres://carechat:hunter2-secret@127.0.0.1:${port}/carechat` },
      { viaNpm: true },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^Cannot connect to the PostgreSQL at DATABASE_URL ` +
          `\\(127\\.0\\.0\\.1:${port}/carechat: connect ECONNREFUSED [^)]*\\): ` +
          `start that server or correct DATABASE_URL, or unset it to use the embedded PostgreSQL\\.\n$`,
      ),
    );
    expect(run.output).not.toContain('hunter2-secret');
    expect(run.output).not.toMatch(STACK_LINE);
  });

  it('on a DATA_DIR that cannot be created asks for another DATA_DIR', async () => {
    await mkdir(failures, { recursive: true });
    const file = path.join(failures, 'a-file');
    await writeFile(file, '');
    const dir = path.join(file, 'data');
    const run = await startUntilExit({ ...bare, DATA_DIR: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `DATA_DIR (${dir}) cannot be written (ENOTDIR on ${dir}): set DATA_DIR to a folder this user can write to.\n`,
    );
    expect(run.output).not.toMatch(STACK_LINE);
  });

  it('when the embedded PostgreSQL stops during start gives its reason and what to do', async () => {
    // A cluster from a PostgreSQL this one cannot read: postgres starts, then exits. In a
    // folder anyone may enter, so that run as root the cluster is used where it is.
    const dir = await mkdtemp(path.join(tmpdir(), 'carechat-old-cluster-'));
    await chmod(dir, 0o755);
    await mkdir(path.join(dir, 'pg'));
    await writeFile(path.join(dir, 'pg', 'PG_VERSION'), '9\n');
    const run = await startUntilExit({ ...bare, DATA_DIR: dir }).finally(() =>
      rm(dir, { recursive: true, force: true }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        String.raw`^The embedded PostgreSQL in \S+ stopped during start \((?:FATAL|postgres): [^\n]+\): ` +
          String.raw`if its files are damaged or from another PostgreSQL version, ` +
          String.raw`move that folder away to start afresh, or set DATABASE_URL\.\n$`,
      ),
    );
    expect(run.output).not.toMatch(STACK_LINE);
  });
});
