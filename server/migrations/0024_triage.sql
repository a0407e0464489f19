-- Triage (#21): a clinician's list filtered to the conversations that need a reply, oldest
-- waiting first, and a conversation assigned to one person of its care side.

-- When the first patient message not yet answered by the care side was sent; null once
-- anyone of the care side (doctor, team member) writes after it. Kept by the send statement,
-- as urgent_at is (messages.store.ts), and put right by conversation_waiting_since when a
-- message is deleted for everyone: the rule reads the newest non-deleted messages.
ALTER TABLE conversations ADD COLUMN waiting_since timestamptz;

-- Who of the care side handles the conversation; cleared when they leave the doctor's team.
ALTER TABLE conversations ADD COLUMN assignee_id text REFERENCES users (id);

-- The whole rule, from the messages: the first non-deleted patient message after the last
-- non-deleted message of anyone else. Only deletions and this backfill pay for it.
CREATE FUNCTION conversation_waiting_since(conv uuid, patient text) RETURNS timestamptz
  LANGUAGE sql STABLE AS $$
  SELECT min(m.created_at) FROM messages m
   WHERE m.conversation_id = conv AND m.sender_id = patient AND m.deleted_at IS NULL
     AND m.seq > COALESCE((SELECT max(r.seq) FROM messages r
                            WHERE r.conversation_id = conv AND r.sender_id <> patient AND r.deleted_at IS NULL), 0)
$$;

UPDATE conversations c SET waiting_since = conversation_waiting_since(c.id, c.patient_id)
 WHERE c.last_seq > 0;

-- The needs-reply page: the few waiting conversations in order, each probed for membership.
CREATE INDEX conversations_waiting ON conversations (waiting_since, id) WHERE waiting_since IS NOT NULL;
