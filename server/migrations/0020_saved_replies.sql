-- Saved replies (issue #22): texts a clinician keeps to insert into the composer.
--
-- Two scopes. 'personal': one clinician's own (owner_id), managed by them in the app or by
-- the host platform. 'team': shared, read by every clinician and managed by the host platform
-- only. Care teams (issue #21) do not exist yet, so the team set is the organisation's one
-- set, owner_id null. When they come, a nullable team_id column names the team a 'team' row
-- belongs to (null staying the organisation-wide set), and the unique index below gains it:
-- an added column and a rebuilt index, not a new table.
CREATE TABLE saved_replies (
  id          uuid PRIMARY KEY,
  scope       text NOT NULL CHECK (scope IN ('personal', 'team')),
  owner_id    text REFERENCES users (id) ON DELETE CASCADE,
  name        text NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'personal') = (owner_id IS NOT NULL))
);

-- A name is unique within its set whatever its case: "/Labs" must find one reply. It also
-- serves the reads (a clinician's own set, the shared set), both by owner.
CREATE UNIQUE INDEX saved_replies_name ON saved_replies (scope, COALESCE(owner_id, ''), lower(name));
