import type { Actor } from '../context.js';
import type { Queryable } from '../db/pool.js';
import { insertAuditEvent, type AuditRecord } from './audit.store.js';

type Event = Omit<AuditRecord, 'actorId' | 'actorRole' | 'ip' | 'userAgent'>;

/**
 * Records what `actor` did. Awaited before the answer goes out, so a read whose audit row
 * cannot be written fails instead of going unrecorded.
 */
export function audit(db: Queryable, actor: Actor, event: Event): Promise<void> {
  return insertAuditEvent(db, auditRecord(actor, event));
}

/** The row `audit` writes, for statements that write their audit row themselves. */
export function auditRecord(actor: Actor, event: Event): AuditRecord {
  // Admin access is break-glass: the reason is kept, and its absence flagged, on every row.
  const details =
    actor.role === 'ADMIN'
      ? {
          ...event.details,
          reason: actor.accessReason ?? 'no reason given',
          ...(actor.accessReason ? {} : { flagged: true }),
        }
      : event.details;
  return { ...event, details, actorId: actor.id, actorRole: actor.role, ip: actor.ip, userAgent: actor.userAgent };
}
