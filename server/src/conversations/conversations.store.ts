import type { ConversationCounts, Role, UserStatus } from '@carechat/protocol';
import type { Queryable } from '../db/pool.js';
import { onlyRow } from '../db/rows.js';
import type { ListCursor } from './cursor.js';

/** Everything needed to present a conversation to one viewer (or to an admin: viewer null). */
export interface ConversationRow {
  id: string;
  created_at: Date;
  last_seq: number;
  last_rev: number;
  last_message_at: Date | null;
  activity_key: string;
  wrapped_key: Buffer | null;
  key_version: number;
  patient_id: string;
  patient_name: string;
  patient_role: Role;
  patient_last_seen_at: Date | null;
  patient_designation: string | null;
  doctor_id: string;
  doctor_name: string;
  doctor_role: Role;
  doctor_last_seen_at: Date | null;
  doctor_designation: string | null;
  /** Why no one may write in it now (`conversation_access`), null when they may: canMessage. */
  write_refusal: WriteRefusal | null;
  my_last_read_seq: number;
  my_archived: boolean;
  peer_last_read_seq: number;
  peer_last_delivered_seq: number;
  unread_count: number;
  lm_id: string | null;
  lm_seq: number | null;
  lm_sender_id: string | null;
  lm_body: Buffer | null;
  lm_version: number | null;
  lm_deleted_at: Date | null;
  lm_created_at: Date | null;
  urgent_at: Date | null;
  /** Triage (migration 0024): since when the patient waits for the care side; its text is the needs-reply key. */
  waiting_since: Date | null;
  waiting_key: string | null;
  /** Who of the care side handles it; null also once they are blocked or deleted (but the doctor). */
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_role: Role | null;
  assignee_last_seen_at: Date | null;
  assignee_designation: string | null;
  /** The admin's view shows these beside its actions. */
  legal_hold: boolean;
  shredded_at: Date | null;
  patient_status: UserStatus;
  doctor_status: UserStatus;
}

/**
 * A member's unread count, derived from their read watermark: the peer's messages above it
 * that are neither deleted nor hidden for the member. `member` aliases conversation_members.
 */
export const unreadCountOf = (member: string) => `(
  SELECT count(*)::int FROM messages m
   WHERE m.conversation_id = ${member}.conversation_id AND m.seq > ${member}.last_read_seq
     AND m.sender_id <> ${member}.user_id AND m.deleted_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.message_id = m.id AND h.user_id = ${member}.user_id))`;

// $1 is the viewer's id (NULL for an admin, who has no membership and hides nothing).
const VIEW_SELECT = `
  SELECT c.id, c.created_at, c.last_seq, c.last_message_at, c.activity_at::text AS activity_key,
         -- The newest rev this viewer can fetch through changes: the other person's "delete for
         -- me" also takes a rev, but they alone see it, so c.last_rev would leave a gap that the
         -- viewer can never close (and would tell them the other person hid something).
         GREATEST((SELECT max(m.rev) FROM messages m WHERE m.conversation_id = c.id),
                  (SELECT max(h.rev) FROM message_hides h WHERE h.conversation_id = c.id AND h.user_id = $1), 0)
           AS last_rev,
         c.wrapped_key, c.key_version,
         p.id AS patient_id, p.name AS patient_name, p.role AS patient_role,
         p.last_seen_at AS patient_last_seen_at, p.designation AS patient_designation,
         d.id AS doctor_id, d.name AS doctor_name, d.role AS doctor_role,
         d.last_seen_at AS doctor_last_seen_at, d.designation AS doctor_designation,
         (SELECT w.write_refusal FROM conversation_access w WHERE w.id = c.id) AS write_refusal,
         COALESCE(me.last_read_seq, 0) AS my_last_read_seq,
         COALESCE(me.archived, false) AS my_archived,
         COALESCE(peer.last_read_seq, 0) AS peer_last_read_seq,
         COALESCE(peer.last_delivered_seq, 0) AS peer_last_delivered_seq,
         CASE WHEN me.user_id IS NULL THEN 0 ELSE ${unreadCountOf('me')} END AS unread_count,
         lm.id AS lm_id, lm.seq AS lm_seq, lm.sender_id AS lm_sender_id, lm.body AS lm_body, lm.version AS lm_version,
         lm.deleted_at AS lm_deleted_at, lm.created_at AS lm_created_at, c.urgent_at,
         c.legal_hold, c.shredded_at, p.status AS patient_status, d.status AS doctor_status,
         c.waiting_since, c.waiting_since::text AS waiting_key,
         a.id AS assignee_id, a.name AS assignee_name, a.role AS assignee_role,
         a.last_seen_at AS assignee_last_seen_at, a.designation AS assignee_designation
    FROM conversations c
    JOIN users p ON p.id = c.patient_id
    JOIN users d ON d.id = c.doctor_id
    LEFT JOIN users a ON a.id = c.assignee_id AND (a.id = c.doctor_id OR a.status = 'active')
    LEFT JOIN conversation_members me ON me.conversation_id = c.id AND me.user_id = $1
    -- The other side's watermarks, one row whatever the team's size: for a clinician the
    -- patient's; for the patient the furthest any of the care side (doctor, active team) got.
    LEFT JOIN LATERAL (
      SELECT max(o.last_read_seq) AS last_read_seq, max(o.last_delivered_seq) AS last_delivered_seq
        FROM conversation_members o
       WHERE o.conversation_id = c.id AND $1 IS NOT NULL
         AND CASE WHEN c.patient_id = $1
                  THEN o.user_id <> $1 AND (o.user_id = c.doctor_id
                       OR (SELECT u.status FROM users u WHERE u.id = o.user_id) = 'active')
                  ELSE o.user_id = c.patient_id END
    ) peer ON true
    LEFT JOIN LATERAL (
      SELECT m.id, m.seq, m.sender_id, m.body, m.version, m.deleted_at, m.created_at FROM messages m
       WHERE m.conversation_id = c.id
         AND NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.message_id = m.id AND h.user_id = $1)
       ORDER BY m.seq DESC LIMIT 1
    ) lm ON true`;

export interface ConversationFilter {
  /** Only conversations the viewer takes part in. */
  memberOnly: boolean;
  ids?: string[];
  archived?: boolean;
  /** Name search: the other participant's name, or either name for an admin. */
  q?: string;
  /**
   * Triage: only those whose patient waits for a reply, longest waiting first (the cursor then
   * holds waiting_since); otherwise newest activity first (the cursor holds activity_at).
   */
  needsReply?: boolean;
  /** Keyset: the order column's text and the id of the last row of the previous page. */
  after?: ListCursor;
  limit?: number;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export async function findConversationViews(
  db: Queryable,
  viewerId: string | null,
  f: ConversationFilter,
): Promise<ConversationRow[]> {
  const params: unknown[] = [viewerId];
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.memberOnly) where.push('me.user_id IS NOT NULL');
  if (f.ids) add((p) => `c.id = ANY(${p}::uuid[])`, f.ids);
  if (f.archived !== undefined) add((p) => `COALESCE(me.archived, false) = ${p}`, f.archived);
  if (f.q)
    add(
      (p) =>
        viewerId === null
          ? `(p.name ILIKE ${p} OR d.name ILIKE ${p})`
          : `(CASE WHEN c.patient_id = $1 THEN d.name ELSE p.name END) ILIKE ${p}`,
      likePattern(f.q),
    );
  if (f.needsReply) where.push('c.waiting_since IS NOT NULL');
  if (f.after) {
    params.push(f.after.key, f.after.id);
    const [at, id] = [`$${params.length - 1}::timestamptz`, `$${params.length}::uuid`];
    // The minute bound adds nothing to the row test; it lets the index start at the cursor.
    where.push(
      f.needsReply
        ? `(c.waiting_since, c.id) > (${at}, ${id})`
        : `c.activity_minute <= date_trunc('minute', ${at}, 'UTC') AND (c.activity_at, c.id) < (${at}, ${id})`,
    );
  }
  // The same order as activity_at, id: the minute first is what the index (migration 0012) has.
  const order = f.needsReply
    ? 'ORDER BY c.waiting_since, c.id'
    : 'ORDER BY c.activity_minute DESC, c.activity_at DESC, c.id DESC';
  const filter = where.length ? 'WHERE ' + where.join(' AND ') : '';
  if (!f.limit) return (await db.query<ConversationRow>(`${VIEW_SELECT} ${filter} ${order}`, params)).rows;
  // A page is chosen from the few columns its filters and order need, and only its rows get a
  // view: built for every conversation of the viewer (the last message, the peer, both people)
  // and then cut, a doctor's list cost what all their conversations did, at every page.
  params.push(f.limit);
  const names = f.q ? 'JOIN users p ON p.id = c.patient_id JOIN users d ON d.id = c.doctor_id' : '';
  const page = `SELECT c.id FROM conversations c ${names}
      LEFT JOIN conversation_members me ON me.conversation_id = c.id AND me.user_id = $1
      ${filter} ${order} LIMIT $${params.length}`;
  return (await db.query<ConversationRow>(`${VIEW_SELECT} WHERE c.id IN (${page}) ${order}`, params)).rows;
}

/**
 * The conversations a clinician has an unanswered urgent message in, as the doctor or on the
 * doctor's care team: their list's first page shows these first, however long ago the rest of
 * it was active (conversations_urgent, migration 0021).
 */
export async function findUrgentConversationIds(db: Queryable, clinicianId: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM conversations
      WHERE doctor_id = ANY(ARRAY[$1::text]
                            || ARRAY(SELECT t.doctor_id FROM care_team_members t WHERE t.member_id = $1))
        AND urgent_at IS NOT NULL AND expired_at IS NULL
      ORDER BY urgent_at LIMIT $2`,
    [clinicianId, limit],
  );
  return rows.map((r) => r.id);
}

/** Why a conversation may not be written in now (migration 0016); mapped to errors in access.ts. */
export type WriteRefusal = 'blocked' | 'no_appointment' | 'erased';

export interface ConversationAccessRow {
  id: string;
  patient_id: string;
  doctor_id: string;
  wrapped_key: Buffer | null;
  key_version: number;
  last_seq: number;
  /** Null when its participants may write in it now. */
  write_refusal: WriteRefusal | null;
  /** Who takes part now: patient, doctor, then the active care-team members (migration 0023). */
  member_ids: string[];
}

/** The facts access checks need: who takes part, and whether they may write (the one rule). */
export async function findConversationAccess(db: Queryable, id: string): Promise<ConversationAccessRow | null> {
  // Named: on nearly every request, so parsed and planned once per connection.
  const { rows } = await db.query<ConversationAccessRow>({
    name: 'conversation-access',
    text: `SELECT id, patient_id, doctor_id, wrapped_key, key_version, last_seq, write_refusal, member_ids
             FROM conversation_access WHERE id = $1`,
    values: [id],
  });
  return rows[0] ?? null;
}

export async function findConversationIdByPair(
  db: Queryable,
  patientId: string,
  doctorId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM conversations WHERE patient_id = $1 AND doctor_id = $2',
    [patientId, doctorId],
  );
  return rows[0]?.id ?? null;
}

/**
 * Creates the pair's conversation unless it exists, with the doctor's care team as members;
 * returns its id and whether it is new. Run it in a transaction that holds `lockDoctorsTeam`
 * (shared), so a team replaced meanwhile reaches this conversation too.
 */
export async function insertConversation(
  db: Queryable,
  c: { id: string; patientId: string; doctorId: string; wrappedKey: Buffer; keyVersion: number },
): Promise<{ id: string; created: boolean }> {
  const { rows } = await db.query<{ id: string }>(
    `WITH c AS (
       INSERT INTO conversations (id, patient_id, doctor_id, wrapped_key, key_version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (patient_id, doctor_id) DO NOTHING RETURNING id),
     m AS (INSERT INTO conversation_members (conversation_id, user_id)
           SELECT id, $2 FROM c UNION ALL SELECT id, $3 FROM c
           UNION ALL SELECT c.id, t.member_id FROM c JOIN care_team_members t ON t.doctor_id = $3)
     SELECT id FROM c`,
    [c.id, c.patientId, c.doctorId, c.wrappedKey, c.keyVersion],
  );
  if (rows[0]) return { id: rows[0].id, created: true };
  // Nothing inserted: the pair has its conversation already (retention removing it in between is an error).
  const existing = await findConversationIdByPair(db, c.patientId, c.doctorId);
  if (existing === null) throw new Error('createConversation: the pair conflicted, yet has no conversation now');
  return { id: existing, created: false };
}

export async function setArchived(
  db: Queryable,
  conversationId: string,
  userId: string,
  archived: boolean,
): Promise<void> {
  await db.query('UPDATE conversation_members SET archived = $3 WHERE conversation_id = $1 AND user_id = $2', [
    conversationId,
    userId,
    archived,
  ]);
}

/**
 * Everyone who shares a conversation with `userId` (patient, doctor, care team): the audience
 * of their presence. By membership rows, so a member taken off a team leaves it at once.
 */
export async function peerIds(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT o.user_id AS id FROM conversation_members me
       JOIN conversation_members o ON o.conversation_id = me.conversation_id AND o.user_id <> me.user_id
      WHERE me.user_id = $1`,
    [userId],
  );
  return rows.map((r) => r.id);
}

/** Every conversation these people take part in, with all its members (whatever their status). */
export async function conversationsOfUsers(
  db: Queryable,
  userIds: string[],
): Promise<{ id: string; member_ids: string[] }[]> {
  const { rows } = await db.query<{ id: string; member_ids: string[] }>(
    `SELECT o.conversation_id AS id, array_agg(o.user_id ORDER BY o.user_id) AS member_ids
       FROM conversation_members o
      WHERE o.conversation_id IN (
              SELECT me.conversation_id FROM conversation_members me WHERE me.user_id = ANY($1::text[]))
      GROUP BY o.conversation_id`,
    [userIds],
  );
  return rows;
}

/** `peerIds` for many users in one round trip; answers in the order given. */
export async function peerIdsOfMany(db: Queryable, userIds: string[]): Promise<string[][]> {
  const { rows } = await db.query<{ ord: string; id: string }>({
    name: 'peer-ids-many',
    text: `SELECT DISTINCT u.ord, o.user_id AS id
             FROM unnest($1::text[]) WITH ORDINALITY AS u(id, ord)
             JOIN conversation_members me ON me.user_id = u.id
             JOIN conversation_members o ON o.conversation_id = me.conversation_id AND o.user_id <> me.user_id`,
    values: [userIds],
  });
  const peers = userIds.map(() => [] as string[]);
  for (const r of rows) {
    const ofUser = peers[Number(r.ord) - 1];
    if (!ofUser) throw new Error(`peerIdsOfMany: ordinal ${r.ord} beyond the ${userIds.length} users asked`);
    ofUser.push(r.id);
  }
  return peers;
}

export interface ContactRow {
  id: string;
  name: string;
  role: Role;
  designation: string | null;
  last_seen_at: Date | null;
}

/** A page of contacts: a doctor's patients can be thousands, and the picker searches by name. */
export const CONTACTS_PAGE = 200;

/** People of the other role who share a live appointment with `userId` and are active: the first `limit` by name. */
export async function findContacts(
  db: Queryable,
  userId: string,
  role: Role,
  q?: string,
  limit = CONTACTS_PAGE,
): Promise<ContactRow[]> {
  const [mine, theirs] = role === 'PATIENT' ? ['patient_id', 'doctor_id'] : ['doctor_id', 'patient_id'];
  const params: unknown[] = [userId];
  let filter = '';
  if (q) {
    params.push(likePattern(q));
    filter = 'AND u.name ILIKE $2';
  }
  // From the caller's appointments to the people in them: reading every user to probe for an
  // appointment each made this, and opening a conversation, grow with the whole clinic.
  const { rows } = await db.query<ContactRow>(
    `SELECT u.id, u.name, u.role, u.designation, u.last_seen_at FROM users u
      WHERE u.id IN (SELECT a.${theirs} FROM live_appointments a WHERE a.${mine} = $1)
        AND u.status = 'active' ${filter}
      ORDER BY u.name, u.id LIMIT ${limit}`,
    params,
  );
  return rows;
}

/** 'live': a live appointment (not cancelled, migration 0016); 'ended': only cancelled ones; 'never': none. */
export type SharedAppointments = 'live' | 'ended' | 'never';

export async function sharedAppointments(
  db: Queryable,
  patientId: string,
  doctorId: string,
): Promise<SharedAppointments> {
  const { rows } = await db.query<{ any: boolean; live: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM appointments WHERE patient_id = $1 AND doctor_id = $2) AS any,
            EXISTS (SELECT 1 FROM live_appointments WHERE patient_id = $1 AND doctor_id = $2) AS live`,
    [patientId, doctorId],
  );
  const { any, live } = onlyRow(rows, 'sharedAppointments');
  return live ? 'live' : any ? 'ended' : 'never';
}

/**
 * What each conversation holds, counted, for an admin's list: who and when and how much,
 * never what. Conversations without messages are absent from the map. Files are counted apart,
 * by conversation: a probe of attachments per message tripled the time (100 conversations of
 * 5,000 messages: about 140 ms for the messages alone, 420 ms with that probe).
 */
export async function findConversationCounts(db: Queryable, ids: string[]): Promise<Map<string, ConversationCounts>> {
  const [{ rows }, files] = await Promise.all([
    db.query<Omit<ConversationCounts, 'attachments'> & { id: string }>(
      `SELECT m.conversation_id AS id, count(*)::int AS messages,
              (count(*) FILTER (WHERE m.deleted_at IS NOT NULL))::int AS deleted,
              (count(*) FILTER (WHERE m.edited_at IS NOT NULL))::int AS edited
         FROM messages m WHERE m.conversation_id = ANY($1::uuid[]) GROUP BY m.conversation_id`,
      [ids],
    ),
    db.query<{ id: string; n: number }>(
      `SELECT conversation_id AS id, count(*)::int AS n FROM attachments
        WHERE conversation_id = ANY($1::uuid[]) AND message_id IS NOT NULL GROUP BY conversation_id`,
      [ids],
    ),
  ]);
  const sent = new Map(files.rows.map((f) => [f.id, f.n]));
  return new Map(rows.map(({ id, ...counts }) => [id, { ...counts, attachments: sent.get(id) ?? 0 }]));
}
