import { DEFAULT_PAGE_SIZE, type Message, type MessagePage } from '@carechat/protocol';

/**
 * A window of at most WINDOW consecutive messages of one conversation: long histories page
 * in and out at both ends, so a view never holds more than the window.
 */
export interface Thread {
  items: Message[];
  /** Older messages exist before the window. */
  hasMore: boolean;
  /** Newer messages exist after the window (the reader paged far back). */
  hasNewer: boolean;
  loaded: boolean;
}

export const WINDOW = 150;
/** Messages fetched per page, either way. */
export const PAGE = DEFAULT_PAGE_SIZE;

export const EMPTY_THREAD: Thread = Object.freeze({ items: [], hasMore: false, hasNewer: false, loaded: false });

/** Merges messages by id, keeping the newest rev of each, ordered by seq; hidden ones leave. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    if (!known || m.rev >= known.rev) byId.set(m.id, m);
  }
  return [...byId.values()].filter((m) => !m.hiddenForMe).sort((a, b) => a.seq - b.seq);
}

/** The newest page, replacing the window: "jump to the latest messages". */
export const latestThread = (page: MessagePage): Thread => ({
  items: page.data,
  hasMore: page.hasMore,
  hasNewer: false,
  loaded: true,
});

/**
 * The window around one message (a search hit): `older` the page up to and including it,
 * `newer` the page after it, as `before=seq+1` and `after=seq` answer them.
 */
export const threadAround = (older: MessagePage, newer: MessagePage): Thread => ({
  items: mergeMessages(older.data, newer.data),
  hasMore: older.hasMore,
  hasNewer: newer.hasMore,
  loaded: true,
});

/** The seq an older page is fetched before, or null when nothing older exists. */
export const olderCursor = (thread: Thread | undefined): number | null =>
  (thread?.hasMore && thread.items[0]?.seq) || null;

/** The seq a newer page is fetched after, or null when the window already ends at the newest. */
export const newerCursor = (thread: Thread | undefined): number | null =>
  (thread?.hasNewer && thread.items.at(-1)?.seq) || null;

/** An older page added at the top; the newest leave the window when it grows past WINDOW. */
export function withOlderPage(thread: Thread, page: MessagePage): Thread {
  const items = mergeMessages(thread.items, page.data);
  const trimmed = items.length > WINDOW;
  return {
    items: trimmed ? items.slice(0, WINDOW) : items,
    hasMore: page.hasMore,
    hasNewer: thread.hasNewer || trimmed,
    loaded: true,
  };
}

/** A newer page added at the bottom; the oldest leave the window when it grows past WINDOW. */
export function withNewerPage(thread: Thread, page: MessagePage): Thread {
  const items = mergeMessages(thread.items, page.data);
  const trimmed = items.length > WINDOW;
  return {
    items: trimmed ? items.slice(items.length - WINDOW) : items,
    hasMore: thread.hasMore || trimmed,
    hasNewer: page.hasMore,
    loaded: true,
  };
}

/**
 * Merges messages into a window without opening gaps: changes to messages inside it apply,
 * newer ones append only when the window reaches the newest, and the oldest leave when it
 * grows past WINDOW.
 */
export function withinWindow(thread: Thread, incoming: Message[]): Thread {
  const first = thread.items[0]?.seq ?? (thread.hasMore ? Infinity : 0);
  const last = thread.items[thread.items.length - 1]?.seq ?? 0;
  const fits = incoming.filter(
    (m) =>
      (m.seq >= first && m.seq <= last) || (m.seq > last && !thread.hasNewer) || (!thread.hasMore && m.seq < first),
  );
  if (fits.length === 0) return thread;
  const items = mergeMessages(thread.items, fits);
  if (items.length <= WINDOW) return { ...thread, items };
  return { ...thread, items: items.slice(items.length - WINDOW), hasMore: true };
}
