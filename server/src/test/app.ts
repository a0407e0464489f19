import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../db/migrate.js';
import { inject } from 'vitest';
import { createApp, type App } from '../app.js';
import { systemClock, type Clock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { Keyring } from '../crypto/keyring.js';
import { loadMasterKeys } from '../crypto/master-key.js';
import { initPool, type Db } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { HttpClient } from './http-client.js';
import { until as waitFor } from './socket-client.js';

// What global-setup.ts provides to every test file.
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** A real clamd for this run, or '' when the machine has none. */
    clamdUrl: string;
  }
}

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789';
export const TEST_SERVICE_KEY = 'test-service-key-0123456789';
export const TEST_MASTER_KEY = 'a1'.repeat(32);

export interface TestApp {
  url: string;
  db: Db;
  /** The send steps' connections (Deps.sendDb). */
  sendDb: Db;
  app: App;
  config: Config;
  keyring: Keyring;
  /** The integration API, authorised with the service key. */
  service: HttpClient;
  /** An unauthenticated client. */
  anon: HttpClient;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** The services' clock: a FakeClock (fake-clock.ts) lets a test move time instead of waiting. */
  clock?: Clock;
}

/** The real server (Fastify, Socket.IO, services) on a free port against the run's database. */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = env.DATABASE_URL ?? inject('databaseUrl');
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: path.resolve('.test-data', 'app'),
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SERVICE_API_KEY: TEST_SERVICE_KEY,
    MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO_SEED: 'false',
    SHUTDOWN_GRACE_MS: '2000',
    // Tests run the scheduled jobs themselves: an automatic run would reach into other
    // test files' data in the shared database.
    RETENTION_FIRST_RUN_SECONDS: '86400',
    // Likewise the push sweep: each test app has its own presence, so it would take other
    // files' connected users for offline and push to them. The sweep's own tests set it.
    PUSH_SWEEP_AFTER_SECONDS: '3600',
    ...env,
  });
  const log = createLogger(config.logLevel);
  const db = initPool(databaseUrl, 5, log);
  const sendDb = initPool(databaseUrl, 2, log, { genericPlans: true });
  const masterKeys = await loadMasterKeys(config, log);
  const keyring = new Keyring(masterKeys.keys, masterKeys.currentVersion);
  await keyring.verify(db);
  const app = await createApp({ config, db, sendDb, log, keyring, clock: options.clock ?? systemClock });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.http.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    db,
    sendDb,
    app,
    config,
    keyring,
    service: new HttpClient(url, TEST_SERVICE_KEY),
    anon: new HttpClient(url),
    async close() {
      await app.close();
      await db.end();
      await sendDb.end();
    },
  };
}

/** Signs a host-platform HS256 JWT the way the host platform would. */
export function signJwt(
  claims: Record<string, unknown>,
  secret = TEST_JWT_SECRET,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc(header)}.${enc(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * A database of its own, migrated, for tests that change global state (key rotation); with
 * `until`, migrated only up to that file, for a test of the migrations after it.
 */
export async function freshDatabase(until?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = new URL(inject('databaseUrl'));
  const name = `carechat_own_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const log = createLogger('silent');
  const pool = initPool(url.toString(), 1, log);
  await migrate(pool, log, until);
  await pool.end();
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: server.toString() });
      await c.connect();
      // A pool's end() resolves before its clients' sessions have closed; FORCE would then
      // terminate a session whose client is still ending, and that client throws the FATAL
      // "terminating connection" uncaught in the test process. Wait (up to 5 s) for them to go.
      const sessions = async () =>
        (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]))
          .rows[0]?.n ?? 0;
      await waitFor(async () => (await sessions()) === 0, 'the sessions to close', 5_000, 100).catch(() => undefined);
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
