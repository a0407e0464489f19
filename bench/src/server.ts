import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deferStop, signalled, trackChild } from './cleanup.js';
import { must } from './must.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * `npm start`'s command read from its script (`exec node <flags> <entry>`): the bench
 * measures the server as it is run, the compiled build with the same node flags.
 */
const START: { nodeArgs: string[]; entry: string } = (() => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  const afterNode = words.slice(words.indexOf('node') + 1);
  const entryAt = afterNode.findIndex((w) => !w.startsWith('-'));
  const entry = words.includes('node') ? afterNode[entryAt] : undefined;
  if (entry === undefined)
    throw new Error(`bench: cannot read node's flags and entry from the start script "${pkg.scripts.start}"`);
  return { nodeArgs: afterNode.slice(0, entryAt), entry };
})();

const benchNodeArgs = () => process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

/** What every process of one service must share. */
export interface ServerSecrets {
  serviceKey: string;
  jwtSecret: string;
  /** 64 hex characters. */
  masterKey: string;
}

export interface BenchServer extends ServerSecrets {
  url: string;
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Unset: BENCH_DATABASE_URL, or else an embedded PostgreSQL of the server's own. */
  databaseUrl?: string;
  /** Shared by the processes of a cluster; fresh ones otherwise. */
  secrets?: ServerSecrets;
  /** Node flags for the server process (`--expose-gc` for the soak's heap after GC). */
  nodeArgs?: string[];
}

export const newSecrets = (): ServerSecrets => ({
  serviceKey: randomBytes(16).toString('hex'),
  jwtSecret: randomBytes(16).toString('hex'),
  masterKey: randomBytes(32).toString('hex'),
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** Starts the real server as `npm start` would, on BENCH_DATABASE_URL or its own embedded PostgreSQL. */
export async function startServer(
  extraEnv: Record<string, string> = {},
  opts: ServerOptions = {},
): Promise<BenchServer> {
  const port = await freePort();
  const secrets = opts.secrets ?? newSecrets();
  // Its own data directory (attachments, an embedded database), never the repository's.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'carechat-bench-'));
  // mkdtemp makes it owner-only; the embedded PostgreSQL runs as its own user when we are root.
  await chmod(dataDir, 0o755);
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SERVICE_API_KEY: secrets.serviceKey,
    AUTH_JWT_SECRET: secrets.jwtSecret,
    MASTER_KEY: secrets.masterKey,
    DEMO_SEED: 'false',
    LOG_LEVEL: 'warn',
    SOCKET_EVENTS_PER_10S: '100000',
    USER_SENDS_PER_MINUTE: '1000000',
    // Every simulated client comes from 127.0.0.1, thousands of them handshaking at once.
    ANONYMOUS_CONNECTIONS_PER_IP: '1000000',
    // The bench's database is its own: no retention run in the middle of a measurement.
    RETENTION_FIRST_RUN_SECONDS: '86400',
    ...extraEnv,
  };
  const databaseUrl = opts.databaseUrl ?? process.env.BENCH_DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = trackChild(
    // START's flags are `npm start`'s; BENCH_SERVER_NODE_ARGS adds flags for the server
    // alone (`--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
    spawn(process.execPath, [...START.nodeArgs, ...(opts.nodeArgs ?? []), ...benchNodeArgs(), START.entry], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping = false;
  // Otherwise a crash mid-run surfaces only as "fetch failed" or a wall of lost acks.
  child.once('exit', (code, signal) => {
    if (!stopping && !signalled)
      process.stderr.write(`bench: the server (pid ${child.pid}) exited unexpectedly (${code ?? signal})\n`);
  });
  const stop = deferStop(async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not become ready (exit code ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...secrets, url, child, pid: must(child.pid, "the server's pid"), stop };
}

export function signJwt(secret: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
