import type { Queryable } from '../db/pool.js';

/**
 * How many statements of other sessions wait on a lock `holder` (a connection with an open
 * transaction) holds, counted through `db`: a test that holds a row waits for this, not a pause.
 */
export async function waitingOn(db: Queryable, holder: Queryable): Promise<number> {
  const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))',
    [pid],
  );
  return rows[0]!.n;
}
