import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool.js';
import type { UserRow } from '../users/users.store.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest();

/** A new session; only the token's hash is stored, so a database dump holds no usable token. */
export async function createSession(db: Queryable, userId: string): Promise<{ id: string; token: string; lastActiveAt: Date }> {
  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const { rows } = await db.query<{ last_active_at: Date }>(
    'INSERT INTO sessions (id, token_hash, user_id) VALUES ($1, $2, $3) RETURNING last_active_at',
    [id, hashToken(token), userId],
  );
  return { id, token, lastActiveAt: rows[0]!.last_active_at };
}

export interface SessionWithUser {
  session_id: string;
  last_active_at: Date;
  user: UserRow & { mfa_enabled: boolean };
}

/** The live session behind a token: not revoked, active within `idleMs`, user active. */
export async function findLiveSession(db: Queryable, token: string, idleMs: number): Promise<SessionWithUser | null> {
  const { rows } = await db.query<SessionWithUser['user'] & { session_id: string; last_active_at: Date }>(
    `SELECT s.id AS session_id, s.last_active_at, u.*
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND u.status = 'active'
        AND s.last_active_at > now() - make_interval(secs => $2)`,
    [hashToken(token), idleMs / 1000],
  );
  const r = rows[0];
  if (!r) return null;
  const { session_id, last_active_at, ...user } = r;
  return { session_id, last_active_at, user };
}

/** Marks a live session active; null when it was revoked or has already expired (never revived). */
export async function touchSession(db: Queryable, id: string, idleMs: number): Promise<Date | null> {
  const { rows } = await db.query<{ last_active_at: Date }>(
    `UPDATE sessions SET last_active_at = now()
      WHERE id = $1 AND revoked_at IS NULL AND last_active_at > now() - make_interval(secs => $2)
      RETURNING last_active_at`,
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

/** Of the given sessions, those that were revoked or have been idle too long. */
export async function endedSessions(db: Queryable, ids: string[], idleMs: number): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM sessions WHERE id = ANY($1::uuid[])
       AND (revoked_at IS NOT NULL OR last_active_at <= now() - make_interval(secs => $2))`,
    [ids, idleMs / 1000],
  );
  return rows.map((r) => r.id);
}
