-- A conversation's access log lists who outside it opened it: admins, the system, the host
-- platform. Its participants' own reads are audited too, one row per page read, and the log
-- walked past all of them to find the few outside rows. Only those rows are indexed here.
CREATE INDEX audit_events_outside ON audit_events (conversation_id, id)
  WHERE actor_role IS NULL OR actor_role NOT IN ('PATIENT', 'DOCTOR');
