import type { Queryable, Tx } from '../db/pool.js';

/**
 * Deletes up to `batch` messages older than `days` (none in conversations on legal hold), with their attachment rows; returns the
 * messages deleted and the attachment files to remove once committed. SKIP LOCKED keeps a
 * batch from waiting on rows a send or edit holds.
 */
export async function purgeExpiredBatch(tx: Tx, days: number, batch: number): Promise<{ messages: number; files: string[] }> {
  const { rows: doomed } = await tx.query<{ id: string }>(
    `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.created_at < now() - make_interval(days => $1) AND NOT c.legal_hold
      ORDER BY m.created_at LIMIT $2 FOR UPDATE OF m SKIP LOCKED`,
    [days, batch],
  );
  if (doomed.length === 0) return { messages: 0, files: [] };
  const ids = doomed.map((r) => r.id);
  const { rows: files } = await tx.query<{ storage_key: string; thumbnail_key: string | null }>(
    'DELETE FROM attachments WHERE message_id = ANY($1::uuid[]) RETURNING storage_key, thumbnail_key',
    [ids],
  );
  await tx.query('DELETE FROM messages WHERE id = ANY($1::uuid[])', [ids]);
  return { messages: ids.length, files: files.flatMap((f) => [f.storage_key, f.thumbnail_key].filter((k): k is string => k !== null)) };
}

/** Archives, for both sides, conversations with no message (or none since creation) for `days`. */
export async function archiveIdle(db: Queryable, days: number): Promise<number> {
  const result = await db.query(
    `UPDATE conversation_members cm SET archived = true
       FROM conversations c
      WHERE c.id = cm.conversation_id AND NOT cm.archived
        AND COALESCE(c.last_message_at, c.created_at) < now() - make_interval(days => $1)`,
    [days],
  );
  return result.rowCount ?? 0;
}
