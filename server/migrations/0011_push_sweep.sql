-- Push notices are queued after a message commits, off the send path, so a process that dies
-- between the two would lose the push. A sweep finds such messages again; push_queued_seq is
-- the last seq a push was queued for this participant, moved by the same statement that
-- queues it (on either path), so a message is pushed about once.
ALTER TABLE conversation_members ADD COLUMN push_queued_seq int NOT NULL DEFAULT 0;

-- Recent messages were pushed by the fast path before the sweep existed: without this, the
-- first sweep would push again about every one still undelivered. A week covers any window
-- the sweep can be given (PUSH_SWEEP_WINDOW_HOURS at most 168).
UPDATE conversation_members cm SET push_queued_seq = c.last_seq
  FROM conversations c
 WHERE c.id = cm.conversation_id AND c.activity_at > now() - interval '7 days' AND cm.last_delivered_seq < c.last_seq;
