import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { deferStop, trackChild } from './cleanup.js';
import { freePort } from './server.js';

const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

/**
 * REDIS_URL when set; otherwise a private redis-server (no persistence) on a free port, so
 * the cluster's keys and streams cannot meet anyone else's; otherwise the default local one.
 */
export async function startRedis(): Promise<{ url: string; source: string }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, source: 'REDIS_URL' };
  if (!REDIS_SERVER)
    return { url: 'redis://127.0.0.1:6379', source: 'default redis://127.0.0.1:6379 (no redis-server to start)' };
  const port = await freePort();
  const child = trackChild(
    spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    ),
  );
  deferStop(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });
  for (let i = 0; ; i++) {
    if (await ping(port)) break;
    if (i > 100 || child.exitCode !== null) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, source: `private redis-server on port ${port}` };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}
