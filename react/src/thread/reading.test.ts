import type { Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { arrivedSince, firstUnreadId, pictureBox, readMarkOf, windowMissesUnread } from './reading.js';

/** Messages with these seqs, from `me` when the seq is listed in `mine`, else from the other person. */
const thread = (seqs: number[], mine: number[] = []) =>
  seqs.map((seq) => ({ id: `m${seq}`, seq, senderId: mine.includes(seq) ? 'me' : 'you', deletedAt: null }) as Message);

describe('the "New messages" line', () => {
  it('goes above the first message someone else sent after the watermark taken at opening', () => {
    const mark = readMarkOf({ lastReadSeq: 4, unreadCount: 3 });
    expect(firstUnreadId(thread([1, 2, 3, 4, 5, 6, 7]), mark, 'me')).toBe('m5');
    // One's own messages after the watermark are not unread: the line goes above the reply.
    expect(firstUnreadId(thread([3, 4, 5, 6, 7], [5, 6]), mark, 'me')).toBe('m7');
  });

  it('is absent when nothing was unread at opening, even after new messages arrive', () => {
    const mark = readMarkOf({ lastReadSeq: 7, unreadCount: 0 });
    expect(firstUnreadId(thread([5, 6, 7]), mark, 'me')).toBeNull();
    expect(firstUnreadId(thread([5, 6, 7, 8, 9]), mark, 'me')).toBeNull();
    expect(firstUnreadId(thread([5, 6, 7]), null, 'me')).toBeNull();
  });

  it('stays above the same message as more arrive (the watermark is the one taken at opening)', () => {
    const mark = readMarkOf({ lastReadSeq: 4, unreadCount: 1 });
    expect(firstUnreadId(thread([3, 4, 5]), mark, 'me')).toBe('m5');
    expect(firstUnreadId(thread([3, 4, 5, 6, 7, 8]), mark, 'me')).toBe('m5');
  });
});

describe('whether the window misses the first unread message', () => {
  const mark = readMarkOf({ lastReadSeq: 40, unreadCount: 60 });
  it('does when the window starts after it with more history before', () => {
    expect(windowMissesUnread({ items: thread([51, 52, 100]), hasMore: true, hasNewer: false }, mark)).toBe(true);
  });
  it('does when the window ends at the watermark with newer messages after it', () => {
    expect(windowMissesUnread({ items: thread([10, 11, 40]), hasMore: true, hasNewer: true }, mark)).toBe(true);
  });
  it('does not when the window holds the seq after the watermark, or there is nothing before it', () => {
    expect(windowMissesUnread({ items: thread([41, 42, 100]), hasMore: true, hasNewer: false }, mark)).toBe(false);
    expect(windowMissesUnread({ items: thread([30, 41, 100]), hasMore: true, hasNewer: false }, mark)).toBe(false);
    // Earlier messages deleted for good: the window is the whole history.
    expect(windowMissesUnread({ items: thread([51, 100]), hasMore: false, hasNewer: false }, mark)).toBe(false);
  });
  it('does not when nothing was unread, or nothing is loaded', () => {
    const read = readMarkOf({ lastReadSeq: 40, unreadCount: 0 });
    expect(windowMissesUnread({ items: thread([51, 100]), hasMore: true, hasNewer: false }, read)).toBe(false);
    expect(windowMissesUnread({ items: [], hasMore: false, hasNewer: false }, mark)).toBe(false);
    expect(windowMissesUnread(undefined, mark)).toBe(false);
  });
});

describe('the pill counting messages that arrived while scrolled up', () => {
  it('counts messages from someone else after the newest seq shown, and names the first', () => {
    expect(arrivedSince(thread([8, 9, 10, 11, 12, 13], [11]), 10, 'me')).toEqual({ count: 2, firstId: 'm12' });
    expect(arrivedSince(thread([8, 9, 10, 11]), 9, 'me')).toEqual({ count: 2, firstId: 'm10' });
  });
  it("counts nothing when nothing arrived, when only one's own did, or a message was deleted", () => {
    expect(arrivedSince(thread([8, 9, 10]), null, 'me')).toEqual({ count: 0, firstId: null });
    expect(arrivedSince(thread([8, 9, 10]), 10, 'me')).toEqual({ count: 0, firstId: null });
    expect(arrivedSince(thread([8, 9, 10, 11], [11]), 10, 'me')).toEqual({ count: 0, firstId: null });
    const deleted = thread([10, 11]).map((m) => (m.seq === 11 ? { ...m, deletedAt: '2026-01-01T00:00:00Z' } : m));
    expect(arrivedSince(deleted, 10, 'me')).toEqual({ count: 0, firstId: null });
  });
});

describe("a picture's reserved box", () => {
  it('keeps the stored ratio inside 260 px and never enlarges', () => {
    expect(pictureBox({ width: 1200, height: 900 })).toEqual({ width: 260, height: 195 });
    expect(pictureBox({ width: 900, height: 1600 })).toEqual({ width: 146, height: 260 });
    expect(pictureBox({ width: 120, height: 80 })).toEqual({ width: 120, height: 80 });
    expect(pictureBox({ width: 4000, height: 10 })).toEqual({ width: 260, height: 1 });
  });
  it('is unknown when the upload stored no size', () => {
    expect(pictureBox({})).toBeNull();
    expect(pictureBox({ width: 100 })).toBeNull();
  });
});
