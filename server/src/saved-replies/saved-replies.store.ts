import type { SavedReply } from '@carechat/protocol';
import type { Queryable } from '../db/pool.js';
import { onlyRow } from '../db/rows.js';

/**
 * A set of saved replies: one clinician's own (`personal`, by owner) or the shared one
 * (`team`, no owner until care teams exist: see migration 0020).
 */
export type ReplySet = { scope: 'personal'; ownerId: string } | { scope: 'team' };

const ownerOf = (set: ReplySet) => (set.scope === 'personal' ? set.ownerId : null);

interface Row {
  id: string;
  scope: 'personal' | 'team';
  name: string;
  body: string;
  updated_at: Date;
}

const COLUMNS = 'id, scope, name, body, updated_at';

/** A row as its owner sees it: their own ones are `mine`. */
const toSavedReply = (r: Row): SavedReply => ({
  id: r.id,
  scope: r.scope === 'personal' ? 'mine' : 'team',
  name: r.name,
  body: r.body,
  updatedAt: r.updated_at.toISOString(),
});

/** `userId`'s own saved replies and the shared ones, by name (case aside), their own first on a tie. */
export async function listFor(db: Queryable, userId: string): Promise<SavedReply[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM saved_replies
      WHERE (scope = 'personal' AND COALESCE(owner_id, '') = $1) OR (scope = 'team' AND COALESCE(owner_id, '') = '')
      ORDER BY lower(name), scope, name`,
    [userId],
  );
  return rows.map(toSavedReply);
}

/** The replies of one set, by name (case aside): what the integration API answers after a replace. */
export async function listSet(db: Queryable, set: ReplySet): Promise<SavedReply[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM saved_replies WHERE scope = $1 AND COALESCE(owner_id, '') = COALESCE($2, '')
      ORDER BY lower(name), name`,
    [set.scope, ownerOf(set)],
  );
  return rows.map(toSavedReply);
}

/** One of `userId`'s own, or null when it is not theirs or does not exist. */
export async function findOwn(db: Queryable, userId: string, id: string): Promise<SavedReply | null> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM saved_replies WHERE id = $1 AND scope = 'personal' AND owner_id = $2`,
    [id, userId],
  );
  return rows[0] ? toSavedReply(rows[0]) : null;
}

/** Whether `id` is a shared reply (which a clinician sees but may not change). */
export async function isShared(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM saved_replies WHERE id = $1 AND scope = 'team'", [id]);
  return rows.length > 0;
}

export async function countOwn(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM saved_replies WHERE scope = 'personal' AND owner_id = $1",
    [userId],
  );
  return rows[0]?.n ?? 0;
}

export async function insertOwn(
  db: Queryable,
  userId: string,
  reply: { id: string; name: string; body: string },
): Promise<SavedReply> {
  const { rows } = await db.query<Row>(
    `INSERT INTO saved_replies (id, scope, owner_id, name, body) VALUES ($1, 'personal', $2, $3, $4)
     RETURNING ${COLUMNS}`,
    [reply.id, userId, reply.name, reply.body],
  );
  return toSavedReply(onlyRow(rows, 'insertOwn: the reply written'));
}

/** Changes one of `userId`'s own; null when it is not theirs. */
export async function updateOwn(
  db: Queryable,
  userId: string,
  id: string,
  patch: { name?: string | undefined; body?: string | undefined },
): Promise<SavedReply | null> {
  const { rows } = await db.query<Row>(
    `UPDATE saved_replies SET name = COALESCE($3, name), body = COALESCE($4, body), updated_at = now()
      WHERE id = $1 AND scope = 'personal' AND owner_id = $2
     RETURNING ${COLUMNS}`,
    [id, userId, patch.name ?? null, patch.body ?? null],
  );
  return rows[0] ? toSavedReply(rows[0]) : null;
}

/** Removes one of `userId`'s own; false when it is not theirs. */
export async function deleteOwn(db: Queryable, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "DELETE FROM saved_replies WHERE id = $1 AND scope = 'personal' AND owner_id = $2",
    [id, userId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Makes `set` exactly `replies`. A reply whose name (case aside) was there already keeps its id
 * and takes the new text, so a device holding it can still find it; the others go or come. Two
 * of `replies` with one name fail the statement (unique violation, or a row touched twice).
 */
export async function replaceSet(
  db: Queryable,
  set: ReplySet,
  replies: { id: string; name: string; body: string }[],
): Promise<void> {
  const owner = ownerOf(set);
  await db.query(
    `DELETE FROM saved_replies
      WHERE scope = $1 AND COALESCE(owner_id, '') = COALESCE($2, '')
        AND lower(name) <> ALL (SELECT lower(n) FROM unnest($3::text[]) AS n)`,
    [set.scope, owner, replies.map((r) => r.name)],
  );
  if (replies.length === 0) return;
  await db.query(
    `INSERT INTO saved_replies (id, scope, owner_id, name, body)
     SELECT r.id, $1, $2, r.name, r.body FROM unnest($3::uuid[], $4::text[], $5::text[]) AS r(id, name, body)
     ON CONFLICT (scope, COALESCE(owner_id, ''), lower(name)) DO UPDATE
       SET name = EXCLUDED.name, body = EXCLUDED.body,
           updated_at = CASE WHEN (saved_replies.name, saved_replies.body) = (EXCLUDED.name, EXCLUDED.body)
                             THEN saved_replies.updated_at ELSE now() END`,
    [set.scope, owner, replies.map((r) => r.id), replies.map((r) => r.name), replies.map((r) => r.body)],
  );
}
