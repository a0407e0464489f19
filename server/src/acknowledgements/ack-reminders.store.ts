import type { Queryable } from '../db/pool.js';
import type { Channel } from '../reminders/reminders.store.js';

/** A message waiting for acknowledgement whose next reminder round is due, with what its patient chose. */
export interface AckRoundDue {
  messageId: string;
  conversationId: string;
  patientId: string;
  doctorId: string;
  /** Rounds sent so far. */
  sent: number;
  /** The patient has a Web Push subscription. */
  push: boolean;
  /** The e-mail and SMS channels the patient chose that have an address. */
  email: boolean;
  sms: boolean;
  quietStart: number | null;
  quietEnd: number | null;
  timeZone: string | null;
}

/**
 * Messages waiting for acknowledgement whose last round (or sending) was at or before
 * `dueBefore` and that have had fewer than `limit` rounds, keyset-paged by message id. Read
 * through the partial index of waiting messages (messages_ack_pending), which holds only those.
 */
export async function findAckRoundsDue(
  db: Queryable,
  o: { dueBefore: Date; limit: number; batch: number; after: string | null },
): Promise<AckRoundDue[]> {
  const { rows } = await db.query<AckRoundDue>(
    `SELECT m.id AS "messageId", m.conversation_id AS "conversationId", c.patient_id AS "patientId",
            c.doctor_id AS "doctorId", m.ack_reminders AS sent,
            EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = c.patient_id) AS push,
            rc.email IS NOT NULL AND COALESCE(s.email, true) AS email,
            rc.phone IS NOT NULL AND COALESCE(s.sms, false) AS sms,
            s.quiet_start AS "quietStart", s.quiet_end AS "quietEnd", s.time_zone AS "timeZone"
       FROM messages m
       JOIN conversations c ON c.id = m.conversation_id
       JOIN users u ON u.id = c.patient_id AND u.status = 'active'
       LEFT JOIN reminder_contacts rc ON rc.user_id = c.patient_id
       LEFT JOIN reminder_settings s ON s.user_id = c.patient_id
      WHERE m.ack_requested AND m.acknowledged_at IS NULL AND m.deleted_at IS NULL
        AND m.ack_reminders < $2 AND COALESCE(m.ack_reminded_at, m.created_at) <= $1
        AND c.expired_at IS NULL
        AND ($4::uuid IS NULL OR m.id > $4::uuid)
      ORDER BY m.id
      LIMIT $3`,
    [o.dueBefore, o.limit, o.batch, o.after],
  );
  return rows;
}

/**
 * Counts a round as sent at `at`, if no other process did first and the message still waits:
 * the round's number, or null.
 */
export async function takeAckRound(db: Queryable, messageId: string, sent: number, at: Date): Promise<number | null> {
  const { rows } = await db.query<{ round: number }>(
    `UPDATE messages SET ack_reminders = ack_reminders + 1, ack_reminded_at = $3
      WHERE id = $1 AND ack_reminders = $2 AND acknowledged_at IS NULL AND deleted_at IS NULL
      RETURNING ack_reminders AS round`,
    [messageId, sent, at],
  );
  return rows[0]?.round ?? null;
}

/**
 * A push to each of the patient's devices. A notice still pending for the conversation takes
 * this one's place, and says it waits for acknowledgement.
 */
export async function queueAckPush(db: Queryable, r: AckRoundDue): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO push_outbox (subscription_id, conversation_id, sender_id, ack)
     SELECT s.id, $2, $3, true FROM push_subscriptions s WHERE s.user_id = $1
     ON CONFLICT (subscription_id, conversation_id) DO UPDATE SET ack = true`,
    [r.patientId, r.conversationId, r.doctorId],
  );
  return rowCount ?? 0;
}

/** E-mail and SMS rows of one round in the reminder outbox (read_seq is not theirs: 0). */
export async function queueAckReminders(
  db: Queryable,
  r: AckRoundDue,
  round: number,
  channels: Channel[],
  dueAt: Date,
): Promise<number> {
  if (channels.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO reminder_outbox (conversation_id, user_id, read_seq, channel, due_at, message_id, ack_round)
     SELECT $1, $2, 0, channel, $4, $5, $6 FROM unnest($3::text[]) AS channel
     ON CONFLICT (message_id, ack_round, channel) WHERE message_id IS NOT NULL DO NOTHING`,
    [r.conversationId, r.patientId, channels, dueAt, r.messageId, round],
  );
  return rowCount ?? 0;
}
