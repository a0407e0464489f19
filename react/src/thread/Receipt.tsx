import type { Conversation, Message } from '@carechat/protocol';
import { tickFor, type Tick } from '@carechat/client';
import type { Strings } from '../i18n/en.js';
import { useKit } from '../chat/context.js';

const TICK_ICON: Record<Tick, string> = { pending: '🕓', failed: '⚠', sent: '✓', delivered: '✓✓', read: '✓✓' };
const TICK_LABEL: Record<Tick, (t: Strings) => string> = {
  pending: (t) => t.tickPending,
  failed: (t) => t.tickFailed,
  sent: (t) => t.tickSent,
  delivered: (t) => t.tickDelivered,
  read: (t) => t.tickRead,
};

/** How far one of my messages got: sent, delivered to a device of the other person, or read. */
export function Receipt({ message, conversation }: { message: Message; conversation: Conversation }) {
  const { strings: t } = useKit();
  const tick = tickFor(message, conversation);
  const label = TICK_LABEL[tick](t);
  return (
    <span className={`tick ${tick}`} aria-label={label} title={label}>
      {' '}
      {TICK_ICON[tick]}
    </span>
  );
}
