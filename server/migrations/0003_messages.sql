CREATE TABLE messages (
  id                uuid PRIMARY KEY,
  conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq               int NOT NULL,
  rev               bigint NOT NULL,
  sender_id         text NOT NULL REFERENCES users (id),
  client_message_id text NOT NULL,
  -- iv (12) | tag (16) | ciphertext; AAD binds conversation id, message id and version.
  -- NULL once deleted for everyone, or for a message with attachments only.
  body              bytea,
  version           int NOT NULL DEFAULT 1,
  reply_to_id       uuid REFERENCES messages (id) ON DELETE SET NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  edited_at         timestamptz,
  deleted_at        timestamptz,
  CONSTRAINT messages_conversation_seq UNIQUE (conversation_id, seq),
  CONSTRAINT messages_sender_client_id UNIQUE (sender_id, client_message_id)
);
CREATE INDEX messages_conversation_rev ON messages (conversation_id, rev);

-- Earlier texts of edited and deleted messages, still encrypted, for the audit trail.
CREATE TABLE message_versions (
  message_id  uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  version     int NOT NULL,
  body        bytea NOT NULL,
  created_at  timestamptz NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, version)
);

-- "Delete for me": the message stays for the other participant.
CREATE TABLE message_hides (
  message_id      uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id         text NOT NULL REFERENCES users (id),
  conversation_id uuid NOT NULL,
  rev             bigint NOT NULL,
  hidden_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_hides_changes ON message_hides (conversation_id, user_id, rev);

CREATE TABLE message_reactions (
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id    text NOT NULL REFERENCES users (id),
  emoji      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, user_id, emoji)
);
