import type { Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import {
  latestThread,
  mergeMessages,
  newerCursor,
  olderCursor,
  threadAround,
  WINDOW,
  withinWindow,
  withNewerPage,
  withOlderPage,
  type Thread,
} from './window.js';

const msg = (seq: number, rev = seq, extra: Partial<Message> = {}) =>
  ({ id: `m${seq}`, conversationId: 'c', seq, rev, content: `m${seq}`, ...extra }) as Message;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));
const seqs = (t: Thread) => t.items.map((m) => m.seq);

describe('merging messages', () => {
  it('keeps the newest rev of each, in seq order, dropping what I hid', () => {
    const merged = mergeMessages(
      [msg(1, 1), msg(2, 5, { content: 'new' })],
      [msg(2, 3, { content: 'old' }), msg(3, 6), msg(1, 7, { hiddenForMe: true })],
    );
    expect(merged.map((m) => [m.seq, m.content])).toEqual([
      [2, 'new'],
      [3, 'm3'],
    ]);
  });
});

describe('the message window', () => {
  it('pages older messages in at the top and lets the newest go past WINDOW', () => {
    let t = latestThread({ data: range(251, 300), hasMore: true });
    expect(olderCursor(t)).toBe(251);
    expect(newerCursor(t)).toBeNull();
    t = withOlderPage(t, { data: range(201, 250), hasMore: true });
    t = withOlderPage(t, { data: range(151, 200), hasMore: true });
    expect(seqs(t)).toEqual(range(151, 300).map((m) => m.seq));
    t = withOlderPage(t, { data: range(101, 150), hasMore: true });
    expect(t.items).toHaveLength(WINDOW);
    expect([t.items[0]!.seq, t.items.at(-1)!.seq, t.hasNewer]).toEqual([101, 250, true]);
    expect(newerCursor(t)).toBe(250);
  });

  it('pages newer messages in at the bottom and lets the oldest go', () => {
    let t: Thread = { items: range(1, 150), hasMore: false, hasNewer: true, loaded: true };
    t = withNewerPage(t, { data: range(151, 200), hasMore: false });
    expect([t.items[0]!.seq, t.items.at(-1)!.seq, t.hasMore, t.hasNewer]).toEqual([51, 200, true, false]);
    expect(olderCursor(t)).toBe(51);
  });

  it('takes a new message only when the window reaches the newest, and applies changes inside it', () => {
    const atNewest: Thread = { items: range(1, 3), hasMore: false, hasNewer: false, loaded: true };
    expect(seqs(withinWindow(atNewest, [msg(4)]))).toEqual([1, 2, 3, 4]);
    const pagedBack: Thread = { ...atNewest, hasNewer: true };
    expect(withinWindow(pagedBack, [msg(9)])).toBe(pagedBack);
    const edited = withinWindow(pagedBack, [msg(2, 10, { content: 'edited' })]);
    expect(edited.items[1]!.content).toBe('edited');
  });

  it('never holds more than WINDOW messages as new ones arrive', () => {
    let t: Thread = { items: range(1, WINDOW), hasMore: false, hasNewer: false, loaded: true };
    t = withinWindow(t, [msg(WINDOW + 1)]);
    expect([t.items.length, t.items[0]!.seq, t.hasMore]).toEqual([WINDOW, 2, true]);
  });
});

describe('the window around a message', () => {
  it('holds the message with older and newer context, paging on both ways from it', () => {
    const t = threadAround({ data: range(476, 500), hasMore: true }, { data: range(501, 525), hasMore: true });
    expect(seqs(t)).toEqual(range(476, 525).map((m) => m.seq));
    expect([olderCursor(t), newerCursor(t)]).toEqual([476, 525]);
    const atNewest = threadAround({ data: range(1, 25), hasMore: false }, { data: range(26, 30), hasMore: false });
    expect([olderCursor(atNewest), newerCursor(atNewest), atNewest.items.length]).toEqual([null, null, 30]);
  });
});
