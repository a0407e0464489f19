-- Legal hold exempts a conversation from retention; shredding destroys its data key so its
-- messages and files can never be decrypted again (backups included), while rows remain.
ALTER TABLE conversations
  ADD COLUMN legal_hold boolean NOT NULL DEFAULT false,
  ADD COLUMN shredded_at timestamptz,
  ALTER COLUMN wrapped_key DROP NOT NULL;
CREATE INDEX conversations_key_version ON conversations (key_version) WHERE wrapped_key IS NOT NULL;
