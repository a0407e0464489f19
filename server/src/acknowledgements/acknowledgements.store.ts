import type { Queryable } from '../db/pool.js';

/** What acknowledging checks, read with the message's row locked. */
export interface AckTarget {
  id: string;
  conversation_id: string;
  ack_requested: boolean;
  acknowledged_at: Date | null;
  deleted_at: Date | null;
}

/** The message, locked like an edit locks it (FOR NO KEY UPDATE: see findMessageForUpdate). */
export async function findAckTargetForUpdate(db: Queryable, id: string): Promise<AckTarget | null> {
  const { rows } = await db.query<AckTarget>(
    `SELECT id, conversation_id, ack_requested, acknowledged_at, deleted_at FROM messages WHERE id = $1
        FOR NO KEY UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function markAcknowledged(db: Queryable, id: string, by: string, rev: number): Promise<void> {
  await db.query('UPDATE messages SET acknowledged_at = now(), acknowledged_by = $2, rev = $3 WHERE id = $1', [
    id,
    by,
    rev,
  ]);
}

export interface PendingRow {
  messageId: string;
  conversationId: string;
  seq: number;
  patientId: string;
  patientName: string;
  sentAt: Date;
  reminders: number;
}

/**
 * Messages still waiting for their patients' acknowledgement in the clinician's conversations
 * (a doctor's own, or those of the doctors whose care team they are on), oldest first.
 */
export async function findPending(db: Queryable, clinicianId: string, limit: number): Promise<PendingRow[]> {
  const { rows } = await db.query<PendingRow>(
    `SELECT m.id AS "messageId", m.conversation_id AS "conversationId", m.seq, p.id AS "patientId",
            p.name AS "patientName", m.created_at AS "sentAt", m.ack_reminders AS reminders
       FROM conversation_members me
       JOIN conversations c ON c.id = me.conversation_id
       JOIN messages m ON m.conversation_id = c.id
        AND m.ack_requested AND m.acknowledged_at IS NULL AND m.deleted_at IS NULL
       JOIN users p ON p.id = c.patient_id
      WHERE me.user_id = $1 AND c.patient_id <> $1 AND c.expired_at IS NULL
      ORDER BY m.created_at, m.id
      LIMIT $2`,
    [clinicianId, limit],
  );
  return rows;
}
