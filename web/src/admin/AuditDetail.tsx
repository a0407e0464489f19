import type { AuditEvent } from '@carechat/protocol';
import { AUDIT_ACTIONS } from '@carechat/protocol';

export const actionLabel = (action: string) => AUDIT_ACTIONS[action as keyof typeof AUDIT_ACTIONS] ?? action;

/** One audit event in full: every field the trail holds (never content: there is none to show). */
export function AuditDetail({ event, onClose }: { event: AuditEvent; onClose: () => void }) {
  const rows: [string, string | null | undefined][] = [
    ['When', new Date(event.at).toLocaleString()],
    ['Action', `${actionLabel(event.action)} (${event.action})`],
    ['Outcome', event.outcome],
    ['Person', event.actorName ? `${event.actorName} (${event.actorId})` : event.actorId],
    ['Role', event.actorRole],
    [
      'Conversation',
      event.conversationName ? `${event.conversationName} (${event.conversationId})` : event.conversationId,
    ],
    ['Message', event.messageId],
    ['Target', event.targetId],
    ['Address', event.ip],
    ['Device', event.userAgent],
    ['Event id', event.id],
    [
      'Tamper evidence',
      event.chained ? 'In the hash chain' : 'Read from the message or session record (not in the hash chain)',
    ],
  ];
  return (
    <section className="audit-detail" aria-label="Event detail">
      <button type="button" className="link" onClick={onClose}>
        ← Audit log
      </button>
      <dl>
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        {event.details && (
          <div>
            <dt>Details</dt>
            <dd>
              <pre>{JSON.stringify(event.details, null, 2)}</pre>
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
