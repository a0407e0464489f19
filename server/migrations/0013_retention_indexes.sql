-- What retention deletes by, indexed, so a run's cost follows what it deletes rather than
-- the size of the tables. Without these, each message deleted made PostgreSQL clear the
-- replies to it (ON DELETE SET NULL) by reading every message; each batch was chosen by
-- sorting every message by age; each conversation removed read every attachment and every
-- push row. On a clinic's years of messages a run would take days.
CREATE INDEX messages_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;
CREATE INDEX messages_created ON messages (created_at);
CREATE INDEX attachments_conversation ON attachments (conversation_id);
CREATE INDEX push_outbox_conversation ON push_outbox (conversation_id);
CREATE INDEX push_sent_conversation ON push_sent (conversation_id);
