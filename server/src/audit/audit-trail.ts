import type { AuditEvent, AuditQuery } from '@carechat/protocol';
import type { Queryable } from '../db/pool.js';

/** The filters the trail's page and its export share. */
export type TrailFilters = Pick<AuditQuery, 'actorId' | 'conversationId' | 'action' | 'from' | 'to'>;

/** A row of `audit_trail` (migration 0019): a chained audit event or one read from the message and session rows. */
export interface TrailRow {
  id: string;
  at: Date;
  /** `at` in microseconds since the epoch: the cursor's half that Date would round. */
  at_us: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: AuditEvent['actorRole'];
  action: string;
  conversation_id: string | null;
  conversation_name: string | null;
  message_id: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: AuditEvent['outcome'];
  details: Record<string, unknown> | null;
  prev_hash: Buffer | null;
  hash: Buffer | null;
}

/** The only place a trail row becomes the protocol's `AuditEvent`. */
export function presentTrailEvent(r: TrailRow): AuditEvent {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    action: r.action,
    conversationId: r.conversation_id,
    conversationName: r.conversation_name,
    messageId: r.message_id,
    targetId: r.target_id,
    ip: r.ip,
    userAgent: r.user_agent,
    outcome: r.outcome,
    details: r.details,
    chained: r.hash !== null,
  };
}

/**
 * The trail's rows matching `f`, ordered by time then id (`order`), after or before the
 * cursor `after` (`<at_us>_<id>`), names beside ids. Parameter $1 is the idle time.
 */
function trailSql(f: TrailFilters, idleMs: number, order: 'ASC' | 'DESC', after: string | undefined, limit: number) {
  const params: unknown[] = [`${idleMs} milliseconds`];
  const where: string[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql.replace(/\?/g, () => `$${params.push(values.shift())}`));
  };
  if (f.actorId) add('t.actor_id = ?', f.actorId);
  if (f.conversationId) add('t.conversation_id = ?', f.conversationId);
  if (f.action) add('t.action = ?', f.action);
  if (f.from) add('t.at >= ?', f.from);
  if (f.to) add('t.at < ?', f.to);
  const cursor = after?.match(/^(\d+)_(.+)$/);
  if (cursor) {
    // The plain bound on `at` lets each branch start its index scan at the cursor; the row
    // comparison then breaks ties on id.
    const [op, bound] = order === 'DESC' ? ['<', '<='] : ['>', '>='];
    const at = `timestamptz 'epoch' + ? * interval '1 microsecond'`;
    add(`t.at ${bound} ${at} AND (t.at, t.id) ${op} (${at}, ?)`, cursor[1], cursor[1], cursor[2]);
  }
  params.push(limit);
  const text = `SELECT t.*, (extract(epoch FROM t.at) * 1000000)::bigint::text AS at_us,
         a.name AS actor_name, p.name || ' · ' || d.name AS conversation_name
    FROM audit_trail($1::interval) t
    LEFT JOIN users a ON a.id = t.actor_id
    LEFT JOIN conversations c ON c.id = t.conversation_id
    LEFT JOIN users p ON p.id = c.patient_id
    LEFT JOIN users d ON d.id = c.doctor_id
   ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
   ORDER BY t.at ${order}, t.id ${order} LIMIT $${params.length}`;
  return { text, values: params };
}

const cursorOf = (r: TrailRow) => `${r.at_us}_${r.id}`;

/** Newest first, keyset-paged on (time, id). */
export async function listTrail(
  db: Queryable,
  q: AuditQuery,
  idleMs: number,
): Promise<{ data: AuditEvent[]; nextCursor: string | null }> {
  const { rows } = await db.query<TrailRow>(trailSql(q, idleMs, 'DESC', q.cursor, q.limit + 1));
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { data: page.map(presentTrailEvent), nextCursor: rows.length > q.limit && last ? cursorOf(last) : null };
}

/** The trail's rows matching `f` oldest first, a batch at a time (a time range can be large). */
export async function* trailBetween(db: Queryable, f: TrailFilters, idleMs: number): AsyncGenerator<TrailRow> {
  for (let after: string | undefined; ;) {
    const { rows } = await db.query<TrailRow>(trailSql(f, idleMs, 'ASC', after, 2000));
    yield* rows;
    const last = rows.at(-1);
    if (rows.length < 2000 || !last) return;
    after = cursorOf(last);
  }
}
