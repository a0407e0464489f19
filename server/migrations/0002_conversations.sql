-- Master-key versions: a check value per version proves at start-up that MASTER_KEY is the
-- key the data was written with, before anything is encrypted under a wrong one.
CREATE TABLE master_keys (
  version    int PRIMARY KEY,
  key_check  bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

CREATE TABLE conversations (
  id              uuid PRIMARY KEY,
  patient_id      text NOT NULL REFERENCES users (id),
  doctor_id       text NOT NULL REFERENCES users (id),
  -- The conversation's data key, AES-256-GCM wrapped by master key `key_version`.
  wrapped_key     bytea NOT NULL,
  key_version     int NOT NULL REFERENCES master_keys (version),
  last_seq        int NOT NULL DEFAULT 0,
  last_rev        bigint NOT NULL DEFAULT 0,
  last_message_at timestamptz,
  activity_at     timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (patient_id, doctor_id)
);
CREATE INDEX conversations_activity ON conversations (activity_at DESC, id DESC);
CREATE INDEX conversations_doctor ON conversations (doctor_id);

-- Each participant's own view: watermarks and archive flag. Unread counts are derived from
-- last_read_seq at read time, so there is no counter to drift.
CREATE TABLE conversation_members (
  conversation_id    uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id            text NOT NULL REFERENCES users (id),
  last_read_seq      int NOT NULL DEFAULT 0,
  last_delivered_seq int NOT NULL DEFAULT 0,
  archived           boolean NOT NULL DEFAULT false,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id, archived);
