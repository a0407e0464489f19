import type { Role, User, UserStatus } from '@carechat/protocol';
import { isUniqueViolation, type Queryable } from '../db/pool.js';
import { onlyRow } from '../db/rows.js';

export interface UserRow {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  status: UserStatus;
  designation: string | null;
  password_hash: string | null;
  last_seen_at: Date | null;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role,
  status: r.status,
});

export async function findUserById(db: Queryable, id: string): Promise<UserRow | null> {
  // Named: every host-JWT request and socket handshake reads its user.
  const { rows } = await db.query<UserRow>({
    name: 'user-by-id',
    text: 'SELECT * FROM users WHERE id = $1',
    values: [id],
  });
  return rows[0] ?? null;
}

/** People whose name or email contains `q` (any case), by name: the admin's person picker. */
export async function searchUsers(db: Queryable, q: string, limit: number): Promise<UserRow[]> {
  const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
  const { rows } = await db.query<UserRow>(
    'SELECT * FROM users WHERE name ILIKE $1 OR email ILIKE $1 ORDER BY name, id LIMIT $2',
    [pattern, limit],
  );
  return rows;
}

/** The current status of each of these people who exists. */
export async function findStatuses(db: Queryable, ids: string[]): Promise<Map<string, UserStatus>> {
  const { rows } = await db.query<{ id: string; status: UserStatus }>(
    'SELECT id, status FROM users WHERE id = ANY($1::text[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE email = $1', [email.toLowerCase()]);
  return rows[0] ?? null;
}

export interface UserUpsert {
  id: string;
  name: string;
  email?: string | null | undefined;
  role: Role;
  status: UserStatus;
  designation?: string | null | undefined;
  passwordHash?: string | null | undefined;
}

/**
 * Creates or replaces users in one statement (the integration batch sends up to 10,000).
 * A password set here is kept when the host platform later replaces the user.
 */
export async function upsertUsers(db: Queryable, users: UserUpsert[]): Promise<UserRow[]> {
  if (users.length === 0) return [];
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (id, name, email, role, status, designation, password_hash)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
     ON CONFLICT (id) DO UPDATE SET
       name = EXCLUDED.name, email = EXCLUDED.email, role = EXCLUDED.role, status = EXCLUDED.status,
       designation = EXCLUDED.designation,
       password_hash = COALESCE(EXCLUDED.password_hash, users.password_hash),
       updated_at = now()
     RETURNING *`,
    [
      users.map((u) => u.id),
      users.map((u) => u.name),
      users.map((u) => u.email?.toLowerCase() ?? null),
      users.map((u) => u.role),
      users.map((u) => u.status),
      users.map((u) => u.designation ?? null),
      users.map((u) => u.passwordHash ?? null),
    ],
  );
  return rows;
}

/** A user first seen through a host-platform JWT: created from its claims, never overwritten. */
export async function ensureUser(
  db: Queryable,
  u: { id: string; name: string; email: string | null; role: Role },
): Promise<UserRow> {
  // Nearly always the user is known: a plain read, not a write attempt on every request.
  const known = await findUserById(db, u.id);
  if (known) return known;
  let row: UserRow | undefined;
  try {
    const { rows } = await db.query<UserRow>(
      `WITH ins AS (
         INSERT INTO users (id, name, email, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING RETURNING *)
       SELECT * FROM ins UNION ALL SELECT * FROM users WHERE id = $1 LIMIT 1`,
      [u.id, u.name, u.email, u.role],
    );
    row = rows[0];
  } catch (err) {
    // The email belongs to someone else here: the user is who `sub` says, so they are
    // created without it rather than refused (or given the other account's sign-in).
    if (!u.email || !isUniqueViolation(err, 'users_email_key')) throw err;
    return ensureUser(db, { ...u, email: null });
  }
  // A concurrent first sight (a browser's first page load sends several requests at once)
  // inserted the row after this statement's snapshot was taken: it is committed now.
  const committed = row ?? (await findUserById(db, u.id));
  if (!committed) throw new Error('ensureUser: the user was neither inserted nor found');
  return committed;
}

/**
 * Blocks or unblocks; null for no such user. A deleted user is left deleted (and so not
 * found): only the host platform, which owns people, can bring them back.
 */
export async function setUserStatus(db: Queryable, id: string, status: UserStatus): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `UPDATE users SET status = $2, updated_at = now() WHERE id = $1 AND status <> 'deleted' RETURNING *`,
    [id, status],
  );
  return rows[0] ?? null;
}

export async function setLastSeen(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE users SET last_seen_at = $2 WHERE id = $1', [id, at]);
}

/** `setLastSeen` for many users in one statement. */
export async function setLastSeenMany(db: Queryable, seen: { id: string; at: Date }[]): Promise<void> {
  await db.query({
    name: 'last-seen-many',
    text: `UPDATE users u SET last_seen_at = s.at
             FROM unnest($1::text[], $2::timestamptz[]) AS s(id, at) WHERE u.id = s.id`,
    values: [seen.map((s) => s.id), seen.map((s) => s.at)],
  });
}

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return onlyRow(rows, 'countUsers').n;
}
