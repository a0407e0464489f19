import type { Conversation, Message, ReadResult, Receipt } from '@carechat/protocol';

export type Tick = 'pending' | 'failed' | 'sent' | 'delivered' | 'read';

/** The ticks on one of my messages, from the peer's watermarks. */
export function tickFor(
  message: Pick<Message, 'seq'>,
  conversation: Pick<Conversation, 'peerLastReadSeq' | 'peerLastDeliveredSeq'>,
): Tick {
  if (message.seq <= conversation.peerLastReadSeq) return 'read';
  if (message.seq <= conversation.peerLastDeliveredSeq) return 'delivered';
  return 'sent';
}

/**
 * The peer's watermarks moved (a `chat:read` or `chat:delivered` broadcast). Watermarks only
 * rise, and what was read was delivered. My own receipts (from my other devices) change
 * nothing here: `conversation:updated` brings my unread count.
 */
export function withReceipt(
  conversation: Conversation,
  kind: 'read' | 'delivered',
  receipt: Receipt,
  myId: string,
): Conversation {
  if (receipt.userId === myId) return conversation;
  const delivered = Math.max(conversation.peerLastDeliveredSeq, receipt.upToSeq);
  if (kind === 'delivered')
    return delivered === conversation.peerLastDeliveredSeq
      ? conversation
      : { ...conversation, peerLastDeliveredSeq: delivered };
  return {
    ...conversation,
    peerLastReadSeq: Math.max(conversation.peerLastReadSeq, receipt.upToSeq),
    peerLastDeliveredSeq: delivered,
  };
}

/** My read receipt acked: the server's count of what is left unread. */
export const withReadResult = (conversation: Conversation, result: ReadResult): Conversation => ({
  ...conversation,
  lastReadSeq: result.lastReadSeq,
  unreadCount: result.unreadCount,
});

/** The seq to mark read up to, or null when nothing is unread. */
export const readUpTo = (conversation: Conversation | undefined): number | null =>
  conversation && conversation.unreadCount > 0 ? conversation.lastSeq : null;
