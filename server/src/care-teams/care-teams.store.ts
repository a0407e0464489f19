import type { Role, UserStatus } from '@carechat/protocol';
import type { Queryable } from '../db/pool.js';
import type { ContactRow } from '../conversations/conversations.store.js';

/**
 * Serialises a doctor's team changes with the creation of that doctor's conversations, on the
 * doctor's users row: 'replace' (a team write, FOR NO KEY UPDATE) waits for a conversation being
 * created, and 'create' (FOR SHARE) for a team being written, so each sees the other's commit
 * in its next statement and no conversation is left with an old team. Neither conflicts with
 * the key-share lock a message's foreign key takes: sends never wait on this.
 * Returns the doctor's role and status, null when there is no such user.
 */
export async function lockDoctorsTeam(
  db: Queryable,
  doctorId: string,
  mode: 'replace' | 'create',
): Promise<{ role: Role; status: UserStatus } | null> {
  const { rows } = await db.query<{ role: Role; status: UserStatus }>(
    `SELECT role, status FROM users WHERE id = $1 ${mode === 'replace' ? 'FOR NO KEY UPDATE' : 'FOR SHARE'}`,
    [doctorId],
  );
  return rows[0] ?? null;
}

/** The people among `ids` that exist, with what a team member is checked against. */
export async function findCandidates(
  db: Queryable,
  ids: string[],
): Promise<Map<string, { role: Role; status: UserStatus }>> {
  const { rows } = await db.query<{ id: string; role: Role; status: UserStatus }>(
    'SELECT id, role, status FROM users WHERE id = ANY($1::text[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { role: r.role, status: r.status }]));
}

/**
 * Makes the doctor's team exactly `memberIds`, and each of the doctor's conversations follow:
 * rows of conversation_members for the new members (their watermarks at the conversation's
 * last seq, so its history is readable but not unread, and nothing old is pushed to them), the
 * removed members' rows deleted, and their assignments cleared. Returns who came and went, and
 * where the leavers were members.
 */
export async function replaceTeam(
  db: Queryable,
  doctorId: string,
  memberIds: string[],
): Promise<{ added: string[]; removed: { conversationId: string; userId: string }[]; removedIds: string[] }> {
  const { rows } = await db.query<{ added: string[] | null; removed: string[] | null }>(
    `WITH gone AS (
       DELETE FROM care_team_members WHERE doctor_id = $1 AND NOT (member_id = ANY($2::text[])) RETURNING member_id),
     came AS (
       INSERT INTO care_team_members (doctor_id, member_id) SELECT $1, m FROM unnest($2::text[]) AS m
       ON CONFLICT DO NOTHING RETURNING member_id)
     SELECT (SELECT array_agg(member_id) FROM came) AS added, (SELECT array_agg(member_id) FROM gone) AS removed`,
    [doctorId, memberIds],
  );
  const added = rows[0]?.added ?? [];
  const removedIds = rows[0]?.removed ?? [];
  if (added.length)
    await db.query(
      `INSERT INTO conversation_members (conversation_id, user_id, last_read_seq, last_delivered_seq, push_queued_seq)
       SELECT c.id, m, c.last_seq, c.last_seq, c.last_seq FROM conversations c, unnest($2::text[]) AS m
        WHERE c.doctor_id = $1
       ON CONFLICT DO NOTHING`,
      [doctorId, added],
    );
  const removed = removedIds.length
    ? (
        await db.query<{ conversationId: string; userId: string }>(
          `DELETE FROM conversation_members cm USING conversations c
            WHERE c.id = cm.conversation_id AND c.doctor_id = $1 AND cm.user_id = ANY($2::text[])
           RETURNING cm.conversation_id AS "conversationId", cm.user_id AS "userId"`,
          [doctorId, removedIds],
        )
      ).rows
    : [];
  // Someone off the team handles none of its conversations any more (triage, migration 0024).
  if (removedIds.length)
    await db.query(
      'UPDATE conversations SET assignee_id = NULL WHERE doctor_id = $1 AND assignee_id = ANY($2::text[])',
      [doctorId, removedIds],
    );
  return { added, removed, removedIds };
}

/** Every conversation of the doctor, with who takes part in it now. */
export async function conversationsOfDoctor(
  db: Queryable,
  doctorId: string,
): Promise<{ id: string; member_ids: string[] }[]> {
  const { rows } = await db.query<{ id: string; member_ids: string[] }>(
    'SELECT id, member_ids FROM conversation_access WHERE doctor_id = $1',
    [doctorId],
  );
  return rows;
}

/** The active members of these doctors' teams, by name, in one round trip for a whole page of conversations. */
export async function findCareTeams(db: Queryable, doctorIds: string[]): Promise<Map<string, ContactRow[]>> {
  const teams = new Map<string, ContactRow[]>(doctorIds.map((id) => [id, []]));
  if (doctorIds.length === 0) return teams;
  const { rows } = await db.query<ContactRow & { doctor_id: string }>(
    `SELECT t.doctor_id, u.id, u.name, u.role, u.designation, u.last_seen_at
       FROM care_team_members t JOIN users u ON u.id = t.member_id AND u.status = 'active'
      WHERE t.doctor_id = ANY($1::text[])
      ORDER BY u.name, u.id`,
    [doctorIds],
  );
  for (const { doctor_id, ...member } of rows) teams.get(doctor_id)?.push(member);
  return teams;
}
