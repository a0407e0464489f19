import type { Queryable } from '../db/pool.js';
import { presentAuditEvent, type AuditRow } from './audit.store.js';

export interface ExportRow extends AuditRow {
  details: Record<string, unknown> | null;
  prev_hash: Buffer | null;
  hash: Buffer | null;
}

/** Audit events in [from, to), in chain order, a batch at a time (a time range can be large). */
export async function* auditEventsBetween(db: Queryable, from: string, to: string): AsyncGenerator<ExportRow> {
  for (let after = 0; ; ) {
    const { rows } = await db.query<ExportRow>(
      'SELECT * FROM audit_events WHERE at >= $1 AND at < $2 AND id > $3 ORDER BY id LIMIT 2000',
      [from, to, after],
    );
    yield* rows;
    if (rows.length < 2000) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** One JSON line per event, with its chain hashes, so an auditor can re-verify offline. */
export const toJsonLine = (r: ExportRow) =>
  JSON.stringify({ ...presentAuditEvent(r), details: r.details, prevHash: r.prev_hash?.toString('hex') ?? null, hash: r.hash?.toString('hex') ?? null }) +
  '\n';

const OUTCOME = { success: '0', failure: '8', denied: '4' } as const;

/** A FHIR R4 AuditEvent (type: rest/application activity; outcome codes per the R4 value set). */
export function toFhirAuditEvent(r: ExportRow) {
  return {
    resourceType: 'AuditEvent',
    id: String(r.id),
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'urn:carechat:audit-action', code: r.action }],
    action: r.action.endsWith('.read') || r.action.includes('download') || r.action.endsWith('.sync') || r.action.endsWith('.export') ? 'R' : 'E',
    recorded: r.at.toISOString(),
    outcome: OUTCOME[r.outcome],
    agent: [
      {
        who: { identifier: { system: 'urn:carechat:user-id', value: r.actor_id ?? 'unknown' } },
        ...(r.actor_role ? { role: [{ text: r.actor_role }] } : {}),
        requestor: true,
        ...(r.ip ? { network: { address: r.ip, type: '2' } } : {}),
      },
    ],
    source: { observer: { display: 'CareChat' } },
    ...(r.conversation_id || r.target_id
      ? { entity: [{ what: { identifier: { system: 'urn:carechat:object', value: r.conversation_id ?? r.target_id } }, ...(r.details?.reason ? { description: String(r.details.reason) } : {}) }] }
      : {}),
  };
}
