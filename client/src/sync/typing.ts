import type { ServerToClientEvents } from '@carechat/protocol';
import { withoutKey } from './record.js';

/** At most one "start" per conversation in this time while the person keeps typing. */
export const TYPING_THROTTLE_MS = 3000;
/** Typing that paused this long counts as stopped (the server ends it by itself at 5 s). */
export const TYPING_IDLE_MS = 4000;

/** When this client last said "typing" per conversation; absent once it said "stopped". */
export type TypingSent = Readonly<Record<string, number>>;

export type TypingSignal = 'chat:typing:start' | 'chat:typing:stop' | null;

/**
 * A keystroke (`active`) or a send or a pause (`!active`) in a conversation: the state after
 * it and the event to emit, if any. A start goes at most every TYPING_THROTTLE_MS; a stop
 * only after a start.
 */
export function typingSignal(
  sent: TypingSent,
  conversationId: string,
  active: boolean,
  now: number,
): { sent: TypingSent; emit: TypingSignal } {
  const last = sent[conversationId];
  if (active) {
    if (last !== undefined && now - last < TYPING_THROTTLE_MS) return { sent, emit: null };
    return { sent: { ...sent, [conversationId]: now }, emit: 'chat:typing:start' };
  }
  if (last === undefined) return { sent, emit: null };
  return { sent: withoutKey(sent, conversationId), emit: 'chat:typing:stop' };
}

export type TypingEvent = Parameters<ServerToClientEvents['chat:typing']>[0];

/** Conversation ids where the other person is typing now. */
export type PeerTyping = Readonly<Record<string, boolean>>;

export function withPeerTyping(typing: PeerTyping, e: TypingEvent, myId: string): PeerTyping {
  if (e.userId === myId || (typing[e.conversationId] ?? false) === e.isTyping) return typing;
  return { ...typing, [e.conversationId]: e.isTyping };
}
