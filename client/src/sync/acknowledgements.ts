import type { Conversation, Message, PendingAcknowledgement } from '@carechat/protocol';

/**
 * A clinician's messages still waiting for their patients' acknowledgement, oldest first; null
 * until the list was loaded (`loadPendingAcknowledgements`).
 */
export type PendingAcks = readonly PendingAcknowledgement[] | null;

/** Whether a message asked for acknowledgement and still waits for it. */
export const awaitsAcknowledgement = (m: Message): boolean =>
  m.acknowledgement !== undefined && m.acknowledgement.acknowledgedAt === null && m.deletedAt === null;

/**
 * A message seen live or on catch-up: one of the clinician's that now waits joins the list (its
 * patient named from the conversation), one acknowledged or deleted leaves it. Anything else,
 * or a list not loaded, stays as it is.
 */
export function withAckMessage(
  pending: PendingAcks,
  m: Message,
  myId: string,
  conversation: Conversation | undefined,
): PendingAcks {
  if (!pending || m.senderId !== myId) return pending;
  const listed = pending.some((p) => p.messageId === m.id);
  if (!awaitsAcknowledgement(m)) return listed ? pending.filter((p) => p.messageId !== m.id) : pending;
  if (listed || !conversation) return pending;
  const item: PendingAcknowledgement = {
    messageId: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    patient: { id: conversation.patient.id, name: conversation.patient.name },
    sentAt: m.createdAt,
    reminders: 0,
  };
  return [...pending, item].sort((a, b) => (a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : 0));
}
