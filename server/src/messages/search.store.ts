import type { Queryable } from '../db/pool.js';

/** What a search needs of a message: enough to decrypt its text and name it. */
export interface SearchableRow {
  id: string;
  seq: number;
  sender_id: string;
  version: number;
  body: Buffer;
  created_at: Date;
}

/**
 * Up to `limit` messages of the conversation with text, newest first below `before`: not
 * deleted for everyone, not hidden by the viewer for themself. Walks the (conversation_id,
 * seq) index backwards, so each batch costs what it returns, wherever it starts.
 */
export async function findSearchableBatch(
  db: Queryable,
  viewerId: string,
  conversationId: string,
  before: number,
  limit: number,
): Promise<SearchableRow[]> {
  // Named: a search runs it many times, parsed and planned once per connection.
  const { rows } = await db.query<SearchableRow>({
    name: 'message-search-batch',
    text: `SELECT m.id, m.seq, m.sender_id, m.version, m.body, m.created_at
             FROM messages m
            WHERE m.conversation_id = $1 AND m.seq < $2 AND m.body IS NOT NULL AND m.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.message_id = m.id AND h.user_id = $3)
            ORDER BY m.seq DESC LIMIT $4`,
    values: [conversationId, before, viewerId, limit],
  });
  return rows;
}
