import {
  isClinician,
  type Conversation,
  type Message,
  type Participant,
  type ServerToClientEvents,
} from '@carechat/protocol';
import { participantsOf, teamOf } from './participants.js';

export type Conversations = Readonly<Record<string, Conversation>>;

/**
 * Conversations with an unanswered urgent message first, then the rest; each newest activity
 * first, a conversation with no message by when it was opened.
 */
export function sortConversations(list: Conversation[]): Conversation[] {
  const key = (c: Conversation) => c.lastMessageAt ?? c.createdAt;
  const urgent = (c: Conversation) => (c.urgentAt ? 1 : 0);
  return [...list].sort(
    (a, b) => urgent(b) - urgent(a) || (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : a.id < b.id ? 1 : -1),
  );
}

/**
 * Whether the conversation has an unanswered urgent message after `m`, as the server keeps it:
 * the patient's urgent message sets it (the first one's time stays), anyone of the care side
 * (the doctor or the team) writing clears it.
 */
export function urgentAtAfter(conversation: Conversation, m: Message): string | null {
  const before = conversation.urgentAt ?? null;
  if (m.senderId === conversation.doctor.id || isClinician(m.senderRole)) return null;
  if (m.urgent && m.senderId === conversation.patient.id) return before ?? m.createdAt;
  return before;
}

/**
 * Since when the patient waits for a reply after `m`, as the server keeps it: the patient's
 * message starts the wait (the first one's time stays), anyone of the care side ends it.
 */
export function waitingSinceAfter(conversation: Conversation, m: Message): string | null {
  const before = conversation.waitingSince ?? null;
  if (m.senderId === conversation.patient.id) return before ?? m.createdAt;
  return null;
}

/** The triage order: longest waiting first (the server's needs-reply order); those not waiting last. */
export function sortByWaiting(list: Conversation[]): Conversation[] {
  const key = (c: Conversation) => c.waitingSince ?? '\uffff';
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * The list as shown: the archive or the active conversations (newest activity first), or, in
 * the triage view, those waiting for a reply (longest waiting first); the open one always stays.
 */
export function visibleConversations(
  conversations: Conversations,
  view: { archivedView: boolean; needsReplyView: boolean; openId: string | null },
): Conversation[] {
  const all = Object.values(conversations);
  if (view.needsReplyView)
    return sortByWaiting(all.filter((c) => (c.waitingSince && !c.archived) || c.id === view.openId));
  return sortConversations(all.filter((c) => c.archived === view.archivedView || c.id === view.openId));
}

/** What a conversation list shows of a message (the server's own preview follows on the next list). */
export function previewOf(m: Message): string {
  if (m.deletedAt) return 'Message deleted';
  if (m.content) return m.content.length > 100 ? `${m.content.slice(0, 99)}…` : m.content;
  return '📎 Attachment';
}

/**
 * A new message in a conversation: its list entry moves up with the new preview, the
 * conversation comes back from the archive, and a message from the other person counts as
 * unread (the reader marks it read when it is on screen).
 */
export function withNewMessage(conversation: Conversation, m: Message, mine: boolean): Conversation {
  if (m.seq <= (conversation.lastMessage?.seq ?? 0)) return conversation;
  return {
    ...conversation,
    lastMessage: { id: m.id, seq: m.seq, senderId: m.senderId, preview: previewOf(m), createdAt: m.createdAt },
    lastMessageAt: m.createdAt,
    lastSeq: Math.max(conversation.lastSeq, m.seq),
    archived: false,
    unreadCount: mine ? 0 : conversation.unreadCount + 1,
    urgentAt: urgentAtAfter(conversation, m),
    waitingSince: waitingSinceAfter(conversation, m),
  };
}

export type PresenceEvent = Parameters<ServerToClientEvents['presence:update']>[0];

/** Someone came online or left: each conversation they take part in (on either side or in its team) shows it. */
export function withPresence(conversations: Conversations, p: PresenceEvent): Conversations {
  const seen = <T extends Participant>(x: T): T =>
    x.id === p.userId ? { ...x, online: p.online, lastSeenAt: p.lastSeenAt ?? x.lastSeenAt } : x;
  let next = conversations;
  for (const c of Object.values(conversations)) {
    if (!participantsOf(c).some((x) => x.id === p.userId)) continue;
    next = {
      ...next,
      [c.id]: { ...c, patient: seen(c.patient), doctor: seen(c.doctor), careTeam: teamOf(c).map(seen) },
    };
  }
  return next;
}

/** What the host's badge shows: unread messages over every conversation this client knows. */
export const totalUnread = (conversations: Conversations): number =>
  Object.values(conversations).reduce((n, c) => n + c.unreadCount, 0);
