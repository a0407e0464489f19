-- TOTP second factor. The secret is sealed under the master key (version kept for
-- rotation); recovery codes are kept only as SHA-256 hashes; the last accepted time step
-- stops a code from being used twice.
ALTER TABLE users
  ADD COLUMN totp_secret bytea,
  ADD COLUMN totp_key_version int,
  ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN totp_last_step bigint,
  ADD COLUMN recovery_codes bytea[];
