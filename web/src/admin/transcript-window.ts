import type { TranscriptMessage } from '@carechat/protocol';

/** What the transcript shows: a run of messages by seq, and whether there is more either side. */
export interface TranscriptWindow {
  messages: TranscriptMessage[];
  hasEarlier: boolean;
  hasLater: boolean;
}

/** How a page was asked for: the newest, before or after the window, from the first, or at a time. */
export type PageRequest =
  { kind: 'newest' } | { kind: 'earlier' } | { kind: 'later' } | { kind: 'first' } | { kind: 'at'; at: string };

/** The most messages the transcript holds at once: a years-long conversation costs what a short one does. */
export const MAX_WINDOW = 300;

export const EMPTY_WINDOW: TranscriptWindow = { messages: [], hasEarlier: false, hasLater: false };

/** The query string of a page request against the current window. */
export function pageQuery(w: TranscriptWindow, r: PageRequest): string {
  const first = w.messages[0]?.seq;
  const last = w.messages.at(-1)?.seq;
  if (r.kind === 'earlier' && first !== undefined) return `before=${first}`;
  if (r.kind === 'later' && last !== undefined) return `after=${last}`;
  if (r.kind === 'first') return 'after=0';
  if (r.kind === 'at') return `at=${encodeURIComponent(r.at)}`;
  return '';
}

/**
 * The window once a page arrived: `hasMore` tells of the direction that was read; the other
 * is as it was. A jump to a time reads forward from there, so its bounds say: seqs start at 1,
 * and the conversation's newest is `lastSeq` (from the list).
 */
export function withPage(
  w: TranscriptWindow,
  r: PageRequest,
  page: { data: TranscriptMessage[]; hasMore: boolean },
  lastSeq: number,
): TranscriptWindow {
  const { data, hasMore } = page;
  // Paging on keeps at most MAX_WINDOW messages, dropping the far end, which can be read again.
  if (r.kind === 'earlier') {
    const messages = [...data, ...w.messages];
    const kept = messages.slice(0, MAX_WINDOW);
    return { messages: kept, hasEarlier: hasMore, hasLater: w.hasLater || kept.length < messages.length };
  }
  if (r.kind === 'later') {
    const messages = [...w.messages, ...data];
    const kept = messages.slice(-MAX_WINDOW);
    return { messages: kept, hasEarlier: w.hasEarlier || kept.length < messages.length, hasLater: hasMore };
  }
  if (r.kind === 'newest') return { messages: data, hasEarlier: hasMore, hasLater: false };
  if (r.kind === 'first') return { messages: data, hasEarlier: false, hasLater: hasMore };
  return {
    messages: data,
    hasEarlier: (data[0]?.seq ?? 1) > 1,
    hasLater: (data.at(-1)?.seq ?? lastSeq) < lastSeq,
  };
}
