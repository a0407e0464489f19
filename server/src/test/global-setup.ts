import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { initPool } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { CLAMD_BINARY, startClamd } from './clamd.js';

/**
 * One fresh database per test run: on TEST_DATABASE_URL's server when given (CI uses the
 * machine's PostgreSQL), otherwise on an embedded PostgreSQL started here. Tests never
 * truncate: each builds its own people and conversations.
 */
export default async function setup(project: TestProject) {
  const log = createLogger('warn');
  let embedded: EmbeddedDatabase | null = null;
  let dataDir: string | null = null;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    dataDir = path.resolve('.test-data', `pg-${process.pid}-${Date.now()}`);
    embedded = await startEmbeddedPostgres(dataDir, log);
    serverUrl = embedded.url;
  }
  const name = `carechat_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const pool = initPool(databaseUrl, 2, log);
  await migrate(pool, log);
  await pool.end();
  project.provide('databaseUrl', databaseUrl);
  const clamdDir = path.resolve('.test-data', `clamd-${process.pid}-${Date.now()}`);
  const clamd = CLAMD_BINARY ? await startClamd(clamdDir) : null;
  project.provide('clamdUrl', clamd?.url ?? '');

  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await client.end();
    await clamd?.stop();
    await rm(clamdDir, { recursive: true, force: true });
    await embedded?.stop();
    // As root in a tree the postgres user cannot enter, the cluster lives outside dataDir.
    if (embedded) await rm(embedded.clusterDir, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
