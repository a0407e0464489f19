import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchServer {
  url: string;
  serviceKey: string;
  jwtSecret: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the real server as `npm start` would, on BENCH_DATABASE_URL or its own embedded PostgreSQL. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<BenchServer> {
  const port = await freePort();
  const serviceKey = randomBytes(16).toString('hex');
  const jwtSecret = randomBytes(16).toString('hex');
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    SERVICE_API_KEY: serviceKey,
    AUTH_JWT_SECRET: jwtSecret,
    MASTER_KEY: randomBytes(32).toString('hex'),
    DEMO_SEED: 'false',
    LOG_LEVEL: 'warn',
    SOCKET_EVENTS_PER_10S: '100000',
    ...extraEnv,
  };
  if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  else {
    delete env.DATABASE_URL;
    env.DATA_DIR = await mkdtemp(path.join(os.tmpdir(), 'carechat-bench-'));
    // mkdtemp makes it owner-only; the embedded PostgreSQL runs as its own user when we are root.
    await chmod(env.DATA_DIR, 0o755);
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    serviceKey,
    jwtSecret,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function signJwt(secret: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
