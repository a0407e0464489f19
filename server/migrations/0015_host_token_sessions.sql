-- A host-platform token used here is bound to a session of its own (by the token's hash, as a
-- password session's token is), so signing out, idle expiry and blocking end it as they end a
-- password sign-in. The token's `exp` ends its session too; the row stays until then so that
-- a signed-out token is recognised and refused rather than given a new session.
ALTER TABLE sessions ADD COLUMN host_token_expires_at timestamptz;
-- Rows of tokens past their exp are removed as new tokens are bound (bindHostToken).
CREATE INDEX sessions_host_token_expiry ON sessions (host_token_expires_at) WHERE host_token_expires_at IS NOT NULL;
