import { createHash } from 'node:crypto';
import { presentTrailEvent, type TrailRow } from './audit-trail.js';

/**
 * One JSON line per event, with its chain hashes, so an auditor can re-verify offline (events
 * read from the message and session rows have none: `chained` is false).
 */
export const toJsonLine = (r: TrailRow) =>
  JSON.stringify({
    ...presentTrailEvent(r),
    prevHash: r.prev_hash?.toString('hex') ?? null,
    hash: r.hash?.toString('hex') ?? null,
  }) + '\n';

const OUTCOME = { success: '0', failure: '8', denied: '4' } as const;

/** FHIR ids allow [A-Za-z0-9.-], at most 64: a derived event's id (`send:<uuid>`, ...) goes as its digest. */
const fhirId = (id: string) => (/^\d+$/.test(id) ? id : createHash('sha256').update(id).digest('hex').slice(0, 40));

/** The R4 audit-event-action code: Create, Update, Delete, Read, or Execute for everything else. */
function fhirAction(action: string): 'C' | 'U' | 'D' | 'R' | 'E' {
  if (action === 'messages.send' || action === 'messages.react') return 'C';
  if (action === 'messages.edit') return 'U';
  if (action === 'messages.delete' || action === 'messages.unreact') return 'D';
  const read = ['.read', '.sync', '.export', '.history'].some((end) => action.endsWith(end));
  return read || action.includes('download') || action.includes('thumbnail') ? 'R' : 'E';
}

/** A FHIR R4 AuditEvent (type: rest/application activity; outcome codes per the R4 value set). */
export function toFhirAuditEvent(r: TrailRow) {
  return {
    resourceType: 'AuditEvent',
    id: fhirId(r.id),
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
      code: 'rest',
      display: 'RESTful Operation',
    },
    subtype: [{ system: 'urn:carechat:audit-action', code: r.action }],
    action: fhirAction(r.action),
    recorded: r.at.toISOString(),
    outcome: OUTCOME[r.outcome],
    agent: [
      {
        who: {
          identifier: { system: 'urn:carechat:user-id', value: r.actor_id ?? 'unknown' },
          ...(r.actor_name ? { display: r.actor_name } : {}),
        },
        ...(r.actor_role ? { role: [{ text: r.actor_role }] } : {}),
        requestor: true,
        ...(r.ip ? { network: { address: r.ip, type: '2' } } : {}),
      },
    ],
    source: { observer: { display: 'CareChat' } },
    ...(r.conversation_id || r.target_id
      ? {
          entity: [
            {
              what: {
                identifier: { system: 'urn:carechat:object', value: r.conversation_id ?? r.target_id },
              },
              ...(r.details?.reason ? { description: String(r.details.reason) } : {}),
            },
          ],
        }
      : {}),
  };
}
