import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';

/** "Dana is typing…" while the other person in this conversation types. */
export function TypingLine({ conversationId, name }: { conversationId: string; name: string }) {
  const { strings: t } = useKit();
  const state = useChat();
  if (!state.typing[conversationId]) return null;
  return <p className="typing muted small">{t.typing(name)}</p>;
}
