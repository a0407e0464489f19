import type { Conversation, Participant, ServerToClientEvents } from '@carechat/protocol';
import { participantsOf } from './participants.js';
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

/**
 * Per conversation, who else is typing there now: user ids, in the order they started. A
 * conversation where nobody is has no key, so `typing[id]` is truthy exactly while someone is.
 * Each typist leaves with their `chat:typing` stop (the server sends one 5 s after the last start
 * by itself) or their message.
 */
export type PeerTyping = Readonly<Record<string, readonly string[]>>;

/** Someone's `chat:typing`; mine (from my other devices) is never shown. */
export function withPeerTyping(typing: PeerTyping, e: TypingEvent, myId: string): PeerTyping {
  if (e.userId === myId) return typing;
  const now = typing[e.conversationId] ?? [];
  if (!e.isTyping) return withoutTypist(typing, e.conversationId, e.userId);
  return now.includes(e.userId) ? typing : { ...typing, [e.conversationId]: [...now, e.userId] };
}

/** Someone stopped typing in a conversation (their stop, or their message); the same object if they were not. */
export function withoutTypist(typing: PeerTyping, conversationId: string, userId: string): PeerTyping {
  const now = typing[conversationId] ?? [];
  if (!now.includes(userId)) return typing;
  const rest = now.filter((id) => id !== userId);
  return rest.length ? { ...typing, [conversationId]: rest } : withoutKey(typing, conversationId);
}

/**
 * Who is typing in a conversation, as it lists its participants (the patient, the doctor, the
 * team): someone taken off the team meanwhile is not named.
 */
export const typistsOf = (c: Conversation, typing: PeerTyping): Participant[] => {
  const ids = typing[c.id] ?? [];
  return ids.length ? participantsOf(c).filter((p) => ids.includes(p.id)) : [];
};
