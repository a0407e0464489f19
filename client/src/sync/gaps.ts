import type { Conversation, Message } from '@carechat/protocol';
import type { Thread } from './window.js';

/**
 * The highest rev seen per conversation: where `changes?since=` resumes after a gap or a
 * reconnect, so edits, deletes and reactions made meanwhile arrive with the missed messages.
 */
export type Revs = Readonly<Record<string, number>>;

export function withRevs(revs: Revs, messages: readonly Message[]): Revs {
  let next = revs;
  for (const m of messages) if (m.rev > (next[m.conversationId] ?? 0)) next = { ...next, [m.conversationId]: m.rev };
  return next;
}

/**
 * Whether `incoming` skips a seq after the newest message of a window that reaches the
 * newest: a message whose broadcast never came (a server died between its commit and its
 * fan-out, say). The caller catches up from the rev seen before `incoming`.
 */
export function skipsSeq(thread: Thread | undefined, incoming: Pick<Message, 'seq'>): boolean {
  if (!thread || thread.hasNewer) return false;
  const newest = thread.items[thread.items.length - 1]?.seq;
  return newest !== undefined && incoming.seq > newest + 1;
}

/** Whether a conversation moved past what this client has seen of a loaded thread: events were missed. */
export const missedChanges = (revs: Revs, conversation: Pick<Conversation, 'id' | 'lastRev'>): boolean =>
  conversation.lastRev > (revs[conversation.id] ?? 0);
