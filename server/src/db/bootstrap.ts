import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { databaseUnreachable } from '../startup-error.js';
import { existingPgData } from './embedded-placement.js';
import { EMBEDDED_PASSWORD, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';
import { migrate } from './migrate.js';
import { initPool, type Db } from './pool.js';

export interface Database {
  db: Db;
  /** For the grouped send statements, two connections per send lane (one per step); part of DATABASE_POOL_SIZE. */
  sendDb: Db;
  /** Set when this process started the embedded PostgreSQL (and so must stop it). */
  embedded: EmbeddedDatabase | null;
}

/** DATABASE_URL's server, or the embedded one under DATA_DIR; migrated either way. */
export async function openDatabase(config: Config, log: Logger, { reuseRunning = false } = {}): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl ?? (reuseRunning ? runningEmbeddedUrl(config.dataDir) : undefined);
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    url = embedded.url;
    log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  const sendConnections = 2 * config.databaseSendLanes;
  const db = initPool(url, Math.max(1, config.databasePoolSize - sendConnections), log);
  const sendDb = initPool(url, sendConnections, log, { genericPlans: true });
  await migrate(db, log).catch((err: unknown) => {
    throw config.databaseUrl ? databaseUnreachable(err, config.databaseUrl) : err;
  });
  await warnWithoutAutovacuum(db, log);
  return { db, sendDb, embedded };
}

/**
 * Every send updates its conversation's row: without autovacuum those rows and their indexes
 * bloat and sends slow down (seen on a database that had it off: 185,000 dead row versions of
 * 5,000 conversations after six minutes at 500/s, delivery p50 from 62 ms to over 700 ms).
 * Said once at start.
 */
async function warnWithoutAutovacuum(db: Db, log: Logger): Promise<void> {
  const { rows } = await db
    .query<{ autovacuum: string }>('SHOW autovacuum')
    .catch(() => ({ rows: [] as { autovacuum: string }[] }));
  if (rows[0]?.autovacuum === 'off')
    log.warn(
      'PostgreSQL runs with autovacuum off: conversation rows bloat under traffic and sends slow down; ' +
        'turn it on (autovacuum = on)',
    );
}

/**
 * The URL of an embedded PostgreSQL a running server already has open on DATA_DIR, so a
 * command-line tool can use it instead of starting a second one on the same files.
 */
function runningEmbeddedUrl(dataDir: string): string | undefined {
  const pidFile = path.join(existingPgData(dataDir), 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch {
    return undefined;
  }
  return `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${Number(port)}/postgres`;
}
