-- Two things for the compliance officer's console (#20).
--
-- 1. Reaction removals on the trail. A reaction is a row of message_reactions, deleted when it
-- is taken back (or when its message is deleted for everyone), and the trail (0019) reads
-- reactions from those rows: a removed reaction left no removal behind and took its "added"
-- event with it. The delete now moves the row here, in the same statement (a tombstone rather
-- than a chained audit row: no insert under the chain's advisory lock, and the send path is
-- untouched, since only a removal writes here). `with_message`: removed because the message
-- was deleted for everyone; that is the delete's event, not the reactor's removal.
CREATE TABLE message_reaction_removals (
  id           bigserial PRIMARY KEY,
  message_id   uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id      text NOT NULL REFERENCES users (id),
  emoji        text NOT NULL,
  reacted_at   timestamptz NOT NULL,
  removed_at   timestamptz NOT NULL DEFAULT now(),
  with_message boolean NOT NULL DEFAULT false
);
-- Each trail branch reads newest first from its own time index (see 0019).
CREATE INDEX message_reaction_removals_reacted ON message_reaction_removals (reacted_at);
CREATE INDEX message_reaction_removals_removed ON message_reaction_removals (removed_at) WHERE NOT with_message;

-- 0019's function with two more branches: the additions of reactions since removed (their
-- id carries the tombstone's, as one person may add and remove the same emoji again), and
-- the removals themselves. Never the emoji (as for additions).
CREATE OR REPLACE FUNCTION audit_trail(idle interval)
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
  SELECT 'react:' || x.message_id || ':' || x.user_id || ':' || md5(x.emoji) || ':' || x.id, x.reacted_at, x.user_id,
         (SELECT u.role FROM users u WHERE u.id = x.user_id), 'messages.react',
         (SELECT m.conversation_id FROM messages m WHERE m.id = x.message_id), x.message_id,
         NULL, NULL, NULL, 'success', NULL, NULL, NULL
    FROM message_reaction_removals x
  UNION ALL
  SELECT 'unreact:' || x.id, x.removed_at, x.user_id,
         (SELECT u.role FROM users u WHERE u.id = x.user_id), 'messages.unreact',
         (SELECT m.conversation_id FROM messages m WHERE m.id = x.message_id), x.message_id,
         NULL, NULL, NULL, 'success', NULL, NULL, NULL
    FROM message_reaction_removals x
   WHERE NOT x.with_message
  UNION ALL
  SELECT 'idle:' || s.id, s.last_active_at + idle, s.user_id, (SELECT u.role FROM users u WHERE u.id = s.user_id),
         'auth.session.expired', NULL, NULL, s.id::text, NULL, NULL, 'success', jsonb_build_object('reason', 'idle'),
         NULL, NULL
    FROM sessions s
   WHERE s.last_active_at + idle <= now()
     AND (s.revoked_at IS NULL OR s.revoked_at > s.last_active_at + idle)
     AND (s.host_token_expires_at IS NULL OR s.host_token_expires_at > s.last_active_at + idle)
$$;

-- 2. The oversight page's reads (GET /api/admin/oversight): reads of content by anyone outside
-- the conversation, in a time range, and per reader in a sliding window. Same predicate as the
-- access log's index (0017), keyed by time and by reader and time.
CREATE INDEX audit_events_outside_reads_at ON audit_events (at)
  WHERE (actor_role IS NULL OR actor_role NOT IN ('PATIENT', 'DOCTOR')) AND audit_action_shows_content(action);
CREATE INDEX audit_events_outside_reads_actor ON audit_events (actor_id, at)
  WHERE (actor_role IS NULL OR actor_role NOT IN ('PATIENT', 'DOCTOR')) AND audit_action_shows_content(action);
