-- Acknowledgement requested, and urgent messages (issue #22).

-- A clinician's message can ask the patient to confirm they read it: the patient's
-- acknowledgement is kept on the message (receipts say a device showed it, not that a person
-- read it). ack_reminders counts the reminder rounds sent so far, ack_reminded_at the last one;
-- the sweep sends the next after ACK_REMINDER_MINUTES, at most ACK_REMINDER_LIMIT. A patient's
-- message can be urgent. New columns with constant defaults: no table rewrite.
ALTER TABLE messages
  ADD COLUMN ack_requested    boolean NOT NULL DEFAULT false,
  ADD COLUMN acknowledged_at  timestamptz,
  ADD COLUMN acknowledged_by  text REFERENCES users (id),
  ADD COLUMN ack_reminders    smallint NOT NULL DEFAULT 0,
  ADD COLUMN ack_reminded_at  timestamptz,
  ADD COLUMN urgent           boolean NOT NULL DEFAULT false;

-- What the sweep and a clinician's list of unacknowledged messages read: few rows, so small.
CREATE INDEX messages_ack_pending ON messages (conversation_id, seq)
  WHERE ack_requested AND acknowledged_at IS NULL AND deleted_at IS NULL;

-- Set when the patient sends an urgent message, cleared when the doctor writes after it (both by
-- the send statement): the doctor's list puts these first until then.
ALTER TABLE conversations ADD COLUMN urgent_at timestamptz;
CREATE INDEX conversations_urgent ON conversations (doctor_id, urgent_at) WHERE urgent_at IS NOT NULL;

-- Acknowledgement reminders go through the reminder outbox too: a row names the message and
-- the round. The window key of unread-message reminders holds for their rows only.
ALTER TABLE reminder_outbox
  ADD COLUMN message_id  uuid REFERENCES messages (id) ON DELETE CASCADE,
  ADD COLUMN ack_round   smallint,
  ADD CHECK ((message_id IS NULL) = (ack_round IS NULL));
ALTER TABLE reminder_outbox DROP CONSTRAINT reminder_outbox_conversation_id_user_id_read_seq_channel_key;
CREATE UNIQUE INDEX reminder_outbox_window ON reminder_outbox (conversation_id, user_id, read_seq, channel)
  WHERE message_id IS NULL;
CREATE UNIQUE INDEX reminder_outbox_ack ON reminder_outbox (message_id, ack_round, channel)
  WHERE message_id IS NOT NULL;

-- A push about a message waiting for acknowledgement says so (still nothing of its content).
ALTER TABLE push_outbox ADD COLUMN ack boolean NOT NULL DEFAULT false;
