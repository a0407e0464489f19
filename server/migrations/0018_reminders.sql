-- E-mail and SMS reminders of messages left unread (issue #22).

-- Where a person's reminders go, as the host platform gave it. Each address is sealed
-- directly under master key `key_version` (Keyring.sealSecret, AAD naming the person and the
-- field), like TOTP seeds: no one reads it back but the reminder sender. A row exists only
-- while at least one address does.
CREATE TABLE reminder_contacts (
  user_id      text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  email        bytea,
  phone        bytea,
  key_version  int NOT NULL REFERENCES master_keys (version),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- What a person chose. No row: the defaults (e-mail if an address is known, quiet hours
-- 21:00 to 08:00 in REMINDER_TIME_ZONE), read from the configuration when needed, so a changed
-- default reaches everyone who never chose.
CREATE TABLE reminder_settings (
  user_id      text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  email        boolean NOT NULL,
  sms          boolean NOT NULL,
  -- Minutes after local midnight; equal start and end mean no quiet hours.
  quiet_start  smallint NOT NULL CHECK (quiet_start BETWEEN 0 AND 1439),
  quiet_end    smallint NOT NULL CHECK (quiet_end BETWEEN 0 AND 1439),
  time_zone    text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The outbox. A row is one reminder by one channel for one window: the recipient's
-- last_read_seq when it was queued. Reading moves last_read_seq, so the next unread message
-- opens a new window; until then the unique key keeps it to one reminder. Rows stay once
-- settled (sent, or dropped because the message was read or the address went) as the record
-- of that window, and are deleted a while after.
CREATE TABLE reminder_outbox (
  id               bigserial PRIMARY KEY,
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id          text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  read_seq         int NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('email', 'sms')),
  attempts         int NOT NULL DEFAULT 0,
  -- When it may go: at once, or at the end of the recipient's quiet hours; moved on by each
  -- lease and each retry.
  due_at           timestamptz NOT NULL,
  settled_at       timestamptz,
  outcome          text CHECK (outcome IN ('sent', 'read', 'no-address', 'failed')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, user_id, read_seq, channel)
);
CREATE INDEX reminder_outbox_due ON reminder_outbox (due_at) WHERE settled_at IS NULL;
CREATE INDEX reminder_outbox_settled ON reminder_outbox (settled_at) WHERE settled_at IS NOT NULL;
