import type { Queryable } from '../db/pool.js';

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
  const { rowCount } = await db.query('DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2', [userId, endpoint]);
  return (rowCount ?? 0) > 0;
}

export async function deleteSubscriptionById(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
}

export async function countSubscriptions(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1', [userId]);
  return rows[0]!.n;
}

export async function showSenderOf(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ push_show_sender: boolean }>('SELECT push_show_sender FROM users WHERE id = $1', [userId]);
  return rows[0]?.push_show_sender ?? false;
}

export async function setShowSender(db: Queryable, userId: string, show: boolean): Promise<void> {
  await db.query('UPDATE users SET push_show_sender = $2 WHERE id = $1', [userId, show]);
}

/** One pending notice per device of an active recipient; an existing one absorbs this one. */
export async function enqueueNotices(db: Queryable, recipientId: string, conversationId: string, senderId: string): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO push_outbox (subscription_id, conversation_id, sender_id)
     SELECT s.id, $2, $3 FROM push_subscriptions s JOIN users u ON u.id = s.user_id
      WHERE s.user_id = $1 AND u.status = 'active'
     ON CONFLICT (subscription_id, conversation_id) DO NOTHING`,
    [recipientId, conversationId, senderId],
  );
  return rowCount ?? 0;
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
       RETURNING o.id, o.subscription_id, o.conversation_id, o.sender_id, o.attempts)
     SELECT l.id, l.subscription_id, l.conversation_id, l.attempts, s.endpoint, s.p256dh, s.auth,
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
export async function markSent(db: Queryable, n: Pick<DueNotice, 'id' | 'subscription_id' | 'conversation_id'>): Promise<void> {
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
  await db.query('UPDATE push_outbox SET due_at = now() + make_interval(secs => $2) WHERE id = $1', [id, delayMs / 1000]);
}
