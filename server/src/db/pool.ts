import pg from 'pg';
import type { Logger } from '../logger.js';

export type Db = pg.Pool;
export type Tx = pg.PoolClient;
/** Anything that runs a query: the pool or a transaction's client. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint columns (rev, audit ids) stay far below 2^53; parse them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Becomes the carechat_app role (migration 0010) when the database has it and this user may:
 * every right the server needs, none to change or remove audit events. One statement, and a
 * no-op where the role could not be made.
 */
export const ADOPT_APP_ROLE = `DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carechat_app')
     AND pg_has_role(session_user, 'carechat_app', 'MEMBER') THEN
    SET ROLE carechat_app;
  END IF;
END $$`;

/**
 * `genericPlans`: each named statement is planned once per connection and the plan kept
 * (plan_cache_mode = force_generic_plan). For the grouped send statements only: left to
 * choose, PostgreSQL plans their array forms afresh for every group under about ten rows,
 * about 0.9 ms of its CPU each time, more than the rest of a small group's statement. Not for
 * the main pool: queries with optional filters want a plan made for their parameters.
 */
export function initPool(connectionString: string, max: number, log: Logger, { genericPlans = false } = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max,
    ...(genericPlans ? { options: '-c plan_cache_mode=force_generic_plan' } : {}),
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    // Awaited before the new client is handed out, so nothing runs before it.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(ADOPT_APP_ROLE);
    },
  });
  // An idle client dies when PostgreSQL restarts; without this listener that kills the process.
  pool.on('error', (err) =>
    log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'idle database client failed'),
  );
  timeQueries(pool);
  return pool;
}

/** Told how long one of a pool's own queries took, from call to result (a transaction's client's are not). */
export type QueryObserver = (durationMs: number) => void;

const queryObservers = new WeakMap<Db, QueryObserver[]>();

/**
 * `observer` hears of every query `db` runs from now on. Metrics are made after the pools
 * (createApp builds them on pools main.ts opened), so observers join a pool already in use.
 */
export function observeQueries(db: Db, observer: QueryObserver): void {
  const observers = queryObservers.get(db);
  if (!observers) throw new Error('observeQueries: the pool was not made by initPool');
  observers.push(observer);
}

/**
 * pg has no event for a query's end, and Pool.query's overloads (promise or callback) cannot be
 * overridden in a typed subclass, so the pool's own `query` is wrapped once, here where the pool
 * is made. Both pools are timed alike, and nothing else replaces `query`.
 */
function timeQueries(pool: Db): void {
  const observers: QueryObserver[] = [];
  queryObservers.set(pool, observers);
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const start = performance.now();
    const result = query(...args);
    if (result instanceof Promise) {
      const done = () => {
        const durationMs = performance.now() - start;
        for (const observer of observers) observer(durationMs);
      };
      result.then(done, done);
    }
    return result;
  }) as Db['query'];
}

/** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
export async function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export const isUniqueViolation = (err: unknown, constraint?: string): boolean =>
  (err as { code?: string })?.code === '23505' &&
  (constraint === undefined || (err as { constraint?: string }).constraint === constraint);
