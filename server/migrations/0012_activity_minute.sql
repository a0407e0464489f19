-- Every send updates its conversation's row (seq, rev, activity). With activity_at indexed,
-- each of those updates wrote a new entry into every index of the table and left them to
-- be cleaned up: about an eighth of PostgreSQL's CPU per send. Indexed instead is the
-- minute of activity_at, which a send changes at most once a minute; the other updates leave
-- every indexed column as it was and stay on their page (HOT updates), with room kept for
-- them by a lower fill factor. Lists still order by activity_at exactly: by the minute
-- through this index, then by activity_at within it.
ALTER TABLE conversations SET (fillfactor = 80);
ALTER TABLE conversations
  ADD COLUMN activity_minute timestamptz
  GENERATED ALWAYS AS (date_trunc('minute', activity_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') STORED;
DROP INDEX conversations_activity;
CREATE INDEX conversations_activity_minute ON conversations (activity_minute DESC);
