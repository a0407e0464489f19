-- One trail for every event HIPAA asks about (#20). Message sends, edits, deletes and
-- reactions, and sessions ending by idle time, are not written as audit rows: they are read
-- from the rows that already record them (messages, message_versions, message_reactions,
-- sessions), so a send costs exactly what it did (no audit insert under the chain's lock).
-- They carry who, when, which conversation and message, never content (not even the emoji).
-- Derived events are not in the hash chain: their hash columns are NULL and their ids are
-- prefixed ('send:<message id>', ...) where chained events' ids are numbers.
--
-- A table function rather than a view, for the idle time (configuration, not data). It is
-- a single SQL SELECT, STABLE and not STRICT, so the planner inlines it and pushes the
-- caller's filters and ORDER BY ... LIMIT into each branch. Each branch reads one table and
-- looks up the rest in scalar subqueries rather than joins: a branch with a join is planned
-- for all its rows (hash join, then sort), while one scan can be read newest first from its
-- time index and stopped after a page (300,000 messages: the newest page ~1 s with joins).
CREATE FUNCTION audit_trail(idle interval)
RETURNS TABLE (
  id text, at timestamptz, actor_id text, actor_role text, action text, conversation_id uuid, message_id uuid,
  target_id text, ip text, user_agent text, outcome text, details jsonb, prev_hash bytea, hash bytea
) LANGUAGE sql STABLE AS $$
  SELECT e.id::text, e.at, e.actor_id, e.actor_role, e.action, e.conversation_id, e.message_id, e.target_id,
         e.ip, e.user_agent, e.outcome, e.details, e.prev_hash, e.hash
    FROM audit_events e
  UNION ALL
  SELECT 'send:' || m.id, m.created_at, m.sender_id, (SELECT u.role FROM users u WHERE u.id = m.sender_id),
         'messages.send', m.conversation_id, m.id, NULL, NULL, NULL, 'success', NULL, NULL, NULL
    FROM messages m
  UNION ALL
  -- Each earlier text is an edit, except the last text of a deleted message, kept at its delete
  -- (same transaction, same now()): that one is the delete. Told apart per row, not filtered or
  -- joined, so the branch reads newest first from its index and stops after a page.
  SELECT CASE WHEN (SELECT m.deleted_at = v.replaced_at FROM messages m WHERE m.id = v.message_id) IS TRUE
              THEN 'delete:' || v.message_id ELSE 'edit:' || v.message_id || ':' || v.version END,
         v.replaced_at, (SELECT m.sender_id FROM messages m WHERE m.id = v.message_id),
         (SELECT u.role FROM messages m JOIN users u ON u.id = m.sender_id WHERE m.id = v.message_id),
         CASE WHEN (SELECT m.deleted_at = v.replaced_at FROM messages m WHERE m.id = v.message_id) IS TRUE
              THEN 'messages.delete' ELSE 'messages.edit' END,
         (SELECT m.conversation_id FROM messages m WHERE m.id = v.message_id), v.message_id,
         NULL, NULL, NULL, 'success',
         CASE WHEN (SELECT m.deleted_at = v.replaced_at FROM messages m WHERE m.id = v.message_id) IS TRUE
              THEN NULL ELSE jsonb_build_object('version', v.version + 1) END, NULL, NULL
    FROM message_versions v
  UNION ALL
  -- A message deleted with no text to keep (files only) has no earlier version: its delete is here.
  SELECT 'delete:' || m.id, m.deleted_at, m.sender_id, (SELECT u.role FROM users u WHERE u.id = m.sender_id),
         'messages.delete', m.conversation_id, m.id, NULL, NULL, NULL, 'success', NULL, NULL, NULL
    FROM messages m
   WHERE m.deleted_at IS NOT NULL
     AND (SELECT count(*) FROM message_versions v WHERE v.message_id = m.id AND v.replaced_at = m.deleted_at) = 0
  UNION ALL
  SELECT 'react:' || r.message_id || ':' || r.user_id || ':' || md5(r.emoji), r.created_at, r.user_id,
         (SELECT u.role FROM users u WHERE u.id = r.user_id), 'messages.react',
         (SELECT m.conversation_id FROM messages m WHERE m.id = r.message_id), r.message_id,
         NULL, NULL, NULL, 'success', NULL, NULL, NULL
    FROM message_reactions r
  UNION ALL
  -- A session ends by idle time when it was neither signed out, revoked nor its host token
  -- past its expiry before then.
  SELECT 'idle:' || s.id, s.last_active_at + idle, s.user_id, (SELECT u.role FROM users u WHERE u.id = s.user_id),
         'auth.session.expired', NULL, NULL, s.id::text, NULL, NULL, 'success', jsonb_build_object('reason', 'idle'),
         NULL, NULL
    FROM sessions s
   WHERE s.last_active_at + idle <= now()
     AND (s.revoked_at IS NULL OR s.revoked_at > s.last_active_at + idle)
     AND (s.host_token_expires_at IS NULL OR s.host_token_expires_at > s.last_active_at + idle)
$$;

-- The trail newest first by time: each branch reads its own index in that order.
CREATE INDEX messages_deleted ON messages (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX message_versions_replaced ON message_versions (replaced_at);
CREATE INDEX message_reactions_created ON message_reactions (created_at);
-- The log's action picker: without it, an action the chained rows rarely hold (an edit, a shred)
-- walks every audit row (300,000 rows: ~0.3-0.8 s a page; with it, milliseconds).
CREATE INDEX audit_events_action ON audit_events (action, at);
