import { useEffect, useState } from 'react';
import { clockTime, relativeTime } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';

/**
 * A clinician's messages still waiting for their patients' acknowledgement, oldest first:
 * who, when it was sent, how many reminders went out. Opening one opens its conversation at
 * that message. The list follows acknowledgements live (the client's `pendingAcks`).
 */
export function PendingAcks({ onClose }: { onClose: () => void }) {
  const { client, strings: t, dateLocale } = useKit();
  const { pendingAcks } = useChat();
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    client.loadPendingAcknowledgements().catch((e: Error) => setProblem(e.message));
  }, [client]);

  const handleOpen = async (conversationId: string, messageId: string) => {
    onClose();
    await client.open(conversationId);
    // The message is on screen when it is among the newest page; older ones stay a scroll away.
    requestAnimationFrame(() => document.getElementById(`message-${messageId}`)?.scrollIntoView({ block: 'center' }));
  };

  return (
    <section className="pending-acks" aria-label={t.pendingAcksTitle}>
      <div className="pending-acks-head">
        <h2>{t.pendingAcksTitle}</h2>
        <button type="button" className="link" onClick={onClose} aria-label={t.close}>
          ✕
        </button>
      </div>
      {problem && (
        <p role="alert" className="error small">
          {problem}
        </p>
      )}
      {pendingAcks === null && !problem && <p className="muted small">{t.loading}</p>}
      {pendingAcks?.length === 0 && <p className="muted small">{t.noPendingAcks}</p>}
      <ul>
        {pendingAcks?.map((p) => (
          <li key={p.messageId}>
            <button
              type="button"
              className="pending-ack"
              onClick={() => void handleOpen(p.conversationId, p.messageId)}
            >
              <span className="name">{p.patient.name}</span>
              <span className="muted small">
                <time dateTime={p.sentAt}>
                  {t.sentAt(`${relativeTime(p.sentAt, t, dateLocale)} ${clockTime(p.sentAt, dateLocale)}`)}
                </time>
                {' · '}
                {t.remindersSent(p.reminders)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
