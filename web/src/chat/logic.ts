import { EDIT_WINDOW_MS, type Conversation, type Message } from '@carechat/protocol';

/** Newest activity first; a conversation with no message sorts by when it was opened. */
export function sortConversations(list: Conversation[]): Conversation[] {
  const key = (c: Conversation) => c.lastMessageAt ?? c.createdAt;
  return [...list].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : a.id < b.id ? 1 : -1));
}

export type Tick = 'pending' | 'failed' | 'sent' | 'delivered' | 'read';

/** The ticks on one of my messages, from the peer's watermarks. */
export function tickFor(message: Pick<Message, 'seq'>, conversation: Pick<Conversation, 'peerLastReadSeq' | 'peerLastDeliveredSeq'>): Tick {
  if (message.seq <= conversation.peerLastReadSeq) return 'read';
  if (message.seq <= conversation.peerLastDeliveredSeq) return 'delivered';
  return 'sent';
}

/** Whether I may still edit a message (the server checks again). */
export function canEdit(message: Pick<Message, 'senderId' | 'createdAt' | 'deletedAt'>, myId: string, now = Date.now()): boolean {
  return message.senderId === myId && !message.deletedAt && now - Date.parse(message.createdAt) <= EDIT_WINDOW_MS;
}

/** Merges messages by id, keeping the newest rev of each, ordered by seq. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    if (!known || m.rev >= known.rev) byId.set(m.id, m);
  }
  return [...byId.values()].filter((m) => !m.hiddenForMe).sort((a, b) => a.seq - b.seq);
}

export interface PendingMessage {
  clientMessageId: string;
  conversationId: string;
  content: string;
  replyToId?: string;
  attachmentIds?: string[];
  createdAt: string;
  state: 'pending' | 'failed';
  error?: string;
}

/**
 * Messages written but not yet acked. Each keeps its clientMessageId, so sending it again
 * after a reconnect can never create a duplicate on the server.
 */
export class PendingQueue {
  private items: PendingMessage[] = [];

  add(item: Omit<PendingMessage, 'state' | 'createdAt'>, now = new Date()): PendingMessage {
    const p: PendingMessage = { ...item, state: 'pending', createdAt: now.toISOString() };
    this.items = [...this.items, p];
    return p;
  }

  acked(clientMessageId: string): void {
    this.items = this.items.filter((i) => i.clientMessageId !== clientMessageId);
  }

  /** A refusal the server will repeat (validation, no appointment): retrying will not help. */
  failed(clientMessageId: string, error: string): void {
    this.items = this.items.map((i) => (i.clientMessageId === clientMessageId ? { ...i, state: 'failed', error } : i));
  }

  /** What to send again when the connection returns, oldest first. */
  toRetry(): PendingMessage[] {
    return this.items.filter((i) => i.state === 'pending');
  }

  forConversation(conversationId: string): PendingMessage[] {
    return this.items.filter((i) => i.conversationId === conversationId);
  }

  remove(clientMessageId: string): void {
    this.acked(clientMessageId);
  }
}

export const newClientMessageId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** "14:05", "Yesterday", "Mon", "12 Mar": how long ago, the way chat lists show it. */
export function relativeTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const days = Math.floor((startOfDay(now) - startOfDay(d)) / 86_400_000);
  if (days <= 0) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (days === 1) return 'Yesterday';
  if (days < 7) return d.toLocaleDateString([], { weekday: 'short' });
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

/** "Today", "Yesterday" or the date: the separators between days in a thread. */
export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const days = Math.floor((startOfDay(now) - startOfDay(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

export const initials = (name: string) =>
  name
    .replace(/^Dr\.?\s+/i, '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
