import { useState } from 'react';
import type { Message } from '@carechat/protocol';
import { clockTime, dayLabel } from '../chat/format.js';
import { useKit } from '../chat/context.js';

/**
 * A message's acknowledgement and urgency: to the patient, a message that asks for
 * acknowledgement shows "I have read this" until pressed; to its sender, "Awaiting
 * acknowledgement" or "Acknowledged <time>". An urgent message carries its flag.
 */
export function MessageFlags({ message: m, mine }: { message: Message; mine: boolean }) {
  const { client, strings: t, dateLocale } = useKit();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ack = m.acknowledgement;
  if (m.deletedAt || (!ack && !m.urgent)) return null;

  const handleAcknowledge = () => {
    setBusy(true);
    client.acknowledge(m.id).then(
      () => setBusy(false),
      (e: Error) => (setBusy(false), setError(e.message)),
    );
  };
  const when = (iso: string) => `${dayLabel(iso, t, dateLocale)} ${clockTime(iso, dateLocale)}`;

  return (
    <div className="message-flags small">
      {m.urgent && <span className="flag urgent">{t.urgent}</span>}
      {ack &&
        (ack.acknowledgedAt ? (
          <span className="ack-state done">{t.acknowledgedAt(when(ack.acknowledgedAt))}</span>
        ) : mine ? (
          <span className="ack-state waiting">{t.awaitingAcknowledgement}</span>
        ) : (
          <span className="ack-ask">
            <span>{t.ackRequested}</span>
            <button type="button" onClick={handleAcknowledge} disabled={busy}>
              {t.iHaveReadThis}
            </button>
          </span>
        ))}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  );
}
