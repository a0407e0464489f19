import type { Attachment, Message } from '@carechat/protocol';

/** The pictures of a thread's loaded messages, oldest first: what the lightbox steps through. */
export const picturesOf = (messages: readonly Message[]): Attachment[] =>
  messages.flatMap((m) => (m.deletedAt ? [] : m.attachments.filter((a) => a.mimeType.startsWith('image/'))));

/**
 * The picture `step` places from `current` (-1 the one before, 1 the one after), or null at
 * either end (no wrap-around: the first and last picture are where a thread begins and ends).
 */
export function stepPicture(pictures: readonly Attachment[], currentId: string, step: -1 | 1): Attachment | null {
  const at = pictures.findIndex((a) => a.id === currentId);
  if (at === -1) return null;
  return pictures[at + step] ?? null;
}

/** A horizontal swipe's direction from its start and end points: 1 for the next picture (leftwards), or null. */
export function swipeStep(dx: number, dy: number, minDistance = 50): -1 | 1 | null {
  if (Math.abs(dx) < minDistance || Math.abs(dx) < Math.abs(dy) * 1.5) return null;
  return dx < 0 ? 1 : -1;
}
