import { useEffect, useState } from 'react';
import type { AccessLogEntry } from '@carechat/protocol';
import { useKit } from '../chat/context.js';

/** "Who else read this": who outside the conversation (an auditor) opened it, when, and why. */
export function AccessLog({ conversationId }: { conversationId: string }) {
  const { client, strings: t, dateLocale } = useKit();
  const [entries, setEntries] = useState<AccessLogEntry[] | null>(null);
  useEffect(() => {
    client.accessLog(conversationId).then(setEntries, () => setEntries([]));
  }, [client, conversationId]);
  return (
    <section className="access-log" aria-label={t.accessLog}>
      {entries?.length === 0 && <p className="muted small">{t.nobodyOutside}</p>}
      <ul>
        {entries?.map((e, i) => (
          <li key={i} className="small">
            <time dateTime={e.at}>{new Date(e.at).toLocaleString(dateLocale)}</time> · {e.actorName ?? e.actorId} (
            {e.actorRole && t.actorRole(e.actorRole)}) · {e.reason}
            {e.flagged && <span className="error">{t.noReasonGiven}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
