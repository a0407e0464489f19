import type { Conversation, Receipt } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { readUpTo, tickFor, withReadResult, withReceipt } from './receipts.js';

const conv = {
  id: 'c',
  patient: { id: 'peer' },
  peerLastReadSeq: 2,
  peerLastDeliveredSeq: 4,
  unreadCount: 3,
  lastSeq: 9,
  lastReadSeq: 6,
};
const c = conv as Conversation;
const receipt = (userId: string, upToSeq: number): Receipt => ({ conversationId: 'c', userId, upToSeq, at: '' });

describe('ticks', () => {
  it('show sent, delivered and read from the peer’s watermarks', () => {
    const w = { peerLastDeliveredSeq: 5, peerLastReadSeq: 3 };
    expect([tickFor({ seq: 2 }, w), tickFor({ seq: 4 }, w), tickFor({ seq: 6 }, w)]).toEqual([
      'read',
      'delivered',
      'sent',
    ]);
  });
});

describe('receipts', () => {
  it('move the peer’s watermarks up only, and a read one is delivered too', () => {
    expect(withReceipt(c, 'delivered', receipt('peer', 6), 'me')).toMatchObject({ peerLastDeliveredSeq: 6 });
    expect(withReceipt(c, 'delivered', receipt('peer', 3), 'me')).toBe(c);
    expect(withReceipt(c, 'read', receipt('peer', 7), 'me')).toMatchObject({
      peerLastReadSeq: 7,
      peerLastDeliveredSeq: 7,
    });
  });

  it('from my own other devices change nothing here', () => {
    expect(withReceipt(c, 'read', receipt('me', 9), 'me')).toBe(c);
  });

  it("with a care team: the patient's ticks follow any of the team, the team's only the patient", () => {
    // I am the patient: the nurse's read moves my ticks.
    const mine = { ...conv, patient: { id: 'me' } } as Conversation;
    expect(withReceipt(mine, 'read', receipt('nurse', 7), 'me')).toMatchObject({ peerLastReadSeq: 7 });
    // I am the doctor: a colleague's read is not the patient's.
    expect(withReceipt(c, 'read', receipt('nurse', 7), 'doctor')).toBe(c);
    expect(withReceipt(c, 'read', receipt('peer', 7), 'doctor')).toMatchObject({ peerLastReadSeq: 7 });
  });

  it('mark read up to the newest message when anything is unread, and take the server’s count', () => {
    expect(readUpTo(c)).toBe(9);
    expect(readUpTo({ ...c, unreadCount: 0 })).toBeNull();
    expect(readUpTo(undefined)).toBeNull();
    expect(withReadResult(c, { lastReadSeq: 9, unreadCount: 0 })).toMatchObject({ lastReadSeq: 9, unreadCount: 0 });
  });
});
