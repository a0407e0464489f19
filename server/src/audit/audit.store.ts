import type { AccessLogEntry } from '@carechat/protocol';
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
export const AUDIT_COLUMNS =
  '(actor_id, actor_role, action, conversation_id, message_id, target_id, ip, user_agent, outcome, details)';

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
 * A read of content by someone outside the conversation. Patients, doctors and care-team staff
 * reach a conversation only as its participants, so such reads are among those of other roles;
 * and only reads (`audit_action_shows_content`, migration 0017), not an admin's listing or a
 * legal hold. Written as the outside-read indexes' predicate (0023) so the planner uses them.
 */
export const outsideRead = (e: string) =>
  `(${e}.actor_role IS NULL OR ${e}.actor_role NOT IN ('PATIENT', 'DOCTOR', 'STAFF'))
   AND audit_action_shows_content(${e}.action)`;

/**
 * The newest `$3` reads of conversation `$1`'s content by anyone but its participants `$2`.
 * What `audit_events_outside_reads` indexes.
 */
export const OUTSIDE_ACCESS = `SELECT e.at, e.actor_id, u.name, e.actor_role, e.action, e.details
  FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
 WHERE e.conversation_id = $1 AND ${outsideRead('e')}
   AND (e.actor_id IS NULL OR NOT (e.actor_id = ANY($2)))
 ORDER BY e.id DESC LIMIT $3`;

/** Who outside a conversation read its content, newest first: what its participants may see. */
export async function findOutsideAccess(
  db: Queryable,
  conversationId: string,
  participants: string[],
  limit = 200,
): Promise<AccessLogEntry[]> {
  const { rows } = await db.query<{
    at: Date;
    actor_id: string | null;
    name: string | null;
    actor_role: string | null;
    action: string;
    details: { reason?: string; flagged?: boolean } | null;
  }>(OUTSIDE_ACCESS, [conversationId, participants, limit]);
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
