import type { Attachment, Reaction, Role } from '@carechat/protocol';
import type { Queryable } from '../db/pool.js';
import { onlyRow } from '../db/rows.js';
import type { ConversationAccessRow } from '../conversations/conversations.store.js';
import { AUDIT_COLUMNS, auditParams, auditValues, type AuditRecord } from '../audit/audit.store.js';

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  /** For the viewer: the later of the message's rev and their own "delete for me". */
  rev: number;
  client_message_id: string;
  sender_id: string;
  sender_role: Role;
  body: Buffer | null;
  version: number;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  hidden: boolean;
  reply_id: string | null;
  reply_seq: number | null;
  reply_sender_id: string | null;
  reply_body: Buffer | null;
  reply_version: number | null;
  reply_deleted_at: Date | null;
  reactions: Reaction[];
  ack_requested: boolean;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  urgent: boolean;
  /** Encrypted name and wrapped key as base64, from json_agg. */
  attachments: StoredAttachmentJson[];
}

export interface StoredAttachmentJson {
  id: string;
  fileName: string;
  wrappedKey: string;
  mimeType: Attachment['mimeType'];
  size: number;
  width: number | null;
  height: number | null;
  scanStatus: Attachment['scanStatus'];
}

// $1 is the viewer (NULL for an admin).
const MESSAGE_SELECT = `
  SELECT m.id, m.conversation_id, m.seq, GREATEST(m.rev, COALESCE(h.rev, 0)) AS rev, m.client_message_id,
         m.sender_id, s.role AS sender_role, m.body, m.version, m.created_at, m.edited_at, m.deleted_at,
         (h.message_id IS NOT NULL) AS hidden,
         rt.id AS reply_id, rt.seq AS reply_seq, rt.sender_id AS reply_sender_id, rt.body AS reply_body,
         rt.version AS reply_version, rt.deleted_at AS reply_deleted_at,
         m.ack_requested, m.acknowledged_at, m.acknowledged_by, m.urgent,
         (SELECT COALESCE(json_agg(json_build_object('emoji', r.emoji, 'userIds', r.user_ids) ORDER BY r.first_at),
                          '[]'::json)
            FROM (SELECT emoji, array_agg(user_id ORDER BY created_at) AS user_ids, min(created_at) AS first_at
                    FROM message_reactions WHERE message_id = m.id GROUP BY emoji) r) AS reactions,
         (SELECT COALESCE(json_agg(json_build_object(
                    'id', a.id, 'fileName', encode(a.file_name, 'base64'),
                    'wrappedKey', encode(a.wrapped_key, 'base64'), 'mimeType', a.mime_type, 'size', a.size,
                    'width', a.width, 'height', a.height, 'scanStatus', a.scan_status)
                  ORDER BY a.created_at, a.id), '[]'::json)
            FROM attachments a WHERE a.message_id = m.id AND a.deleted_at IS NULL) AS attachments
    FROM messages m
    JOIN users s ON s.id = m.sender_id
    LEFT JOIN messages rt ON rt.id = m.reply_to_id
    LEFT JOIN message_hides h ON h.message_id = m.id AND h.user_id = $1`;

export async function findMessagesByIds(db: Queryable, viewerId: string | null, ids: string[]): Promise<MessageRow[]> {
  const { rows } = await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.id = ANY($2::uuid[]) ORDER BY m.seq`, [
    viewerId,
    ids,
  ]);
  return rows;
}

/**
 * `select` (parameters $1 to $4, $4 being one more than the rows it shows) with the read's
 * audit row written by the same statement: one round trip and one commit, and no rows without
 * their audit row. The row's details get `count`, the number of messages shown.
 */
function withAuditRow(select: string, order: string): string {
  const p = auditParams(5);
  return `WITH shown AS MATERIALIZED (${select}),
     logged AS (
       INSERT INTO audit_events ${AUDIT_COLUMNS}
       SELECT ${p.slice(0, 9).join(', ')}, ${p[9]} || jsonb_build_object('count', LEAST(count(*), $4 - 1)) FROM shown)
     SELECT * FROM shown ORDER BY ${order}`;
}

/**
 * A page by seq, oldest first, without the messages the viewer deleted for themself; with
 * `audit`, the read's audit row is written by the same statement.
 */
export async function findMessagePage(
  db: Queryable,
  viewerId: string | null,
  conversationId: string,
  page: { before?: number | undefined; after?: number | undefined; limit: number },
  audit?: AuditRecord,
): Promise<{ rows: MessageRow[]; hasMore: boolean }> {
  const ascending = page.after !== undefined;
  const shape = ascending ? 'after' : page.before !== undefined ? 'before' : 'newest';
  const bound = ascending ? 'AND m.seq > $3' : page.before !== undefined ? 'AND m.seq < $3' : 'AND $3::int IS NULL';
  const order = `seq ${ascending ? 'ASC' : 'DESC'}`;
  const select = `${MESSAGE_SELECT}
      WHERE m.conversation_id = $2 AND h.message_id IS NULL ${bound}
      ORDER BY m.${order} LIMIT $4`;
  // Named, one per shape: the page read is parsed and planned once per connection, not on every read.
  const { rows } = await db.query<MessageRow>({
    name: `message-page-${shape}${audit ? '-audited' : ''}`,
    text: audit ? withAuditRow(select, order) : select,
    values: [
      viewerId,
      conversationId,
      page.after ?? page.before ?? null,
      page.limit + 1,
      ...(audit ? auditValues(audit) : []),
    ],
  });
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  return { rows: ascending ? data : data.reverse(), hasMore };
}

/**
 * Every message created or changed for the viewer after `since`, by rev; its audit row written by the
 * same statement.
 */
export async function findChanges(
  db: Queryable,
  viewerId: string,
  conversationId: string,
  since: number,
  limit: number,
  audit: AuditRecord,
): Promise<{ rows: MessageRow[]; hasMore: boolean }> {
  // A row's rev is its message's or, if later, the viewer's hide of it. Each half below holds
  // the rows whose rev comes from one side, read in that rev's order through its own index,
  // so the first $4 of their merge are the first $4 overall. One filter on either rev (an OR)
  // could use neither index and read every message of the conversation at every call.
  const select = `SELECT * FROM (
      (${MESSAGE_SELECT}
        WHERE m.conversation_id = $2 AND m.rev > $3 AND (h.message_id IS NULL OR h.rev <= m.rev)
        ORDER BY m.rev LIMIT $4)
      UNION ALL
      (${MESSAGE_SELECT}
        WHERE h.conversation_id = $2 AND h.user_id = $1 AND h.rev > $3 AND h.rev > m.rev AND m.conversation_id = $2
        ORDER BY h.rev LIMIT $4)) changed
      ORDER BY rev ASC LIMIT $4`;
  const { rows } = await db.query<MessageRow>({
    name: 'message-changes-audited',
    text: withAuditRow(select, 'rev ASC'),
    values: [viewerId, conversationId, since, limit + 1, ...auditValues(audit)],
  });
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

export interface MessageAccessRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  body: Buffer | null;
  version: number;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
}

/** The columns of a `MessageAccessRow`. */
const MESSAGE_ACCESS_COLUMNS = 'id, conversation_id, seq, sender_id, body, version, created_at, edited_at, deleted_at';

/**
 * The message, locked for a change that keeps its id: an edit, a reaction, a delete. FOR NO
 * KEY UPDATE, not FOR UPDATE: a send replying to it holds its conversation's row and then needs
 * the message's key share for its foreign key, while the change holds the message and then
 * needs the conversation's row for its rev; with FOR UPDATE the two deadlocked, nearly every
 * time they met, and one of them failed.
 */
export async function findMessageForUpdate(db: Queryable, id: string): Promise<MessageAccessRow | null> {
  const { rows } = await db.query<MessageAccessRow>(
    `SELECT ${MESSAGE_ACCESS_COLUMNS} FROM messages WHERE id = $1 FOR NO KEY UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function findMessageBrief(db: Queryable, id: string): Promise<MessageAccessRow | null> {
  const { rows } = await db.query<MessageAccessRow>(`SELECT ${MESSAGE_ACCESS_COLUMNS} FROM messages WHERE id = $1`, [
    id,
  ]);
  return rows[0] ?? null;
}

export async function findIdByClientId(
  db: Queryable,
  senderId: string,
  clientMessageId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM messages WHERE sender_id = $1 AND client_message_id = $2',
    [senderId, clientMessageId],
  );
  return rows[0]?.id ?? null;
}

export interface SendContextRow extends ConversationAccessRow {
  /** The message this sender already stored under this clientMessageId, if any. */
  existing_id: string | null;
  reply_conversation_id: string | null;
  reply_seq: number | null;
  reply_sender_id: string | null;
  reply_body: Buffer | null;
  reply_version: number | null;
  reply_deleted_at: Date | null;
}

/**
 * What a send is checked against, as select columns, shared by every statement that reads
 * it: `k` is the send (sender_id, client_message_id), `c` its conversation's row of
 * `conversation_access` (with the write rule), `r` the message replied to.
 */
const SEND_CONTEXT_COLUMNS = `c.id, c.patient_id, c.doctor_id, c.wrapped_key, c.key_version, c.last_seq,
            c.write_refusal, c.member_ids,
            (SELECT m.id FROM messages m WHERE m.sender_id = k.sender_id AND m.client_message_id = k.client_message_id)
              AS existing_id,
            r.conversation_id AS reply_conversation_id, r.seq AS reply_seq, r.sender_id AS reply_sender_id,
            r.body AS reply_body, r.version AS reply_version, r.deleted_at AS reply_deleted_at`;

/**
 * The rows a batch of sends (`k`) is checked against, each found by its own index probe: a
 * LATERAL subquery that OFFSET 0 keeps from being merged into a join. The send statements keep
 * one plan per connection (see initPool), made when it first runs; left free, the planner
 * joined by hashing whole tables that were small then, and one such plan went on reading
 * every message at every send to find the one replied to.
 */
const SEND_CONTEXT_FROM = (input: string) => `FROM ${input}
         LEFT JOIN LATERAL (SELECT * FROM conversation_access c WHERE c.id = k.conversation_id OFFSET 0) c ON true
         LEFT JOIN LATERAL (SELECT * FROM messages r WHERE r.id = k.reply_to_id OFFSET 0) r ON true`;

/**
 * Everything a send checks, in one round trip: the conversation and its access facts, an
 * earlier message with the same clientMessageId, and the message replied to. Null when the
 * conversation does not exist.
 */
export async function findSendContext(
  db: Queryable,
  { conversationId, senderId, clientMessageId, replyToId }: SendKey,
): Promise<SendContextRow | null> {
  // Named: prepared once per connection, so the hot path skips parsing and planning.
  const { rows } = await db.query<SendContextRow>({
    name: 'send-context',
    text: `SELECT ${SEND_CONTEXT_COLUMNS}
       FROM (SELECT $2::text AS sender_id, $3::text AS client_message_id) k
       JOIN conversation_access c ON c.id = $1
       LEFT JOIN messages r ON r.id = $4::uuid`,
    values: [conversationId, senderId, clientMessageId, replyToId],
  });
  return rows[0] ?? null;
}

export interface SendKey {
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  replyToId: string | null;
}

/** `findSendContext` for many sends in one round trip; answers in the order given. */
export async function findSendContexts(db: Queryable, keys: SendKey[]): Promise<(SendContextRow | null)[]> {
  const { rows } = await db.query<SendContextRow & { ord: string }>({
    name: 'send-contexts',
    text: `SELECT k.ord, ${SEND_CONTEXT_COLUMNS}
       ${SEND_CONTEXT_FROM(
         `unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[])
            WITH ORDINALITY AS k(conversation_id, sender_id, client_message_id, reply_to_id, ord)`,
       )}
      WHERE c.id IS NOT NULL`,
    values: [
      keys.map((k) => k.conversationId),
      keys.map((k) => k.senderId),
      keys.map((k) => k.clientMessageId),
      keys.map((k) => k.replyToId),
    ],
  });
  const byOrd = new Map(rows.map(({ ord, ...row }) => [Number(ord), row as SendContextRow]));
  return keys.map((_, i) => byOrd.get(i + 1) ?? null);
}

export interface StoredMessage {
  seq: number;
  rev: number;
  created_at: Date;
}

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  body: Buffer | null;
  replyToId: string | null;
  /** A clinician asks the patient to acknowledge it (the service has checked the sender's role). */
  requestAck?: boolean;
  /** A patient's urgent message: the conversation's urgent_at is set until the doctor writes after it. */
  urgent?: boolean;
}

export interface SendOutcome {
  /** What the send was checked against, in the statement that wrote it; null: no such conversation. */
  ctx: SendContextRow | null;
  /** Null when nothing was written: a check failed, or the clientMessageId was stored before. */
  stored: StoredMessage | null;
}

type SendRow = SendContextRow & {
  ord: string;
  found: boolean;
  seq: number | null;
  rev: number | null;
  created_at: Date | null;
};

/**
 * A conversation's column that holds when its patient's first unanswered message (of a kind)
 * was sent: kept when the patient writes again, set by the patient's message after a reply in
 * the batch, cleared by a reply after it. `asked` is the ord of the batch's last such message.
 */
const untilAnswered = (column: string, asked: string) => `CASE
                WHEN ${asked} > COALESCE(counts.reply_ord, 0)
                  THEN CASE WHEN counts.reply_ord IS NULL THEN COALESCE(c.${column}, now()) ELSE now() END
                WHEN counts.reply_ord IS NOT NULL THEN NULL
                ELSE c.${column} END`;

// After the input rows, everything of a send: checks and writes (see sendMessages).
const SEND_STEPS = `
     ctx AS MATERIALIZED (
       SELECT k.ord, c.id IS NOT NULL AS found, ${SEND_CONTEXT_COLUMNS}
         ${SEND_CONTEXT_FROM('input k')}),
     fresh AS (
       SELECT DISTINCT ON (i.sender_id, i.client_message_id) i.* FROM input i JOIN ctx x ON x.ord = i.ord
        WHERE x.found AND i.sender_id = ANY(x.member_ids) AND x.write_refusal IS NULL
          AND x.existing_id IS NULL AND (i.reply_to_id IS NULL OR x.reply_conversation_id = x.id)
        ORDER BY i.sender_id, i.client_message_id, i.ord),
     -- Per conversation: how many, and the last (urgent) message of its patient and the last of
     -- its care side (the doctor or a team member) in this batch (by ord): which came last says
     -- whether it is waiting (urgent) after it.
     counts AS (
       SELECT f.conversation_id, count(*)::int AS n,
              max(f.ord) FILTER (WHERE f.urgent AND f.sender_id = x.patient_id) AS urgent_ord,
              max(f.ord) FILTER (WHERE f.sender_id = x.patient_id) AS patient_ord,
              max(f.ord) FILTER (WHERE f.sender_id <> x.patient_id) AS reply_ord
         FROM fresh f JOIN ctx x ON x.ord = f.ord GROUP BY f.conversation_id),
     -- The rule read again once the row is locked, the conversation's row as it is then: a
     -- shred or an expiry that committed while this waited for the lock leaves the conversation
     -- out, rather than storing (and acking) a message sealed with a key that no longer exists.
     -- The view's only table is conversations: the lock takes no user or appointment row.
     locked AS MATERIALIZED (
       SELECT c.id FROM conversation_access c WHERE c.id IN (SELECT conversation_id FROM counts)
          AND c.write_refusal IS NULL
        ORDER BY c.id FOR NO KEY UPDATE),
     bumped AS (
       UPDATE conversations c
          SET last_seq = c.last_seq + counts.n, last_rev = c.last_rev + counts.n,
              last_message_at = now(), activity_at = now(),
              urgent_at = ${untilAnswered('urgent_at', 'counts.urgent_ord')},
              waiting_since = ${untilAnswered('waiting_since', 'counts.patient_ord')}
         FROM counts, locked WHERE c.id = counts.conversation_id AND locked.id = c.id
       RETURNING c.id, c.last_seq, c.last_rev, counts.n),
     numbered AS (
       SELECT f.*, b.last_seq - b.n + row_number() OVER w AS seq, b.last_rev - b.n + row_number() OVER w AS rev
         FROM fresh f JOIN bumped b ON b.id = f.conversation_id
       WINDOW w AS (PARTITION BY f.conversation_id ORDER BY f.ord)),
     ins AS (
       INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id, body, reply_to_id,
                             ack_requested, urgent)
       SELECT id, conversation_id, seq, rev, sender_id, client_message_id, body, reply_to_id, ack_requested, urgent
         FROM numbered
       RETURNING id, conversation_id, sender_id, seq, rev, created_at),
     newest AS (SELECT conversation_id, sender_id, max(seq) AS seq FROM ins GROUP BY conversation_id, sender_id),
     members AS (
       UPDATE conversation_members cm
          SET last_read_seq = GREATEST(cm.last_read_seq,
                COALESCE((SELECT n.seq FROM newest n
                           WHERE n.conversation_id = cm.conversation_id AND n.sender_id = cm.user_id), 0)),
              last_delivered_seq = GREATEST(cm.last_delivered_seq,
                COALESCE((SELECT n.seq FROM newest n
                           WHERE n.conversation_id = cm.conversation_id AND n.sender_id = cm.user_id), 0)),
              archived = false
        -- Only rows that change: the senders' watermarks, and an archived side coming back.
        -- Rewriting the other side's row unchanged cost a row version and its index entries per message.
        WHERE cm.conversation_id IN (SELECT conversation_id FROM counts)
          AND (cm.archived OR EXISTS (SELECT 1 FROM newest n
                                       WHERE n.conversation_id = cm.conversation_id AND n.sender_id = cm.user_id)))
     SELECT x.*, ins.seq, ins.rev, ins.created_at
       FROM ctx x JOIN input i ON i.ord = x.ord LEFT JOIN ins ON ins.id = i.id`;

/**
 * Every message is stored by this statement, text or attachments, alone or many at once for
 * group commit (and a text send's only round trip when its conversation's data key is
 * already in memory); a send with attachments runs it in the transaction that claims them.
 * Each input row is stored only if its sender takes part in the conversation, the
 * conversation's write rule lets them write (`conversation_access.write_refusal`, read by this
 * statement, so a block or cancellation committed before it began holds), the message replied
 * to is in it, and the (sender, clientMessageId) is new, also within the batch and the
 * transaction. Each conversation's seq and
 * rev advance by its number of new messages, numbered in the order given; conversation rows
 * are locked in id order first, so concurrent batches cannot deadlock. Returns, in the order
 * given, what each row was checked against and what was stored, so a caller can say why a
 * row was not.
 *
 * A batch of one has a statement of its own, with plain parameters: PostgreSQL then settles
 * on one plan for it per connection, where the array form, estimated at ten rows, was
 * planned afresh on every call (most of the database's CPU per message at moderate load, by
 * a profile of its backends).
 */
export async function sendMessages(db: Queryable, ms: NewMessage[]): Promise<SendOutcome[]> {
  const single = ms.length === 1 ? ms[0] : undefined;
  const { rows } = await db.query<SendRow>({
    name: single ? 'send-message' : 'send-messages',
    text: single
      ? `WITH input AS (
           SELECT $1::uuid AS id, $2::uuid AS conversation_id, $3::text AS sender_id, $4::text AS client_message_id,
                  $5::bytea AS body, $6::uuid AS reply_to_id, $7::boolean AS ack_requested, $8::boolean AS urgent,
                  1::bigint AS ord),${SEND_STEPS}`
      : `WITH input AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bytea[], $6::uuid[],
                                $7::boolean[], $8::boolean[]) WITH ORDINALITY
             AS t(id, conversation_id, sender_id, client_message_id, body, reply_to_id, ack_requested, urgent, ord)),
           ${SEND_STEPS}`,
    values: single
      ? [
          single.id,
          single.conversationId,
          single.senderId,
          single.clientMessageId,
          single.body,
          single.replyToId,
          single.requestAck ?? false,
          single.urgent ?? false,
        ]
      : [
          ms.map((m) => m.id),
          ms.map((m) => m.conversationId),
          ms.map((m) => m.senderId),
          ms.map((m) => m.clientMessageId),
          ms.map((m) => m.body),
          ms.map((m) => m.replyToId),
          ms.map((m) => m.requestAck ?? false),
          ms.map((m) => m.urgent ?? false),
        ],
  });
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  return ms.map((_, i) => {
    const r = byOrd.get(i + 1);
    if (!r) return { ctx: null, stored: null };
    const { ord, found, seq, rev, created_at, ...ctx } = r;
    return {
      ctx: found ? (ctx as SendContextRow) : null,
      stored: seq !== null && rev !== null && created_at !== null ? { seq, rev, created_at } : null,
    };
  });
}

/** Takes the conversation's next rev; the row lock orders it with concurrent sends. */
export async function nextRev(db: Queryable, conversationId: string): Promise<number> {
  const { rows } = await db.query<{ last_rev: number }>(
    'UPDATE conversations SET last_rev = last_rev + 1 WHERE id = $1 RETURNING last_rev',
    [conversationId],
  );
  return onlyRow(rows, 'nextRev').last_rev;
}

/** Keeps the text being replaced, still encrypted, for the audit trail. */
export async function archiveVersion(db: Queryable, m: MessageAccessRow): Promise<void> {
  if (!m.body) return;
  await db.query('INSERT INTO message_versions (message_id, version, body, created_at) VALUES ($1, $2, $3, $4)', [
    m.id,
    m.version,
    m.body,
    m.edited_at ?? m.created_at,
  ]);
}

export async function updateBody(db: Queryable, id: string, body: Buffer, version: number, rev: number): Promise<void> {
  await db.query('UPDATE messages SET body = $2, version = $3, rev = $4, edited_at = now() WHERE id = $1', [
    id,
    body,
    version,
    rev,
  ]);
}

/**
 * Deleting reactions keeps what was deleted as a tombstone (migration 0022), in the same
 * statement: the trail shows that they were added, and when one was taken back.
 */
const REMOVE_REACTIONS = 'WITH removed AS (DELETE FROM message_reactions';
const KEEP_REMOVED = (withMessage: boolean) =>
  `INSERT INTO message_reaction_removals (message_id, user_id, emoji, reacted_at, with_message)
   SELECT message_id, user_id, emoji, created_at, ${withMessage} FROM removed`;

export async function markDeleted(db: Queryable, id: string, rev: number): Promise<void> {
  await db.query('UPDATE messages SET body = NULL, deleted_at = now(), rev = $2 WHERE id = $1', [id, rev]);
  await db.query(`${REMOVE_REACTIONS} WHERE message_id = $1 RETURNING *) ${KEEP_REMOVED(true)}`, [id]);
  // Waiting for a reply follows the newest messages left (migration 0024): a patient's only
  // unanswered message gone, nothing waits; the care side's answer gone, the patient waits again.
  await db.query(
    `UPDATE conversations c SET waiting_since = conversation_waiting_since(c.id, c.patient_id)
       FROM messages m WHERE m.id = $1 AND c.id = m.conversation_id`,
    [id],
  );
}

export async function isHidden(db: Queryable, messageId: string, userId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM message_hides WHERE message_id = $1 AND user_id = $2', [
    messageId,
    userId,
  ]);
  return rows.length > 0;
}

export async function insertHide(
  db: Queryable,
  h: { messageId: string; userId: string; conversationId: string; rev: number },
): Promise<void> {
  await db.query(
    `INSERT INTO message_hides (message_id, user_id, conversation_id, rev) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [h.messageId, h.userId, h.conversationId, h.rev],
  );
}

/** Adds or removes one reaction; true when something changed. */
export async function setReaction(
  db: Queryable,
  messageId: string,
  userId: string,
  emoji: string,
  on: boolean,
): Promise<boolean> {
  const result = on
    ? await db.query(
        'INSERT INTO message_reactions (message_id, user_id, emoji) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [messageId, userId, emoji],
      )
    : await db.query(
        `${REMOVE_REACTIONS} WHERE message_id = $1 AND user_id = $2 AND emoji = $3 RETURNING *) ${KEEP_REMOVED(false)}`,
        [messageId, userId, emoji],
      );
  return (result.rowCount ?? 0) > 0;
}

export async function setMessageRev(db: Queryable, id: string, rev: number): Promise<void> {
  await db.query('UPDATE messages SET rev = $2 WHERE id = $1', [id, rev]);
}

export interface VersionRow {
  message_id: string;
  version: number;
  body: Buffer;
  created_at: Date;
  replaced_at: Date;
}

/** The earlier texts of these messages, each message's oldest first (for an admin's transcript page). */
export async function findVersionsOf(db: Queryable, messageIds: string[]): Promise<VersionRow[]> {
  const { rows } = await db.query<VersionRow>(
    `SELECT message_id, version, body, created_at, replaced_at FROM message_versions
      WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, version`,
    [messageIds],
  );
  return rows;
}

/**
 * The seq of the conversation's first message sent at or after `at`, or null when none was.
 * Walks the conversation by seq (its index), which follows the order of sending.
 */
export async function findFirstSeqAt(db: Queryable, conversationId: string, at: string): Promise<number | null> {
  const { rows } = await db.query<{ seq: number }>(
    'SELECT seq FROM messages WHERE conversation_id = $1 AND created_at >= $2 ORDER BY seq LIMIT 1',
    [conversationId, at],
  );
  return rows[0]?.seq ?? null;
}

export async function findVersions(db: Queryable, messageId: string): Promise<VersionRow[]> {
  const { rows } = await db.query<VersionRow>(
    `SELECT message_id, version, body, created_at, replaced_at FROM message_versions
      WHERE message_id = $1 ORDER BY version`,
    [messageId],
  );
  return rows;
}
