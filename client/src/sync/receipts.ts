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
 * The other side's watermarks moved (a `chat:read` or `chat:delivered` broadcast). Watermarks only
 * rise, and what was read was delivered. The other side is the patient for anyone of the care
 * side, and the doctor and the team for the patient: a team member's receipt moves nothing in the
 * doctor's ticks. My own receipts (from my other devices) change nothing here either:
 * `conversation:updated` brings my unread count. Who in particular read: sync/watermarks.ts.
 */
export function withReceipt(
  conversation: Conversation,
  kind: 'read' | 'delivered',
  receipt: Receipt,
  myId: string,
): Conversation {
  // Mine, or a colleague's on my side: both are on the same side of the patient line as me.
  const patientId = conversation.patient.id;
  if ((receipt.userId === patientId) === (myId === patientId)) return conversation;
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
