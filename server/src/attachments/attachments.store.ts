import type { Queryable } from '../db/pool.js';
import type { AttachmentFields } from './attachments.present.js';
import { onlyRow } from '../db/rows.js';

export interface AttachmentRow {
  id: string;
  conversation_id: string;
  uploader_id: string;
  message_id: string | null;
  file_name: Buffer;
  mime_type: 'image/jpeg' | 'image/png' | 'application/pdf';
  size: number;
  width: number | null;
  height: number | null;
  scan_status: 'PENDING' | 'CLEAN' | 'INFECTED' | 'FAILED';
  wrapped_key: Buffer;
  storage_key: string;
  thumbnail_key: string | null;
  thumbnail_mime: string | null;
  thumbnail_size: number | null;
  created_at: Date;
  deleted_at: Date | null;
}

export async function insertAttachment(
  db: Queryable,
  a: Omit<AttachmentRow, 'message_id' | 'created_at' | 'deleted_at'>,
): Promise<AttachmentRow> {
  const { rows } = await db.query<AttachmentRow>(
    `INSERT INTO attachments (id, conversation_id, uploader_id, file_name, mime_type, size, width, height, scan_status,
                              wrapped_key, storage_key, thumbnail_key, thumbnail_mime, thumbnail_size)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
    [
      a.id,
      a.conversation_id,
      a.uploader_id,
      a.file_name,
      a.mime_type,
      a.size,
      a.width,
      a.height,
      a.scan_status,
      a.wrapped_key,
      a.storage_key,
      a.thumbnail_key,
      a.thumbnail_mime,
      a.thumbnail_size,
    ],
  );
  return onlyRow(rows, 'insertAttachment');
}

export async function findAttachment(db: Queryable, id: string): Promise<AttachmentRow | null> {
  const { rows } = await db.query<AttachmentRow>('SELECT * FROM attachments WHERE id = $1 AND deleted_at IS NULL', [
    id,
  ]);
  return rows[0] ?? null;
}

/**
 * Attaches uploads to a message: only the sender's own clean, unsent uploads in the same
 * conversation. Returns how many were claimed; fewer than asked means some were not allowed.
 */
export async function claimAttachments(
  db: Queryable,
  ids: string[],
  messageId: string,
  conversationId: string,
  senderId: string,
): Promise<number> {
  const result = await db.query(
    `UPDATE attachments SET message_id = $2
      WHERE id = ANY($1::uuid[]) AND conversation_id = $3 AND uploader_id = $4
        AND message_id IS NULL AND scan_status = 'CLEAN' AND deleted_at IS NULL`,
    [ids, messageId, conversationId, senderId],
  );
  return result.rowCount ?? 0;
}

/** Marks a message's files deleted; returns their storage keys for removal after commit. */
export async function deleteMessageAttachments(db: Queryable, messageId: string): Promise<string[]> {
  const { rows } = await db.query<{ storage_key: string; thumbnail_key: string | null }>(
    `UPDATE attachments SET deleted_at = now() WHERE message_id = $1 AND deleted_at IS NULL
     RETURNING storage_key, thumbnail_key`,
    [messageId],
  );
  return rows.flatMap((r) => [r.storage_key, r.thumbnail_key].filter((k): k is string => k !== null));
}

/**
 * Uploads older than `$1` seconds never sent in a message, `$2` of them. Its predicate is the
 * one of `attachments_unsent` (an unsent upload is never marked deleted), so the sweep reads
 * that index, not every attachment.
 */
export const STALE_UPLOADS = `SELECT id FROM attachments
  WHERE message_id IS NULL AND deleted_at IS NULL AND created_at < now() - make_interval(secs => $1) LIMIT $2`;

/** Uploads never sent in a message within `maxAgeMs`: removed for good. */
export async function takeStaleUploads(db: Queryable, maxAgeMs: number, limit = 500): Promise<string[]> {
  const { rows } = await db.query<{ storage_key: string; thumbnail_key: string | null }>(
    `DELETE FROM attachments WHERE id IN (${STALE_UPLOADS}) RETURNING storage_key, thumbnail_key`,
    [maxAgeMs / 1000, limit],
  );
  return rows.flatMap((r) => [r.storage_key, r.thumbnail_key].filter((k): k is string => k !== null));
}

/**
 * The files messages deleted for everyone had, for an admin's transcript: their rows stay,
 * marked deleted, with the encrypted name; the bytes went with the message.
 */
export async function findRemovedAttachments(
  db: Queryable,
  messageIds: string[],
): Promise<(AttachmentFields & { messageId: string })[]> {
  if (messageIds.length === 0) return [];
  const { rows } = await db.query<AttachmentFields & { messageId: string }>(
    `SELECT id, message_id AS "messageId", file_name AS "fileName", wrapped_key AS "wrappedKey",
            mime_type AS "mimeType", size, width, height, scan_status AS "scanStatus"
       FROM attachments WHERE message_id = ANY($1::uuid[]) AND deleted_at IS NOT NULL ORDER BY created_at, id`,
    [messageIds],
  );
  return rows;
}
