import type { Queryable } from '../db/pool.js';
import { onlyRow } from '../db/rows.js';

export interface DueNotice {
  id: number;
  subscription_id: string;
  conversation_id: string;
  attempts: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  show_sender: boolean;
  sender_name: string | null;
  last_sent_at: Date | null;
  /** A reminder of a message waiting for acknowledgement (ack-reminders.ts). */
  ack: boolean;
}

/** A browser's endpoint is one device: signing in as someone else there moves it to them. */
export async function upsertSubscription(
  db: Queryable,
  s: { id: string; userId: string; endpoint: string; p256dh: string; auth: string },
): Promise<void> {
  await db.query(
    `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth`,
    [s.id, s.userId, s.endpoint, s.p256dh, s.auth],
  );
}

export async function deleteSubscription(db: Queryable, userId: string, endpoint: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2', [
    userId,
    endpoint,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function deleteSubscriptionById(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
}

export async function countSubscriptions(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1',
    [userId],
  );
  return onlyRow(rows, 'countSubscriptions').n;
}

export async function showSenderOf(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ push_show_sender: boolean }>('SELECT push_show_sender FROM users WHERE id = $1', [
    userId,
  ]);
  return rows[0]?.push_show_sender ?? false;
}

export async function setShowSender(db: Queryable, userId: string, show: boolean): Promise<void> {
  await db.query('UPDATE users SET push_show_sender = $2 WHERE id = $1', [userId, show]);
}

export interface NoticeWanted {
  conversationId: string;
  recipientId: string;
  senderId: string;
}

/**
 * Queues a notice for each device of each active recipient that has not had one for the
 * conversation's latest message, and notes that it has (push_queued_seq) in the same
 * statement: the fast path and the sweep each queue a message once between them, on any
 * number of processes. A recipient's row is locked for this, in a fixed order; the sweep skips
 * rows a send holds instead of waiting behind it (and so cannot deadlock with a send's
 * batch): it finds them again on its next pass. A pending notice absorbs a new one.
 */
async function enqueue(db: Queryable, wanted: NoticeWanted[], lock: 'wait' | 'skip'): Promise<number> {
  if (wanted.length === 0) return 0;
  const { rowCount } = await db.query(
    `WITH wanted AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS w(conversation_id, recipient_id, sender_id)),
     due AS (
       SELECT cm.conversation_id, cm.user_id, w.sender_id, c.last_seq
         FROM wanted w
         JOIN conversation_members cm ON cm.conversation_id = w.conversation_id AND cm.user_id = w.recipient_id
         JOIN conversations c ON c.id = cm.conversation_id
        WHERE cm.push_queued_seq < c.last_seq AND cm.last_delivered_seq < c.last_seq AND c.expired_at IS NULL
          AND EXISTS (SELECT 1 FROM push_subscriptions s JOIN users u ON u.id = s.user_id
                       WHERE s.user_id = cm.user_id AND u.status = 'active')
        ORDER BY cm.conversation_id, cm.user_id
        FOR NO KEY UPDATE OF cm${lock === 'skip' ? ' SKIP LOCKED' : ''}),
     marked AS (
       UPDATE conversation_members cm SET push_queued_seq = due.last_seq
         FROM due WHERE cm.conversation_id = due.conversation_id AND cm.user_id = due.user_id
       RETURNING cm.conversation_id, cm.user_id, due.sender_id)
     INSERT INTO push_outbox (subscription_id, conversation_id, sender_id)
     SELECT s.id, m.conversation_id, m.sender_id FROM marked m JOIN push_subscriptions s ON s.user_id = m.user_id
     ON CONFLICT (subscription_id, conversation_id) DO NOTHING`,
    [wanted.map((w) => w.conversationId), wanted.map((w) => w.recipientId), wanted.map((w) => w.senderId)],
  );
  return rowCount ?? 0;
}

/** The fast path, right after a send commits: waits for the row (one row, held briefly). */
export const enqueueNotices = (
  db: Queryable,
  recipientId: string,
  conversationId: string,
  senderId: string,
): Promise<number> => enqueue(db, [{ conversationId, recipientId, senderId }], 'wait');

/** The sweep: many rows at once, never waiting on a send. */
export const enqueueMissedNotices = (db: Queryable, wanted: NoticeWanted[]): Promise<number> =>
  enqueue(db, wanted, 'skip');

export interface MissedPush extends NoticeWanted {
  /** last_message_at as text, with its microseconds: the keyset of the scan. */
  atKey: string;
}

/**
 * Participants with a push device whose conversation's latest message, sent between
 * `windowMs` and `afterMs` ago, has neither reached one of their devices nor had a push
 * queued. The sender is the latest message's (whose own delivery watermark moves with the
 * send, so they are never their own recipient here). Keyset-paged after `after`.
 *
 * Bounded through activity_minute, not last_message_at: every send moves activity_at and
 * last_message_at to the same now(), so activity_at >= last_message_at, and the minute of
 * activity_at has an index already (conversations_activity_minute). An index on
 * last_message_at would work too, but every send would pay for its upkeep.
 */
export async function findMissedPushes(
  db: Queryable,
  o: {
    windowMs: number;
    afterMs: number;
    limit: number;
    after: Pick<MissedPush, 'atKey' | 'conversationId' | 'recipientId'> | null;
  },
): Promise<MissedPush[]> {
  const { rows } = await db.query<MissedPush>(
    `SELECT c.id AS "conversationId", cm.user_id AS "recipientId",
            (SELECT m.sender_id FROM messages m WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1)
              AS "senderId",
            c.last_message_at::text AS "atKey"
       FROM conversations c
       JOIN conversation_members cm ON cm.conversation_id = c.id
      WHERE c.activity_minute >= date_trunc('minute', now() - make_interval(secs => $1), 'UTC')
        AND c.last_message_at > now() - make_interval(secs => $1)
        AND c.last_message_at <= now() - make_interval(secs => $2)
        AND c.expired_at IS NULL
        AND cm.last_delivered_seq < c.last_seq AND cm.push_queued_seq < c.last_seq
        AND EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = cm.user_id)
        AND ($4::text IS NULL OR (c.last_message_at, c.id, cm.user_id) > ($4::timestamptz, $5::uuid, $6::text))
      ORDER BY c.last_message_at, c.id, cm.user_id
      LIMIT $3`,
    [
      o.windowMs / 1000,
      o.afterMs / 1000,
      o.limit,
      o.after?.atKey ?? null,
      o.after?.conversationId ?? null,
      o.after?.recipientId ?? null,
    ],
  );
  return rows;
}

/**
 * Leases due notices to this process for `leaseMs` (another process takes them if this one
 * dies mid-send) and counts the attempt. SKIP LOCKED: processes never wait on each other.
 */
export async function claimDueNotices(db: Queryable, limit: number, leaseMs: number): Promise<DueNotice[]> {
  const { rows } = await db.query<DueNotice>(
    `WITH due AS (
       SELECT id FROM push_outbox WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED),
     leased AS (
       UPDATE push_outbox o SET due_at = now() + make_interval(secs => $2), attempts = o.attempts + 1
         FROM due WHERE o.id = due.id
       RETURNING o.id, o.subscription_id, o.conversation_id, o.sender_id, o.attempts, o.ack)
     SELECT l.id, l.subscription_id, l.conversation_id, l.attempts, l.ack, s.endpoint, s.p256dh, s.auth,
            r.push_show_sender AS show_sender, sender.name AS sender_name, ps.sent_at AS last_sent_at
       FROM leased l
       JOIN push_subscriptions s ON s.id = l.subscription_id
       JOIN users r ON r.id = s.user_id
       LEFT JOIN users sender ON sender.id = l.sender_id
       LEFT JOIN push_sent ps ON ps.subscription_id = l.subscription_id AND ps.conversation_id = l.conversation_id`,
    [limit, leaseMs / 1000],
  );
  return rows;
}

/** Sent: the notice goes and the device's last push for the conversation is noted. */
export async function markSent(
  db: Queryable,
  n: Pick<DueNotice, 'id' | 'subscription_id' | 'conversation_id'>,
): Promise<void> {
  await db.query(
    `WITH gone AS (DELETE FROM push_outbox WHERE id = $1)
     INSERT INTO push_sent (subscription_id, conversation_id, sent_at) VALUES ($2, $3, now())
     ON CONFLICT (subscription_id, conversation_id) DO UPDATE SET sent_at = now()`,
    [n.id, n.subscription_id, n.conversation_id],
  );
}

export async function dropNotice(db: Queryable, id: number): Promise<void> {
  await db.query('DELETE FROM push_outbox WHERE id = $1', [id]);
}

export async function retryNoticeIn(db: Queryable, id: number, delayMs: number): Promise<void> {
  await db.query('UPDATE push_outbox SET due_at = now() + make_interval(secs => $2) WHERE id = $1', [
    id,
    delayMs / 1000,
  ]);
}
