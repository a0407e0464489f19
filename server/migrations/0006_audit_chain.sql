-- Tamper evidence: each audit event carries the SHA-256 of the previous event's hash and its
-- own canonical encoding. Appends are serialized by a transaction-level advisory lock, and
-- the id is drawn under that lock, so id order is chain order and the chain never forks.
ALTER TABLE audit_events ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

CREATE FUNCTION audit_event_hash(prev bytea, e audit_events) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(COALESCE(prev, '\x'::bytea) || convert_to(jsonb_build_array(
    e.id, (extract(epoch FROM e.at) * 1000000)::bigint, e.actor_id, e.actor_role, e.action,
    e.conversation_id, e.message_id, e.target_id, e.ip, e.user_agent, e.outcome, e.details)::text, 'UTF8'))
$$;

-- Existing events join the chain in id order (the trigger below does not exist yet).
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
DO $$
DECLARE
  r audit_events;
  prev bytea := NULL;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    UPDATE audit_events SET prev_hash = prev, hash = audit_event_hash(prev, r) WHERE id = r.id;
    prev := audit_event_hash(prev, r);
  END LOOP;
END $$;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;

CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(4202613);
  NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
  NEW.at := clock_timestamp();
  SELECT hash INTO NEW.prev_hash FROM audit_events ORDER BY id DESC LIMIT 1;
  NEW.hash := audit_event_hash(NEW.prev_hash, NEW);
  RETURN NEW;
END $$;

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
