import type { PendingMessage } from '@carechat/client';
import { useKit } from '../chat/context.js';

/** One of my messages not acked yet: "Sending…", or refused for good with a way to discard it. */
export function PendingItem({ item }: { item: PendingMessage }) {
  const { client, strings: t } = useKit();
  return (
    <li className="message mine pending">
      <div className="bubble">
        {item.content && <p className="text">{item.content}</p>}
        <div className="meta muted small">
          {item.state === 'failed' ? (
            <>
              <span className="error">{t.notSent(item.error ?? '')}</span>{' '}
              <button type="button" className="link" onClick={() => client.discardPending(item.clientMessageId)}>
                {t.discard}
              </button>
            </>
          ) : (
            <span className="tick pending" aria-label={t.tickPending}>
              🕓 {t.sendingNow}
            </span>
          )}
        </div>
      </div>
    </li>
  );
}
