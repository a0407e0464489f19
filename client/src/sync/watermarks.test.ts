import type { Conversation, Participant, Receipt } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { hasCareTeam, senderOf } from './participants.js';
import { readersOf, withConversationMarks, withReceiptMark, type Watermarks } from './watermarks.js';

const person = (id: string, role: Participant['role'], designation: string | null = null): Participant => ({
  id,
  name: id,
  role,
  online: false,
  lastSeenAt: null,
  designation,
});
const conv = (careTeam: Participant[], peerLastReadSeq = 3, peerLastDeliveredSeq = 5) =>
  ({
    id: 'c',
    patient: person('pat', 'PATIENT'),
    doctor: person('doc', 'DOCTOR', 'Cardiologist'),
    careTeam,
    peerLastReadSeq,
    peerLastDeliveredSeq,
  }) as Conversation;
const receipt = (userId: string, upToSeq: number): Receipt => ({ conversationId: 'c', userId, upToSeq, at: '' });
const nurse = person('nurse', 'STAFF', 'RN');
const names = (ps: Participant[]) => ps.map((p) => p.name);

describe('watermarks per participant', () => {
  it("name the other person from the conversation's JSON where it has one other side", () => {
    // The doctor (and any of the team) sees the patient's marks.
    expect(withConversationMarks({}, conv([nurse]), 'doc')).toEqual({ c: { pat: { read: 3, delivered: 5 } } });
    expect(withConversationMarks({}, conv([nurse]), 'nurse')).toEqual({ c: { pat: { read: 3, delivered: 5 } } });
    // One to one, the patient sees the doctor's.
    expect(withConversationMarks({}, conv([]), 'pat')).toEqual({ c: { doc: { read: 3, delivered: 5 } } });
    // With a team the patient's JSON says how far the furthest got, not who: nobody is named.
    const none: Watermarks = {};
    expect(withConversationMarks(none, conv([nurse]), 'pat')).toBe(none);
  });

  it("take every other participant's marks from the conversation's readers, after a reload too", () => {
    const reader = (userId: string, lastReadSeq: number, lastDeliveredSeq = lastReadSeq) => ({
      userId,
      lastReadSeq,
      lastDeliveredSeq,
    });
    // What a fresh client (a reload) knows of a patient's team conversation: its JSON alone.
    const c = { ...conv([nurse], 4, 6), readers: [reader('doc', 1, 6), reader('nurse', 4)] };
    const marks = withConversationMarks({}, c, 'pat');
    expect(marks).toEqual({ c: { doc: { read: 1, delivered: 6 }, nurse: { read: 4, delivered: 4 } } });
    expect(names(readersOf(4, c, marks, 'pat'))).toEqual(['nurse']);
    // Mine are not kept, and what is kept only rises: an older list lowers nothing a receipt raised.
    expect(withConversationMarks({}, { ...c, readers: [reader('pat', 9)] }, 'pat')).toEqual({});
    const raisedByReceipt = withReceiptMark(marks, 'read', receipt('doc', 5), 'pat');
    expect(withConversationMarks(raisedByReceipt, c, 'pat')).toBe(raisedByReceipt);
    // Equal marks are the same object, so a list reload does not re-render the thread.
    expect(withConversationMarks(marks, c, 'pat')).toBe(marks);
  });

  it('take each reader from its receipt, only rising, a read one delivered too, mine ignored', () => {
    let marks = withReceiptMark({}, 'read', receipt('nurse', 4), 'pat');
    expect(marks).toEqual({ c: { nurse: { read: 4, delivered: 4 } } });
    marks = withReceiptMark(marks, 'delivered', receipt('doc', 6), 'pat');
    expect(marks.c).toEqual({ nurse: { read: 4, delivered: 4 }, doc: { read: 0, delivered: 6 } });
    expect(withReceiptMark(marks, 'read', receipt('nurse', 2), 'pat')).toBe(marks);
    expect(withReceiptMark(marks, 'read', receipt('pat', 9), 'pat')).toBe(marks);
    // A later list keeps what receipts said and raises what its JSON names.
    expect(withConversationMarks(marks, conv([nurse], 1, 1), 'pat')).toBe(marks);
  });

  it('say who else read up to a message, by name, in the order the conversation lists them', () => {
    const c = conv([nurse]);
    let marks = withReceiptMark({}, 'read', receipt('nurse', 4), 'pat');
    marks = withReceiptMark(marks, 'read', receipt('doc', 2), 'pat');
    expect(names(readersOf(2, c, marks, 'pat'))).toEqual(['doc', 'nurse']);
    expect(names(readersOf(4, c, marks, 'pat'))).toEqual(['nurse']);
    expect(readersOf(5, c, marks, 'pat')).toEqual([]);
    // Someone taken off the team is no longer named, whatever they read.
    expect(names(readersOf(4, conv([]), marks, 'pat'))).toEqual([]);
    // The nurse sees the doctor's read, never her own.
    const hers = withReceiptMark(marks, 'read', receipt('pat', 4), 'nurse');
    expect(names(readersOf(2, c, hers, 'nurse'))).toEqual(['pat', 'doc']);
  });

  it('find who wrote a message among the patient, the doctor and the team', () => {
    expect(senderOf(conv([nurse]), 'nurse')).toBe(nurse);
    expect(senderOf(conv([]), 'nurse')).toBeNull();
    expect([hasCareTeam(conv([nurse])), hasCareTeam(conv([]))]).toEqual([true, false]);
  });
});
