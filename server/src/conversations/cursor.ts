import { Instant } from '@carechat/protocol';
import { z } from 'zod';
import { AppError } from '../errors.js';

/** Opaque keyset cursor over (activity_at, id): stable while new conversations arrive. */
export interface ActivityCursor {
  /** PostgreSQL's text form of activity_at, to the microsecond: `2026-12-03 17:50:32.088476+00`. */
  activity: string;
  id: string;
}

/** What a cursor this server gave out holds; anything else would reach PostgreSQL as a bad timestamp or uuid. */
const ActivityKey = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::\d{2})?$/);
const CursorContent = z
  .tuple([ActivityKey, z.uuid()])
  .refine(([activity]) => Instant.safeParse(asIso(activity)).success);

/** `2026-12-03 17:50:32.088476+00` → `2026-12-03T17:50:32.088476+00:00`, for the shared date rule. */
const asIso = (activity: string) => activity.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');

export const encodeCursor = (c: ActivityCursor) =>
  Buffer.from(JSON.stringify([c.activity, c.id])).toString('base64url');

export function decodeCursor(cursor: string | undefined): ActivityCursor | undefined {
  if (cursor === undefined) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    content = undefined;
  }
  const parsed = CursorContent.safeParse(content);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this server gave out');
  const [activity, id] = parsed.data;
  return { activity, id };
}
