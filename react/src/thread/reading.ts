import type { Attachment, Message } from '@carechat/protocol';

/** What a thread needs to place its "New messages" line: the reader's watermark when it was opened. */
export interface ReadMark {
  /** The reader's `lastReadSeq` as the thread opened, before opening marked it read. */
  readSeq: number;
  /** Whether anything was unread then: with nothing unread there is no line at all. */
  unread: boolean;
}

/** The watermark to keep while a thread is open, taken once as it opens (marking it read must not move it). */
export const readMarkOf = (c: { lastReadSeq: number; unreadCount: number }): ReadMark => ({
  readSeq: c.lastReadSeq,
  unread: c.unreadCount > 0,
});

/** The id of the first message someone else sent after the watermark: the "New messages" line goes above it. */
export function firstUnreadId(items: readonly Message[], mark: ReadMark | null, myId: string): string | null {
  if (!mark?.unread) return null;
  return items.find((m) => m.seq > mark.readSeq && m.senderId !== myId)?.id ?? null;
}

/**
 * Whether the loaded window may miss the first unread message: it starts after the first seq past the
 * watermark with more history before it, or ends at or before the watermark with newer messages after it
 * (a window left around an old search hit). Then the window around the watermark must load instead.
 */
export function windowMissesUnread(
  thread: { items: readonly Message[]; hasMore: boolean; hasNewer: boolean } | undefined,
  mark: ReadMark | null,
): boolean {
  const [oldest, newest] = [thread?.items[0], thread?.items[thread.items.length - 1]];
  if (!mark?.unread || !thread || !oldest || !newest) return false;
  return (thread.hasMore && oldest.seq > mark.readSeq + 1) || (thread.hasNewer && newest.seq <= mark.readSeq);
}

/**
 * Messages from someone else that arrived after `sinceSeq` (the newest seq shown when the reader scrolled
 * up): how many, for the pill, and the first of them, where clicking it goes.
 */
export function arrivedSince(
  items: readonly Message[],
  sinceSeq: number | null,
  myId: string,
): { count: number; firstId: string | null } {
  if (sinceSeq === null) return { count: 0, firstId: null };
  const arrived = items.filter((m) => m.seq > sinceSeq && m.senderId !== myId && !m.deletedAt);
  return { count: arrived.length, firstId: arrived[0]?.id ?? null };
}

/** The largest side a picture's thumbnail takes in a bubble (thread.css caps it the same). */
export const PICTURE_MAX = 260;

/**
 * The box a picture takes before it loads, from the size the server stored at upload, fitted inside
 * PICTURE_MAX on both sides and never enlarged; null when the size is unknown (an older upload).
 */
export function pictureBox(a: Pick<Attachment, 'width' | 'height'>): { width: number; height: number } | null {
  if (!a.width || !a.height) return null;
  const scale = Math.min(1, PICTURE_MAX / a.width, PICTURE_MAX / a.height);
  return { width: Math.max(1, Math.round(a.width * scale)), height: Math.max(1, Math.round(a.height * scale)) };
}
