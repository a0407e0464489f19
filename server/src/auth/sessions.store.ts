import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool.js';
import type { UserRow } from '../users/users.store.js';
import { onlyRow } from '../db/rows.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest();

/** A new session; only the token's hash is stored, so a database dump holds no usable token. */
export async function createSession(
  db: Queryable,
  userId: string,
): Promise<{ id: string; token: string; lastActiveAt: Date }> {
  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const { rows } = await db.query<{ last_active_at: Date }>(
    'INSERT INTO sessions (id, token_hash, user_id) VALUES ($1, $2, $3) RETURNING last_active_at',
    [id, hashToken(token), userId],
  );
  return { id, token, lastActiveAt: onlyRow(rows, 'createSession').last_active_at };
}

export interface SessionWithUser {
  session_id: string;
  last_active_at: Date;
  /** Set for a session bound to a host-platform token: the token's `exp`. */
  host_token_expires_at: Date | null;
  user: UserRow & { mfa_enabled: boolean };
}

// A session is live while not revoked, active within the idle time, before its host token's
// expiry, and its user is active. One definition for every query below.
const LIVE = `s.revoked_at IS NULL AND s.last_active_at > now() - make_interval(secs => $2)
  AND (s.host_token_expires_at IS NULL OR s.host_token_expires_at > now())`;

/**
 * The session behind a token, live or ended: `live` is false for one revoked, idle too long,
 * past its host token's expiry or whose user is not active. Null when no session has the token.
 */
export async function findSession(
  db: Queryable,
  token: string,
  idleMs: number,
): Promise<(SessionWithUser & { live: boolean }) | null> {
  const { rows } = await db.query<
    SessionWithUser['user'] & {
      session_id: string;
      last_active_at: Date;
      host_token_expires_at: Date | null;
      live: boolean;
    }
  >(
    `SELECT s.id AS session_id, s.last_active_at, s.host_token_expires_at,
            (${LIVE} AND u.status = 'active') AS live, u.*
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1`,
    [hashToken(token), idleMs / 1000],
  );
  const r = rows[0];
  if (!r) return null;
  const { session_id, last_active_at, host_token_expires_at, live, ...user } = r;
  return { session_id, last_active_at, host_token_expires_at, live, user };
}

/**
 * Binds a host-platform token to a new session on its first use; does nothing when it already
 * has one (a concurrent first use, or a session since ended: that token stays refused). Only
 * the token's hash is stored. Each binding also removes a few sessions of tokens well past
 * their `exp` (no longer accepted anyway), so the table holds about the live tokens, not every
 * token ever used.
 */
export async function bindHostToken(db: Queryable, token: string, userId: string, expiresAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id, token_hash, user_id, host_token_expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (token_hash) DO NOTHING`,
    [randomUUID(), hashToken(token), userId, expiresAt],
  );
  // Five minutes past exp: the database's clock may run a little ahead of this process's.
  await db.query(
    `DELETE FROM sessions WHERE id IN (
       SELECT id FROM sessions WHERE host_token_expires_at < now() - interval '5 minutes' LIMIT 20)`,
  );
}

/** Marks a live session active; null when it was revoked or has already expired (never revived). */
export async function touchSession(db: Queryable, id: string, idleMs: number): Promise<Date | null> {
  const { rows } = await db.query<{ last_active_at: Date }>(
    `UPDATE sessions s SET last_active_at = now() WHERE s.id = $1 AND ${LIVE} RETURNING last_active_at`,
    [id, idleMs / 1000],
  );
  return rows[0]?.last_active_at ?? null;
}

export async function revokeSession(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
}

export async function revokeUserSessions(db: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = ANY($1) AND revoked_at IS NULL', [userIds]);
}

/** Of the given sessions, those that were revoked, have been idle too long or whose host token expired. */
export async function endedSessions(db: Queryable, ids: string[], idleMs: number): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT s.id FROM sessions s WHERE s.id = ANY($1::uuid[]) AND NOT (${LIVE})`,
    [ids, idleMs / 1000],
  );
  return rows.map((r) => r.id);
}
