import { AppError } from '../errors.js';

/** Opaque keyset cursor over (activity_at, id): stable while new conversations arrive. */
export interface ActivityCursor {
  activity: string;
  id: string;
}

export const encodeCursor = (c: ActivityCursor) => Buffer.from(JSON.stringify([c.activity, c.id])).toString('base64url');

export function decodeCursor(cursor: string | undefined): ActivityCursor | undefined {
  if (!cursor) return undefined;
  try {
    const [activity, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof activity === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(Date.parse(activity)))
      return { activity, id };
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this server gave out');
}
