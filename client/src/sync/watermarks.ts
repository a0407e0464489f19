import type { Conversation, Participant, Receipt } from '@carechat/protocol';
import { hasCareTeam, participantsOf } from './participants.js';

/** How far one participant got in a conversation: read up to, and delivered to a device of theirs up to. */
export interface Watermark {
  read: number;
  delivered: number;
}

/** Per conversation id, per participant id (never mine): who read and received what, so a view can name them. */
export type Watermarks = Readonly<Record<string, Readonly<Record<string, Watermark>>>>;

const NONE: Watermark = Object.freeze({ read: 0, delivered: 0 });

/** Both marks only rise, and what was read was delivered. */
function raised(marks: Watermarks, conversationId: string, userId: string, read: number, delivered: number) {
  const people = marks[conversationId] ?? {};
  const before = people[userId] ?? NONE;
  const next = { read: Math.max(before.read, read), delivered: Math.max(before.delivered, delivered, read) };
  if (next.read === before.read && next.delivered === before.delivered) return marks;
  return { ...marks, [conversationId]: { ...people, [userId]: next } };
}

/**
 * The marks a conversation's JSON names: its `readers`, everyone else's (they only raise what
 * receipts said). A server older than `readers` gives `peerLast*Seq` alone, one person's only
 * where there is one other side: the patient's, seen by anyone of the care side; the doctor's,
 * seen by a patient with no care team. A patient's view of a team is then the furthest any
 * member got, nobody's in particular, and only `chat:read` and `chat:delivered` say who.
 */
export function withConversationMarks(marks: Watermarks, c: Conversation, myId: string): Watermarks {
  // Missing, not empty, from a server older than the extension.
  const readers = c.readers as Conversation['readers'] | undefined;
  if (readers)
    return readers.reduce(
      (m, r) => (r.userId === myId ? m : raised(m, c.id, r.userId, r.lastReadSeq, r.lastDeliveredSeq)),
      marks,
    );
  const other = c.patient.id !== myId ? c.patient.id : hasCareTeam(c) ? undefined : c.doctor.id;
  if (other === undefined) return marks;
  return raised(marks, c.id, other, c.peerLastReadSeq, c.peerLastDeliveredSeq);
}

/** A `chat:read` or `chat:delivered` of someone else; my own (from my other devices) name nobody new. */
export function withReceiptMark(
  marks: Watermarks,
  kind: 'read' | 'delivered',
  receipt: Receipt,
  myId: string,
): Watermarks {
  if (receipt.userId === myId) return marks;
  const read = kind === 'read' ? receipt.upToSeq : 0;
  return raised(marks, receipt.conversationId, receipt.userId, read, receipt.upToSeq);
}

/**
 * Who else read up to message `seq`, as they take part now (someone taken off the team is no
 * longer named), in the order the conversation lists them: the patient, the doctor, the team.
 */
export function readersOf(seq: number, c: Conversation, marks: Watermarks, myId: string): Participant[] {
  const people = marks[c.id] ?? {};
  return participantsOf(c).filter((p) => p.id !== myId && (people[p.id]?.read ?? 0) >= seq);
}
