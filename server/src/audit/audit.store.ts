import type { AccessLogEntry, AuditEvent, AuditQuery } from '@carechat/protocol';
import type { Queryable } from '../db/pool.js';

export interface AuditRecord {
  actorId: string | null;
  actorRole: string | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  conversationId?: string | null;
  messageId?: string | null;
  targetId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Never content: counts, reasons, scopes. */
  details?: Record<string, unknown> | null;
}

/** The columns of an audit row as written; `auditValues` gives its parameters in this order. */
export const AUDIT_COLUMNS = '(actor_id, actor_role, action, conversation_id, message_id, target_id, ip, user_agent, outcome, details)';

const AUDIT_TYPES = ['text', 'text', 'text', 'uuid', 'uuid', 'text', 'text', 'text', 'text', 'jsonb'];

/**
 * The row's parameters from $first on, cast to their columns' types: an `INSERT ... SELECT`
 * (a statement that writes its audit row beside what it reads) cannot infer them.
 */
export const auditParams = (first: number): string[] => AUDIT_TYPES.map((type, i) => `$${first + i}::${type}`);

export function auditValues(e: AuditRecord): unknown[] {
  return [
    e.actorId,
    e.actorRole,
    e.action,
    e.conversationId ?? null,
    e.messageId ?? null,
    e.targetId ?? null,
    e.ip ?? null,
    e.userAgent?.slice(0, 512) ?? null,
    e.outcome,
    e.details ?? null,
  ];
}

export async function insertAuditEvent(db: Queryable, e: AuditRecord): Promise<void> {
  // Named: every read writes one, so it is parsed and planned once per connection.
  await db.query({
    name: 'audit-insert',
    text: `INSERT INTO audit_events ${AUDIT_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    values: auditValues(e),
  });
}

/**
 * `e` once for each of these conversations, in one statement: a read that showed several at
 * once (an admin's list with their previews) then appears in each one's trail and access log.
 */
export async function insertAuditEventPerConversation(db: Queryable, e: AuditRecord, conversationIds: string[]): Promise<void> {
  const values = auditValues(e);
  values[3] = conversationIds;
  const columns = auditParams(1).map((p, i) => (i === 3 ? 'c' : p));
  await db.query(`INSERT INTO audit_events ${AUDIT_COLUMNS} SELECT ${columns.join(', ')} FROM unnest($4::uuid[]) AS c`, values);
}

export interface AuditRow {
  id: number;
  at: Date;
  actor_id: string | null;
  actor_role: AuditEvent['actorRole'];
  action: string;
  conversation_id: string | null;
  message_id: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: AuditEvent['outcome'];
}

/** The only place an audit row becomes the protocol's `auditEvent`. */
export function presentAuditEvent(r: AuditRow): AuditEvent {
  return {
    id: String(r.id),
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    conversationId: r.conversation_id,
    messageId: r.message_id,
    targetId: r.target_id,
    ip: r.ip,
    userAgent: r.user_agent,
    outcome: r.outcome,
  };
}

/** Newest first, keyset-paged on id. */
export async function listAuditEvents(db: Queryable, q: AuditQuery): Promise<{ data: AuditEvent[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.actorId) add('actor_id = ?', q.actorId);
  if (q.conversationId) add('conversation_id = ?', q.conversationId);
  if (q.action) add('action = ?', q.action);
  if (q.from) add('at >= ?', q.from);
  if (q.to) add('at < ?', q.to);
  if (q.cursor && /^\d+$/.test(q.cursor)) add('id < ?', Number(q.cursor));
  params.push(q.limit + 1);
  const { rows } = await db.query<AuditRow>(
    `SELECT id, at, actor_id, actor_role, action, conversation_id, message_id, target_id, ip, user_agent, outcome
       FROM audit_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  return {
    data: page.map(presentAuditEvent),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null,
  };
}

/**
 * The newest `$3` events of conversation `$1` by anyone but its participants `$2`. Patients
 * and doctors reach a conversation only as its participants, so the rows are among those of
 * other roles: what `audit_events_outside` indexes, leaving out the participants' own reads.
 */
export const OUTSIDE_ACCESS = `SELECT e.at, e.actor_id, u.name, e.actor_role, e.action, e.details
  FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
 WHERE e.conversation_id = $1 AND (e.actor_role IS NULL OR e.actor_role NOT IN ('PATIENT', 'DOCTOR'))
   AND (e.actor_id IS NULL OR NOT (e.actor_id = ANY($2)))
 ORDER BY e.id DESC LIMIT $3`;

/** Who outside a conversation opened it, newest first: what its participants may see. */
export async function findOutsideAccess(db: Queryable, conversationId: string, participants: string[], limit = 200): Promise<AccessLogEntry[]> {
  const { rows } = await db.query<{ at: Date; actor_id: string | null; name: string | null; actor_role: string | null; action: string; details: { reason?: string; flagged?: boolean } | null }>(
    OUTSIDE_ACCESS,
    [conversationId, participants, limit],
  );
  return rows.map((r) => ({
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorName: r.name,
    actorRole: r.actor_role,
    action: r.action,
    reason: r.details?.reason ?? null,
    flagged: r.details?.flagged === true,
  }));
}
