-- Care teams (#21): a doctor's nurses, medical assistants and colleagues take part in every
-- conversation of that doctor.

-- STAFF: a nurse or medical assistant (users.designation says which, "RN").
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('PATIENT', 'DOCTOR', 'STAFF', 'ADMIN'));

-- The team as the host platform set it: the source of truth. Membership of each conversation
-- follows from it as rows of conversation_members (with their own watermarks), written in the
-- same transaction as the team.
CREATE TABLE care_team_members (
  doctor_id text NOT NULL REFERENCES users (id),
  member_id text NOT NULL REFERENCES users (id),
  added_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (doctor_id, member_id),
  CHECK (doctor_id <> member_id)
);
-- "Which teams is this person on?": a blocked member's conversations, their presence contacts.
CREATE INDEX care_team_members_member ON care_team_members (member_id);

-- 0016's view with one more column, at the end: member_ids, everyone who takes part now. The
-- patient and the doctor whatever their status (a block is the write rule's business, and
-- they may still read), then the active members of the care side from conversation_members:
-- a blocked or deleted team member is out at once. Only queries that name it pay for it. The
-- status is a scalar subquery, as above: a join let a kept plan hash the whole users table.
CREATE OR REPLACE VIEW conversation_access AS
  SELECT c.id, c.patient_id, c.doctor_id, c.wrapped_key, c.key_version, c.last_seq,
         CASE
           WHEN (SELECT u.status FROM users u WHERE u.id = c.patient_id) <> 'active'
             OR (SELECT u.status FROM users u WHERE u.id = c.doctor_id) <> 'active' THEN 'blocked'
           WHEN (SELECT true FROM live_appointments a WHERE a.patient_id = c.patient_id AND a.doctor_id = c.doctor_id
                  LIMIT 1) IS NULL THEN 'no_appointment'
           WHEN c.wrapped_key IS NULL OR c.expired_at IS NOT NULL THEN 'erased'
         END AS write_refusal,
         ARRAY[c.patient_id, c.doctor_id] || ARRAY(
           SELECT cm.user_id FROM conversation_members cm
            WHERE cm.conversation_id = c.id AND cm.user_id <> c.patient_id AND cm.user_id <> c.doctor_id
              AND (SELECT u.status FROM users u WHERE u.id = cm.user_id) = 'active'
            ORDER BY cm.user_id) AS member_ids
    FROM conversations c;

-- Staff, like patients and doctors, read a conversation only as its participants: their reads
-- are care, never an outside read. The outside-read indexes (0017, 0022) leave them out too,
-- with the predicate the access log and the oversight page are written with.
DROP INDEX audit_events_outside_reads;
CREATE INDEX audit_events_outside_reads ON audit_events (conversation_id, id)
  WHERE (actor_role IS NULL OR actor_role NOT IN ('PATIENT', 'DOCTOR', 'STAFF')) AND audit_action_shows_content(action);
DROP INDEX audit_events_outside_reads_at;
CREATE INDEX audit_events_outside_reads_at ON audit_events (at)
  WHERE (actor_role IS NULL OR actor_role NOT IN ('PATIENT', 'DOCTOR', 'STAFF')) AND audit_action_shows_content(action);
DROP INDEX audit_events_outside_reads_actor;
CREATE INDEX audit_events_outside_reads_actor ON audit_events (actor_id, at)
  WHERE (actor_role IS NULL OR actor_role NOT IN ('PATIENT', 'DOCTOR', 'STAFF')) AND audit_action_shows_content(action);
