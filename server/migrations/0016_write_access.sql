-- Who may write in a conversation, defined once here and read by every check (the send
-- statement, edits, reactions, uploads, the list's canMessage, the integration's notices).

-- An appointment that lets its patient and doctor talk: any that is not cancelled. The
-- partial index appointments_live_pair (0001) answers exactly this predicate.
CREATE VIEW live_appointments AS
  SELECT * FROM appointments WHERE status <> 'cancelled';

-- Each conversation's access facts (ConversationAccessRow) and why it may not be written in
-- now, NULL when it may: 'blocked' (either person blocked or deleted), 'no_appointment' (no
-- live appointment between them), 'erased' (its data key destroyed), the first that applies.
-- Taking part in it is the caller's check, as it is for reads. Scalar subqueries, not joins
-- or EXISTS: each is one index probe per conversation whatever the plan (a plan kept per
-- connection could otherwise hash a table it saw small), and a query that does not name
-- write_refusal does not run them.
CREATE VIEW conversation_access AS
  SELECT c.id, c.patient_id, c.doctor_id, c.wrapped_key, c.key_version, c.last_seq,
         CASE
           WHEN (SELECT u.status FROM users u WHERE u.id = c.patient_id) <> 'active'
             OR (SELECT u.status FROM users u WHERE u.id = c.doctor_id) <> 'active' THEN 'blocked'
           WHEN (SELECT true FROM live_appointments a WHERE a.patient_id = c.patient_id AND a.doctor_id = c.doctor_id
                  LIMIT 1) IS NULL THEN 'no_appointment'
           WHEN c.wrapped_key IS NULL OR c.expired_at IS NOT NULL THEN 'erased'
         END AS write_refusal
    FROM conversations c;
