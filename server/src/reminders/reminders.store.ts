import type { Role } from '@carechat/protocol';
import type { Queryable } from '../db/pool.js';

export type Channel = 'email' | 'sms';

export interface SettingsRow {
  email: boolean;
  sms: boolean;
  quietStart: number;
  quietEnd: number;
  timeZone: string;
}

export async function findSettings(db: Queryable, userId: string): Promise<SettingsRow | null> {
  const { rows } = await db.query<SettingsRow>(
    `SELECT email, sms, quiet_start AS "quietStart", quiet_end AS "quietEnd", time_zone AS "timeZone"
       FROM reminder_settings WHERE user_id = $1`,
    [userId],
  );
  return rows[0] ?? null;
}

export async function saveSettings(db: Queryable, userId: string, s: SettingsRow): Promise<void> {
  await db.query(
    `INSERT INTO reminder_settings (user_id, email, sms, quiet_start, quiet_end, time_zone)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id) DO UPDATE SET email = $2, sms = $3, quiet_start = $4, quiet_end = $5, time_zone = $6,
       updated_at = now()`,
    [userId, s.email, s.sms, s.quietStart, s.quietEnd, s.timeZone],
  );
}

export async function knownAddresses(db: Queryable, userId: string): Promise<{ email: boolean; phone: boolean }> {
  const { rows } = await db.query<{ email: boolean; phone: boolean }>(
    'SELECT email IS NOT NULL AS email, phone IS NOT NULL AS phone FROM reminder_contacts WHERE user_id = $1',
    [userId],
  );
  return rows[0] ?? { email: false, phone: false };
}

/** A person with an unread message old enough, and what they chose (null: the defaults). */
export interface ReminderCandidate {
  conversationId: string;
  userId: string;
  readSeq: number;
  /** The channels chosen that have an address. */
  channels: Channel[];
  quiet: { start: number; end: number; timeZone: string } | null;
}

/**
 * Participants whose first unread message from the other person was sent at or before
 * `dueBefore`, in a conversation active since `activeSince`, who have an address for a
 * channel they chose and have had no reminder in this window (their current last_read_seq).
 * Keyset-paged by (conversation, person). Bounded, like the push sweep, through the index on
 * activity_minute: every send moves activity_at.
 */
export async function findCandidates(
  db: Queryable,
  o: { dueBefore: Date; activeSince: Date; limit: number; after: { conversationId: string; userId: string } | null },
): Promise<ReminderCandidate[]> {
  const { rows } = await db.query<{
    conversationId: string;
    userId: string;
    readSeq: number;
    email: boolean;
    sms: boolean;
    quietStart: number | null;
    quietEnd: number | null;
    timeZone: string | null;
  }>(
    `SELECT c.id AS "conversationId", cm.user_id AS "userId", cm.last_read_seq AS "readSeq",
            rc.email IS NOT NULL AND COALESCE(s.email, true) AS email,
            rc.phone IS NOT NULL AND COALESCE(s.sms, false) AS sms,
            s.quiet_start AS "quietStart", s.quiet_end AS "quietEnd", s.time_zone AS "timeZone"
       FROM conversations c
       JOIN conversation_members cm ON cm.conversation_id = c.id
       JOIN reminder_contacts rc ON rc.user_id = cm.user_id
       JOIN users u ON u.id = cm.user_id AND u.status = 'active'
       LEFT JOIN reminder_settings s ON s.user_id = cm.user_id
      WHERE c.activity_minute >= date_trunc('minute', $2::timestamptz, 'UTC')
        AND c.last_message_at > $2 AND c.expired_at IS NULL
        AND cm.last_read_seq < c.last_seq
        AND (SELECT m.created_at FROM messages m
              WHERE m.conversation_id = c.id AND m.seq > cm.last_read_seq
                AND m.sender_id <> cm.user_id AND m.deleted_at IS NULL
              ORDER BY m.seq LIMIT 1) <= $1
        AND NOT EXISTS (SELECT 1 FROM reminder_outbox o
                         WHERE o.conversation_id = c.id AND o.user_id = cm.user_id AND o.read_seq = cm.last_read_seq
                           AND o.message_id IS NULL)
        AND ($4::uuid IS NULL OR (c.id, cm.user_id) > ($4::uuid, $5::text))
      ORDER BY c.id, cm.user_id
      LIMIT $3`,
    [o.dueBefore, o.activeSince, o.limit, o.after?.conversationId ?? null, o.after?.userId ?? null],
  );
  return rows.map((r) => ({
    conversationId: r.conversationId,
    userId: r.userId,
    readSeq: r.readSeq,
    channels: [...(r.email ? (['email'] as const) : []), ...(r.sms ? (['sms'] as const) : [])],
    quiet:
      r.quietStart === null || r.quietEnd === null || r.timeZone === null
        ? null
        : { start: r.quietStart, end: r.quietEnd, timeZone: r.timeZone },
  }));
}

export interface Queued {
  conversationId: string;
  userId: string;
  readSeq: number;
  channel: Channel;
  dueAt: Date;
}

/** Queues reminders; the window's unique key makes a second sweep (on any process) queue nothing. */
export async function enqueueReminders(db: Queryable, items: Queued[]): Promise<number> {
  if (items.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO reminder_outbox (conversation_id, user_id, read_seq, channel, due_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])
     ON CONFLICT (conversation_id, user_id, read_seq, channel) WHERE message_id IS NULL DO NOTHING`,
    [
      items.map((i) => i.conversationId),
      items.map((i) => i.userId),
      items.map((i) => i.readSeq),
      items.map((i) => i.channel),
      items.map((i) => i.dueAt),
    ],
  );
  return rowCount ?? 0;
}

export interface DueReminder {
  id: number;
  conversationId: string;
  userId: string;
  channel: Channel;
  attempts: number;
  /** Read since it was queued (or the conversation or the person is gone): not sent. */
  stale: boolean;
  /** A reminder of a message waiting for acknowledgement (stale once acknowledged), not of unread ones. */
  ack: boolean;
  role: Role;
  /** Who wrote (the newest message by anyone else), when the recipient chose to see senders' names. */
  senderName: string | null;
  address: Buffer | null;
  keyVersion: number | null;
}

/**
 * Leases due reminders to this process until `leaseUntil` (another process takes them if this
 * one dies mid-send) and counts the attempt, with what sending needs. The read check is taken
 * here, at send time, not at queueing.
 */
export async function claimDue(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<DueReminder[]> {
  const { rows } = await db.query<DueReminder>(
    `WITH due AS (
       SELECT id FROM reminder_outbox WHERE settled_at IS NULL AND due_at <= $1
        ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED),
     leased AS (
       UPDATE reminder_outbox o SET due_at = $2, attempts = o.attempts + 1 FROM due WHERE o.id = due.id
       RETURNING o.*)
     SELECT l.id, l.conversation_id AS "conversationId", l.user_id AS "userId", l.channel, l.attempts,
            (CASE WHEN l.message_id IS NULL THEN cm.last_read_seq IS DISTINCT FROM l.read_seq
                  ELSE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = l.message_id
                                      AND m.acknowledged_at IS NULL AND m.deleted_at IS NULL) END
              OR c.expired_at IS NOT NULL OR r.status <> 'active') AS stale,
            l.message_id IS NOT NULL AS ack,
            r.role, CASE WHEN r.push_show_sender THEN peer.name END AS "senderName",
            CASE l.channel WHEN 'email' THEN rc.email ELSE rc.phone END AS address,
            rc.key_version AS "keyVersion"
       FROM leased l
       JOIN users r ON r.id = l.user_id
       JOIN conversations c ON c.id = l.conversation_id
       LEFT JOIN conversation_members cm ON cm.conversation_id = l.conversation_id AND cm.user_id = l.user_id
       -- Who wrote: the message waiting for acknowledgement, else the newest one by anyone else (with a
       -- care team, the nurse who answered, not the doctor). Looked up only for those who opted in.
       LEFT JOIN LATERAL (
         SELECT m.sender_id FROM messages m
          WHERE r.push_show_sender AND m.conversation_id = l.conversation_id
            AND CASE WHEN l.message_id IS NULL THEN m.sender_id <> l.user_id ELSE m.id = l.message_id END
          ORDER BY m.seq DESC LIMIT 1) wrote ON true
       LEFT JOIN users peer ON peer.id = wrote.sender_id
       LEFT JOIN reminder_contacts rc ON rc.user_id = l.user_id`,
    [now, leaseUntil, limit],
  );
  return rows;
}

export type Outcome = 'sent' | 'read' | 'no-address' | 'failed';

export async function settle(db: Queryable, id: number, outcome: Outcome, at: Date): Promise<void> {
  await db.query('UPDATE reminder_outbox SET settled_at = $3, outcome = $2 WHERE id = $1', [id, outcome, at]);
}

export async function retryAt(db: Queryable, id: number, at: Date): Promise<void> {
  await db.query('UPDATE reminder_outbox SET due_at = $2 WHERE id = $1', [id, at]);
}

/** Settled rows older than the sweep looks back are no window's record any more. */
export async function forgetSettled(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM reminder_outbox WHERE settled_at < $1', [before]);
  return rowCount ?? 0;
}
