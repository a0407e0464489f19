-- Retention over whole conversations: one idle past RETENTION_DAYS has its data key destroyed
-- at once (every message in it unreadable in one statement), then its rows go in batches, and
-- finally the conversation itself, so the two people can start afresh.
ALTER TABLE conversations ADD COLUMN expired_at timestamptz;

-- Audit events outlive message content (HIPAA §164.316: six years). The only removal is the
-- retention job's, which says so for its transaction and only reaches events older than six
-- years; everything else stays append-only.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('carechat.audit_purge', true) = 'on'
     AND OLD.at < now() - interval '6 years' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END $$;

-- The role the server works as: every right on every table, except changing or removing
-- audit events. Where the database user may not create roles, the trigger above stands alone.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carechat_app') THEN
    CREATE ROLE carechat_app NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL; -- another database of this cluster made it first
  WHEN insufficient_privilege THEN RAISE NOTICE 'carechat_app role not created: no CREATEROLE';
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carechat_app') THEN
    EXECUTE 'GRANT USAGE ON SCHEMA public TO carechat_app';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO carechat_app';
    EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO carechat_app';
    EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM carechat_app';
    -- Tables of later migrations (made by this same user) get the same rights.
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO carechat_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO carechat_app';
    BEGIN
      EXECUTE format('GRANT carechat_app TO %I', current_user);
    EXCEPTION WHEN OTHERS THEN NULL; -- a superuser needs no membership; another user may lack the right
    END;
  END IF;
END $$;
