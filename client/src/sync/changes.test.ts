import type { Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { withChanges, withDeleted } from './changes.js';
import type { Thread } from './window.js';

const msg = (seq: number, rev = seq, extra: Partial<Message> = {}) =>
  ({
    id: `m${seq}`,
    conversationId: 'c',
    seq,
    rev,
    content: `m${seq}`,
    attachments: [],
    reactions: [],
    ...extra,
  }) as Message;
const thread: Thread = { items: [msg(1), msg(2), msg(3)], hasMore: false, hasNewer: false, loaded: true };
const at = '2026-05-01T12:00:00.000Z';

describe('applying changes', () => {
  it('deletes for everyone in place, keeping id and seq, and for oneself by removing', () => {
    const forAll = withDeleted(thread, { conversationId: 'c', messageId: 'm2', seq: 2, scope: 'everyone' }, at);
    expect(forAll.items[1]).toMatchObject({ id: 'm2', seq: 2, content: null, deletedAt: at });
    const forMe = withDeleted(thread, { conversationId: 'c', messageId: 'm2', seq: 2, scope: 'self' }, at);
    expect(forMe.items.map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(withDeleted(thread, { conversationId: 'c', messageId: 'x', seq: 9, scope: 'self' }, at)).toBe(thread);
  });

  it('merges a page of changes: edits and reactions in place, new messages appended, hidden ones gone', () => {
    const next = withChanges(thread, [
      msg(1, 4, { content: 'edited' }),
      msg(2, 5, { hiddenForMe: true }),
      msg(3, 6, { reactions: [{ emoji: '👍', userIds: ['u'] }] }),
      msg(4, 7),
    ]);
    expect(next.items.map((m) => [m.seq, m.content, m.reactions.length])).toEqual([
      [1, 'edited', 0],
      [3, 'm3', 1],
      [4, 'm4', 0],
    ]);
  });
});
