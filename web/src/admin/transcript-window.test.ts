import type { TranscriptMessage } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_WINDOW, MAX_WINDOW, pageQuery, withPage, type TranscriptWindow } from './transcript-window.js';

const at = (seq: number) => ({ seq }) as TranscriptMessage;
const seqs = (w: TranscriptWindow) => w.messages.map((m) => m.seq);

describe("the admin transcript's window", () => {
  it('pages back from the newest and forward again, asking by the seqs it holds', () => {
    const newest = withPage(EMPTY_WINDOW, { kind: 'newest' }, { data: [at(9), at(10)], hasMore: true }, 10);
    expect([seqs(newest), newest.hasEarlier, newest.hasLater]).toEqual([[9, 10], true, false]);
    expect(pageQuery(newest, { kind: 'earlier' })).toBe('before=9');
    const back = withPage(newest, { kind: 'earlier' }, { data: [at(7), at(8)], hasMore: false }, 10);
    expect([seqs(back), back.hasEarlier, back.hasLater]).toEqual([[7, 8, 9, 10], false, false]);
  });

  it('reads from the first message, or from a time, and knows what lies either side', () => {
    expect(pageQuery(EMPTY_WINDOW, { kind: 'first' })).toBe('after=0');
    const first = withPage(EMPTY_WINDOW, { kind: 'first' }, { data: [at(1), at(2)], hasMore: true }, 10);
    expect([first.hasEarlier, first.hasLater, pageQuery(first, { kind: 'later' })]).toEqual([false, true, 'after=2']);
    const jump = { kind: 'at', at: '2026-03-01T00:00:00.000Z' } as const;
    expect(pageQuery(first, jump)).toBe('at=2026-03-01T00%3A00%3A00.000Z');
    const middle = withPage(first, jump, { data: [at(4), at(5)], hasMore: true }, 10);
    expect([seqs(middle), middle.hasEarlier, middle.hasLater]).toEqual([[4, 5], true, true]);
    const end = withPage(first, jump, { data: [at(9), at(10)], hasMore: true }, 10);
    expect([end.hasEarlier, end.hasLater]).toEqual([true, false]);
  });

  it('holds at most MAX_WINDOW messages, dropping the far end and offering it again', () => {
    const run = (from: number, n: number) => Array.from({ length: n }, (_, i) => at(from + i));
    let w = withPage(EMPTY_WINDOW, { kind: 'newest' }, { data: run(901, 100), hasMore: true }, 1000);
    for (let i = 0; i < 3; i++) {
      const first = w.messages[0]!.seq;
      w = withPage(w, { kind: 'earlier' }, { data: run(first - 100, 100), hasMore: true }, 1000);
    }
    expect([w.messages.length, w.messages[0]!.seq, w.messages.at(-1)!.seq]).toEqual([MAX_WINDOW, 601, 900]);
    expect([w.hasEarlier, w.hasLater, pageQuery(w, { kind: 'later' })]).toEqual([true, true, 'after=900']);
    w = withPage(w, { kind: 'later' }, { data: run(901, 100), hasMore: false }, 1000);
    expect([w.messages[0]!.seq, w.messages.at(-1)!.seq, w.hasEarlier, w.hasLater]).toEqual([701, 1000, true, false]);
  });
});
