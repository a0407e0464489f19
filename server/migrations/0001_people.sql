-- People and appointments: a local copy of what the host platform owns.
CREATE TABLE users (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  email         text UNIQUE,
  role          text NOT NULL CHECK (role IN ('PATIENT', 'DOCTOR', 'ADMIN')),
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'deleted')),
  designation   text,
  password_hash text,
  last_seen_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE appointments (
  id         text PRIMARY KEY,
  patient_id text NOT NULL REFERENCES users (id),
  doctor_id  text NOT NULL REFERENCES users (id),
  starts_at  timestamptz NOT NULL,
  status     text NOT NULL CHECK (status IN ('scheduled', 'completed', 'cancelled')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- "Do these two share a live appointment?" is asked on every send.
CREATE INDEX appointments_live_pair ON appointments (patient_id, doctor_id) WHERE status <> 'cancelled';
CREATE INDEX appointments_doctor ON appointments (doctor_id);

CREATE TABLE sessions (
  id             uuid PRIMARY KEY,
  token_hash     bytea NOT NULL UNIQUE,
  user_id        text NOT NULL REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_active_at timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;
