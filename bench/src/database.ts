import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
// The server's own embedded PostgreSQL, so every process of a run (servers, pgbench, the
// paging loader) can reach one database by URL.
import { startEmbeddedPostgres } from '../../server/src/db/embedded.js';
import { createLogger } from '../../server/src/logger.js';
import { deferStop, stopAllOnSignals } from './cleanup.js';

export interface BenchDatabase {
  url: string;
  /** 'BENCH_DATABASE_URL' or 'embedded PostgreSQL'. */
  source: string;
  stop(): Promise<void>;
}

/** BENCH_DATABASE_URL (a dedicated, empty database), or an embedded PostgreSQL in a temporary directory. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE_URL) {
    // The figures would measure bloat, not CareChat: each send updates its conversation's row.
    const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
    await client.end();
    if (rows[0]?.autovacuum === 'off')
      process.stderr.write(
        'bench: BENCH_DATABASE_URL has autovacuum off; rates and latencies will degrade as the run goes on ' +
          '(unset it for an embedded PostgreSQL)\n',
      );
    return { url: process.env.BENCH_DATABASE_URL, source: 'BENCH_DATABASE_URL', stop: async () => {} };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carechat-bench-pg-'));
  // Open to the postgres user a root run starts PostgreSQL as: the cluster then stays in this
  // folder and goes with it, instead of under /var/lib/carechat (see embedded-placement.ts).
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(dir, createLogger('warn'));
  // Ctrl-C stops the servers first, then this database.
  stopAllOnSignals();
  const stop = deferStop(async () => {
    // A Ctrl-C reaches PostgreSQL too and it may be gone already: skip the stop then, and
    // never wait too long.
    if (existsSync(path.join(dir, 'pg', 'postmaster.pid')))
      await Promise.race([db.stop(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    // PostgreSQL may still be writing its last files as it exits.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });
  return { url: db.url, source: 'embedded PostgreSQL', stop };
}
