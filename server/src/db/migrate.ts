import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADOPT_APP_ROLE, type Db } from './pool.js';
import type { Logger } from '../logger.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
// Any constant works; it only has to be the same for every CareChat process on a database.
const MIGRATION_LOCK = 4_202_611;

/**
 * Applies forward-only SQL migrations in file-name order, each in its own transaction. An
 * advisory lock lets several processes start against one database at once. `until` (a file
 * name) stops after that one: a migration's test builds the database as it was before it.
 */
export async function migrate(db: Db, log: Logger, until?: string): Promise<void> {
  const client = await db.connect();
  try {
    // Migrations run as the database user itself, not as the app role the pool's clients take.
    await client.query('RESET ROLE');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations
         (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
    for (const file of files) {
      if (until !== undefined && file > until) break;
      if (done.has(file)) continue;
      const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
        log.info({ migration: file }, 'migration applied');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    // Back in the pool as the app role, like every other client.
    await client.query(ADOPT_APP_ROLE).catch(() => undefined);
    client.release();
  }
}
