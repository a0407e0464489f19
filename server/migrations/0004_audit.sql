-- Append-only: who read or changed what, never the content itself.
CREATE TABLE audit_events (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  actor_id        text,
  actor_role      text,
  action          text NOT NULL,
  conversation_id uuid,
  message_id      uuid,
  target_id       text,
  ip              text,
  user_agent      text,
  outcome         text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  details         jsonb
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_conversation ON audit_events (conversation_id, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END $$;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
