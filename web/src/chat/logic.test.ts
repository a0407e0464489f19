import type { Conversation, Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { canEdit, initials, mergeMessages, PendingQueue, sortConversations, tickFor } from './logic.js';

const conv = (id: string, lastMessageAt: string | null, createdAt = '2026-01-01T00:00:00.000Z') =>
  ({ id, lastMessageAt, createdAt, peerLastReadSeq: 0, peerLastDeliveredSeq: 0 }) as Conversation;
const msg = (id: string, seq: number, rev: number, extra: Partial<Message> = {}) => ({ id, seq, rev, content: `m${seq}`, ...extra }) as Message;

describe('conversation order', () => {
  it('puts the newest activity first, and new conversations by when they were opened', () => {
    const list = sortConversations([
      conv('a', '2026-03-01T10:00:00.000Z'),
      conv('b', null, '2026-03-02T09:00:00.000Z'),
      conv('c', '2026-03-03T08:00:00.000Z'),
    ]);
    expect(list.map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('ticks', () => {
  it('show sent, delivered and read from the peer’s watermarks', () => {
    const c = { peerLastDeliveredSeq: 5, peerLastReadSeq: 3 };
    expect([tickFor({ seq: 2 }, c), tickFor({ seq: 4 }, c), tickFor({ seq: 6 }, c)]).toEqual(['read', 'delivered', 'sent']);
  });
});

describe('the edit window', () => {
  it('is open to the sender for 15 minutes, and never for a deleted message', () => {
    const now = Date.parse('2026-05-01T12:00:00.000Z');
    const m = { senderId: 'me', createdAt: '2026-05-01T11:46:00.000Z', deletedAt: null };
    expect(canEdit(m, 'me', now)).toBe(true);
    expect(canEdit(m, 'you', now)).toBe(false);
    expect(canEdit({ ...m, createdAt: '2026-05-01T11:44:59.000Z' }, 'me', now)).toBe(false);
    expect(canEdit({ ...m, deletedAt: '2026-05-01T11:50:00.000Z' }, 'me', now)).toBe(false);
  });
});

describe('merging messages', () => {
  it('keeps the newest rev of each, in seq order, dropping what I hid', () => {
    const merged = mergeMessages([msg('a', 1, 1), msg('b', 2, 5, { content: 'new' })], [msg('b', 2, 3, { content: 'old' }), msg('c', 3, 6), msg('a', 1, 7, { hiddenForMe: true })]);
    expect(merged.map((m) => [m.id, m.content])).toEqual([
      ['b', 'new'],
      ['c', 'm3'],
    ]);
  });
});

describe('the pending queue', () => {
  it('keeps unsent messages with their client ids until acked, and holds failures apart', () => {
    const q = new PendingQueue();
    const a = q.add({ clientMessageId: 'a', conversationId: 'c1', content: 'one' });
    q.add({ clientMessageId: 'b', conversationId: 'c1', content: 'two' });
    q.add({ clientMessageId: 'c', conversationId: 'c2', content: 'three' });
    expect(q.toRetry().map((p) => p.clientMessageId)).toEqual(['a', 'b', 'c']);
    q.acked('b');
    q.failed('c', 'no appointment');
    expect(q.toRetry().map((p) => p.clientMessageId)).toEqual(['a']);
    expect(q.forConversation('c2')).toMatchObject([{ state: 'failed', error: 'no appointment' }]);
    expect(a.state).toBe('pending');
  });
});

describe('initials', () => {
  it('skip the doctor title', () => {
    expect([initials('Dr. Meredith Grey'), initials('alice'), initials('Bob  Nguyen Jr')]).toEqual(['MG', 'A', 'BN']);
  });
});
