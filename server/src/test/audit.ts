import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/pool.js';

/** The audit rows of one actor, oldest first, with their details: what a test checks a read left behind. */
export async function auditRowsOf(db: Db, actorId: string, action?: string) {
  const { rows } = await db.query<{
    action: string;
    outcome: string;
    conversation_id: string | null;
    message_id: string | null;
    target_id: string | null;
    details: any;
  }>(
    `SELECT action, outcome, conversation_id, message_id, target_id, details FROM audit_events
      WHERE actor_id = $1 AND ($2::text IS NULL OR action = $2) ORDER BY id`,
    [actorId, action ?? null],
  );
  return rows;
}

/**
 * From now on the database refuses every audit row of `actorId` (a trigger of the tables'
 * owner), as a full disk or a lost primary would: what a read must do then is fail. Other
 * actors, so other test files on the same database, are untouched. Returns the undo.
 */
export async function refuseAuditRowsOf(db: Db, actorId: string): Promise<() => Promise<void>> {
  const name = `test_refuse_${randomBytes(4).toString('hex')}`;
  const quoted = actorId.replace(/'/g, "''");
  await asTablesOwner(db, (c) =>
    c.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql
               AS $$ BEGIN RAISE EXCEPTION 'audit storage unavailable'; END $$;
             CREATE TRIGGER ${name} BEFORE INSERT ON audit_events
               FOR EACH ROW WHEN (NEW.actor_id = '${quoted}') EXECUTE FUNCTION ${name}()`),
  );
  return () => asTablesOwner(db, (c) => c.query(`DROP TRIGGER ${name} ON audit_events; DROP FUNCTION ${name}()`));
}

/** Runs `work` in a transaction as the tables' owner, not the app role: what only a test (or an attacker) could do. */
export async function asTablesOwner(db: Db, work: (client: Tx) => Promise<unknown>): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL ROLE NONE');
    await work(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
