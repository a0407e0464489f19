import { Instant } from '@carechat/protocol';
import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * What a list is ordered by: newest activity first (activity_at, id descending), or, for the
 * needs-reply list, longest waiting first (waiting_since, id ascending).
 */
export type ListOrder = 'activity' | 'waiting';

/** Opaque keyset cursor: the last row's order column and id; stable while new conversations arrive. */
export interface ListCursor {
  /** PostgreSQL's text form of the order's column, to the microsecond: `2026-12-03 17:50:32.088476+00`. */
  key: string;
  id: string;
}

/** What a cursor this server gave out holds; anything else would reach PostgreSQL as a bad timestamp or uuid. */
const TimeKey = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::\d{2})?$/)
  .refine((key) => Instant.safeParse(asIso(key)).success);

/**
 * Each order's cursor has its own shape, so one list's cursor is refused by the other rather
 * than read as a position in a different order. The activity cursor keeps the shape it always had.
 */
const CursorContent = {
  activity: z.tuple([TimeKey, z.uuid()]).transform(([key, id]) => ({ key, id })),
  waiting: z.tuple([z.literal('waiting'), TimeKey, z.uuid()]).transform(([, key, id]) => ({ key, id })),
} satisfies Record<ListOrder, z.ZodType<ListCursor, unknown>>;

/** `2026-12-03 17:50:32.088476+00` → `2026-12-03T17:50:32.088476+00:00`, for the shared date rule. */
const asIso = (key: string) => key.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');

export const encodeCursor = (order: ListOrder, c: ListCursor) =>
  Buffer.from(JSON.stringify(order === 'activity' ? [c.key, c.id] : [order, c.key, c.id])).toString('base64url');

export function decodeCursor(order: ListOrder, cursor: string | undefined): ListCursor | undefined {
  if (cursor === undefined) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    content = undefined;
  }
  const parsed = CursorContent[order].safeParse(content);
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this server gave out for this list');
  return parsed.data;
}
