-- A participant's access log ("Who else read this") shows only reads of the conversation's
-- content. Until now it showed every outside event naming the conversation, so an admin's
-- list of conversations (audited as one 'admin.conversations.list' row per conversation
-- listed, for a preview the list showed) read as "Ada Admin read this" for each of them.
-- Audit rows are never edited (the hash chain covers them): the old rows stay as they are,
-- and this classification leaves them out instead.

-- The actions that show a conversation's content: its messages, their earlier versions, its
-- files, its record export. 'admin.conversations.read' showed the last message's preview
-- until this migration; the admin's view of one conversation is 'admin.conversations.view'
-- since, and shows none. Listing, holds, shredding and blocks are acts, not reads.
-- A new kind of read is added here (CREATE OR REPLACE, then REINDEX the index below).
CREATE FUNCTION audit_action_shows_content(action text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT action IN (
    'conversations.read', 'messages.read', 'messages.sync', 'attachments.download', 'attachments.thumbnail',
    'admin.conversations.read', 'admin.messages.read', 'admin.messages.history', 'admin.conversation.export',
    'admin.attachments.download', 'admin.attachments.thumbnail')
$$;

-- The access log's rows only: outside reads of content. Same predicate as its query (OUTSIDE_ACCESS).
DROP INDEX audit_events_outside;
CREATE INDEX audit_events_outside_reads ON audit_events (conversation_id, id)
  WHERE (actor_role IS NULL OR actor_role NOT IN ('PATIENT', 'DOCTOR')) AND audit_action_shows_content(action);
