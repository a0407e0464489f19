import { useKit } from '../chat/context.js';
import { useClientState } from '../chat/hooks.js';

/** "Connecting…" or "Reconnecting…" while the socket is down; nothing while it is up. */
export function ConnectionBanner() {
  const { strings: t } = useKit();
  const { connection } = useClientState();
  if (connection === 'online') return null;
  return (
    <p className="banner" role="status">
      {connection === 'connecting' ? t.connecting : t.reconnecting}
    </p>
  );
}
