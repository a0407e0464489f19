-- Files sent in conversations. Stored encrypted outside the database (DATA_DIR/attachments or
-- S3); only what the API needs is here, and the original file name only encrypted.
CREATE TABLE attachments (
  id              uuid PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  uploader_id     text NOT NULL REFERENCES users (id),
  -- Set when a message carries it; unsent uploads are removed after 24 hours.
  message_id      uuid REFERENCES messages (id) ON DELETE SET NULL,
  file_name       bytea NOT NULL,
  mime_type       text NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size            bigint NOT NULL,
  width           int,
  height          int,
  scan_status     text NOT NULL CHECK (scan_status IN ('PENDING', 'CLEAN', 'INFECTED', 'FAILED')),
  -- The per-file key, wrapped by the conversation's data key.
  wrapped_key     bytea NOT NULL,
  storage_key     text NOT NULL,
  thumbnail_key   text,
  thumbnail_mime  text,
  thumbnail_size  bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE INDEX attachments_message ON attachments (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE message_id IS NULL AND deleted_at IS NULL;
