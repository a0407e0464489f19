import { typistsOf } from '@carechat/client';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';

/** "Nurse Joy is typing…" (or several of them) while others in this conversation type. */
export function TypingLine({ conversationId }: { conversationId: string }) {
  const { strings: t } = useKit();
  const state = useChat();
  const conversation = state.conversations[conversationId];
  const typists = conversation ? typistsOf(conversation, state.typing) : [];
  if (typists.length === 0) return null;
  return <p className="typing muted small">{t.typing(typists.map((p) => p.name))}</p>;
}
