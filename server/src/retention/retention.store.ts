import { insertAuditEvent } from '../audit/audit.store.js';
import type { Queryable, Tx } from '../db/pool.js';

/** The oldest messages past `$1` days, `$2` of them, read through `messages_created`. */
export const EXPIRED_MESSAGES = `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
  WHERE m.created_at < now() - make_interval(days => $1) AND NOT c.legal_hold
  ORDER BY m.created_at LIMIT $2 FOR UPDATE OF m SKIP LOCKED`;

/**
 * Deletes up to `batch` messages older than `days` (none in conversations on legal hold), with
 * their attachment rows; returns the messages deleted and the attachment files to remove once
 * committed. SKIP LOCKED keeps a batch from waiting on rows a send or edit holds.
 */
export async function purgeExpiredBatch(
  tx: Tx,
  days: number,
  batch: number,
): Promise<{ messages: number; files: string[] }> {
  const { rows: doomed } = await tx.query<{ id: string }>(EXPIRED_MESSAGES, [days, batch]);
  if (doomed.length === 0) return { messages: 0, files: [] };
  const ids = doomed.map((r) => r.id);
  const files = await deleteAttachmentRows(tx, 'message_id', ids);
  await tx.query('DELETE FROM messages WHERE id = ANY($1::uuid[])', [ids]);
  return { messages: ids.length, files };
}

/** Deletes the attachment rows of these messages or conversations; returns their files (originals and thumbnails). */
async function deleteAttachmentRows(tx: Tx, by: 'message_id' | 'conversation_id', ids: string[]): Promise<string[]> {
  const { rows } = await tx.query<{ storage_key: string; thumbnail_key: string | null }>(
    `DELETE FROM attachments WHERE ${by} = ANY($1::uuid[]) RETURNING storage_key, thumbnail_key`,
    [ids],
  );
  return rows.flatMap((f) => [f.storage_key, f.thumbnail_key].filter((k): k is string => k !== null));
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

/**
 * Conversations idle for `days` (the newest message, or the start, that old; none on legal
 * hold) expire: their data keys are destroyed in this one statement, so every message and
 * file in them is unreadable at once; their rows then go with the batches below.
 */
export async function expireIdleConversations(db: Queryable, days: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE conversations SET wrapped_key = NULL, shredded_at = COALESCE(shredded_at, now()), expired_at = now()
      WHERE id IN (
        SELECT id FROM conversations
         WHERE expired_at IS NULL AND NOT legal_hold
           AND COALESCE(last_message_at, created_at) < now() - make_interval(days => $1)
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [days, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Expired conversations whose messages are all gone are removed, with any unsent uploads, so
 * the two people can open a new one; returns the files to remove once committed.
 */
export async function removeEmptiedConversations(
  tx: Tx,
  limit: number,
): Promise<{ conversations: number; files: string[] }> {
  const { rows: gone } = await tx.query<{ id: string }>(
    `SELECT id FROM conversations c
      WHERE c.expired_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)
      LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  if (gone.length === 0) return { conversations: 0, files: [] };
  const ids = gone.map((r) => r.id);
  const files = await deleteAttachmentRows(tx, 'conversation_id', ids);
  await tx.query('DELETE FROM conversations WHERE id = ANY($1::uuid[])', [ids]);
  return { conversations: ids.length, files };
}

/**
 * Audit events older than `days` (at least six years: the trigger refuses younger ones) go in
 * id order. Only this transaction may: it leaves the app role, which has no DELETE on the
 * table, and says so to the trigger. In the same transaction an `audit.purge` event records
 * the link the oldest remaining event now points to, so the chain verifies after every
 * committed batch, even if the run dies before its end. Returns the count deleted.
 */
export async function purgeAuditBatch(tx: Tx, days: number, batch: number): Promise<number> {
  await tx.query('SET LOCAL ROLE NONE');
  await tx.query(`SET LOCAL carechat.audit_purge = 'on'`);
  const { rowCount } = await tx.query(
    `DELETE FROM audit_events WHERE id IN (
       SELECT id FROM audit_events WHERE at < now() - make_interval(days => $1) ORDER BY id LIMIT $2)`,
    [days, batch],
  );
  const deleted = rowCount ?? 0;
  if (deleted === 0) return 0;
  const { rows } = await tx.query<{ prev_hash: Buffer | null }>(
    'SELECT prev_hash FROM audit_events ORDER BY id LIMIT 1',
  );
  const anchor = rows[0]?.prev_hash?.toString('hex');
  await insertAuditEvent(tx, {
    actorId: 'system',
    actorRole: 'SYSTEM',
    action: 'audit.purge',
    outcome: 'success',
    details: { deleted, auditRetentionDays: days, ...(anchor ? { auditAnchor: anchor } : {}) },
  });
  return deleted;
}
