import type { Queryable } from '../db/pool.js';
import { unreadCountOf } from '../conversations/conversations.store.js';

/**
 * Moves a watermark forward (never back, never past the last message). Returns the new value,
 * or null when it did not move.
 */
export async function advanceDelivered(
  db: Queryable,
  conversationId: string,
  userId: string,
  upToSeq: number,
): Promise<number | null> {
  const { rows } = await db.query<{ seq: number }>(
    `UPDATE conversation_members cm SET last_delivered_seq = LEAST($3, c.last_seq)
       FROM conversations c
      WHERE c.id = cm.conversation_id AND cm.conversation_id = $1 AND cm.user_id = $2
        AND cm.last_delivered_seq < LEAST($3, c.last_seq)
      RETURNING cm.last_delivered_seq AS seq`,
    [conversationId, userId, upToSeq],
  );
  return rows[0]?.seq ?? null;
}

/** Read implies delivered, so both watermarks move. */
export async function advanceRead(
  db: Queryable,
  conversationId: string,
  userId: string,
  upToSeq: number,
): Promise<number | null> {
  const { rows } = await db.query<{ seq: number }>(
    `UPDATE conversation_members cm
        SET last_read_seq = LEAST($3, c.last_seq),
            last_delivered_seq = GREATEST(cm.last_delivered_seq, LEAST($3, c.last_seq))
       FROM conversations c
      WHERE c.id = cm.conversation_id AND cm.conversation_id = $1 AND cm.user_id = $2
        AND cm.last_read_seq < LEAST($3, c.last_seq)
      RETURNING cm.last_read_seq AS seq`,
    [conversationId, userId, upToSeq],
  );
  return rows[0]?.seq ?? null;
}

/** The caller's read watermark and unread count, derived from messages (never a counter). */
export async function readState(
  db: Queryable,
  conversationId: string,
  userId: string,
): Promise<{ lastReadSeq: number; unreadCount: number }> {
  const { rows } = await db.query<{ last_read_seq: number; unread: number }>(
    `SELECT cm.last_read_seq, ${unreadCountOf('cm')} AS unread
       FROM conversation_members cm WHERE cm.conversation_id = $1 AND cm.user_id = $2`,
    [conversationId, userId],
  );
  return { lastReadSeq: rows[0]?.last_read_seq ?? 0, unreadCount: rows[0]?.unread ?? 0 };
}
