import type { Reader } from '@carechat/protocol';
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

/**
 * Every other participant's watermarks in each of these conversations (one round trip for a
 * whole page of the list): the patient and the doctor whatever their status, the care team's
 * active members, as `conversation_access.member_ids` counts them. A null viewer (an admin) is
 * no participant, so gets everyone's. Conversations with no one else are absent.
 */
export async function findReaders(
  db: Queryable,
  conversationIds: string[],
  viewerId: string | null,
): Promise<Map<string, Reader[]>> {
  const readers = new Map<string, Reader[]>();
  if (conversationIds.length === 0) return readers;
  const { rows } = await db.query<Reader & { conversation_id: string }>(
    `SELECT cm.conversation_id, cm.user_id AS "userId", cm.last_read_seq AS "lastReadSeq",
            cm.last_delivered_seq AS "lastDeliveredSeq"
       FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
      WHERE cm.conversation_id = ANY($1::uuid[]) AND cm.user_id IS DISTINCT FROM $2
        AND (cm.user_id = c.patient_id OR cm.user_id = c.doctor_id
             OR (SELECT u.status FROM users u WHERE u.id = cm.user_id) = 'active')
      ORDER BY cm.conversation_id, cm.user_id`,
    [conversationIds, viewerId],
  );
  for (const { conversation_id, ...reader } of rows) {
    const list = readers.get(conversation_id);
    if (list) list.push(reader);
    else readers.set(conversation_id, [reader]);
  }
  return readers;
}
