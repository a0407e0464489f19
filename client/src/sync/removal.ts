import type { ClientState } from '../state.js';
import { withoutKey } from './record.js';

/** What of the state a conversation's removal touches (drafts live in DraftStore: `withoutDraft`). */
export type RemovalState = Pick<
  ClientState,
  'conversations' | 'threads' | 'outbox' | 'typing' | 'openId' | 'revs' | 'pendingAcks' | 'watermarks'
>;

/**
 * I no longer take part in a conversation (`conversation:removed`: taken off the doctor's care
 * team): it leaves the list, closes if it was open, and nothing of it stays: its window, what I
 * had not sent yet (the server would refuse it now), who was typing, its receipts and my messages
 * waiting for acknowledgement. The same object when nothing of it was known.
 */
export function withoutConversation<S extends RemovalState>(state: S, conversationId: string): S {
  const items = state.outbox.items.filter((i) => i.conversationId !== conversationId);
  const next: S = {
    ...state,
    conversations: withoutKey(state.conversations, conversationId),
    threads: withoutKey(state.threads, conversationId),
    outbox: items.length === state.outbox.items.length ? state.outbox : { ...state.outbox, items },
    typing: withoutKey(state.typing, conversationId),
    openId: state.openId === conversationId ? null : state.openId,
    revs: withoutKey(state.revs, conversationId),
    pendingAcks: state.pendingAcks?.some((p) => p.conversationId === conversationId)
      ? state.pendingAcks.filter((p) => p.conversationId !== conversationId)
      : state.pendingAcks,
    watermarks: withoutKey(state.watermarks, conversationId),
  };
  const changed = (Object.keys(next) as (keyof RemovalState)[]).some((k) => next[k] !== state[k]);
  return changed ? next : state;
}
