import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Debian's redis-server, when the machine has it (CI installs it). */
export const REDIS_BINARY = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(
  (p) => spawnSync(p, ['--version']).status === 0,
);

export interface TestRedis {
  url: string;
  /** Kills the server (as an outage would): connections drop, nothing is kept. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * A Redis of the test's own on a free port, so a test can stop it without touching the
 * machine's Redis that other test files use.
 */
export async function startRedis(): Promise<TestRedis> {
  if (!REDIS_BINARY) throw new Error('redis-server is not installed');
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(REDIS_BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
  };
}
