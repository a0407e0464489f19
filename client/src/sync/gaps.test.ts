import type { Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { missedChanges, skipsSeq, withRevs } from './gaps.js';
import type { Thread } from './window.js';

const msg = (conversationId: string, seq: number, rev: number) => ({ conversationId, seq, rev }) as Message;
const thread = (seqs: number[], hasNewer = false): Thread => ({
  items: seqs.map((s) => msg('c', s, s)),
  hasMore: false,
  hasNewer,
  loaded: true,
});

describe('seq gaps', () => {
  it('show when a message skips a seq after the newest one held, so the client catches up', () => {
    expect(skipsSeq(thread([1, 2]), { seq: 3 })).toBe(false);
    expect(skipsSeq(thread([1, 2]), { seq: 4 })).toBe(true);
    // A window paged back, or a thread never loaded, cannot tell.
    expect(skipsSeq(thread([1, 2], true), { seq: 9 })).toBe(false);
    expect(skipsSeq(undefined, { seq: 9 })).toBe(false);
    expect(skipsSeq(thread([]), { seq: 9 })).toBe(false);
  });

  it('remember the highest rev per conversation, where `changes?since=` resumes', () => {
    const revs = withRevs({}, [msg('a', 1, 4), msg('a', 2, 3), msg('b', 1, 7)]);
    expect(revs).toEqual({ a: 4, b: 7 });
    expect(withRevs(revs, [msg('a', 1, 2)])).toBe(revs);
    expect(missedChanges(revs, { id: 'a', lastRev: 5 })).toBe(true);
    expect(missedChanges(revs, { id: 'b', lastRev: 7 })).toBe(false);
  });
});
