-- Web Push. A subscription is one browser's push address (endpoint and its public keys): it
-- carries no health data, and sending to it needs the VAPID private key, which is not in the
-- database. Removed when the push service answers 404 or 410.
CREATE TABLE push_subscriptions (
  id          uuid PRIMARY KEY,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  endpoint    text NOT NULL UNIQUE,
  p256dh      text NOT NULL,
  auth        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- Off by default: a lock screen shows "New secure message" and nothing about who wrote it.
ALTER TABLE users ADD COLUMN push_show_sender boolean NOT NULL DEFAULT false;

-- The outbox: written after a message commits for a recipient with no connected device,
-- worked off by every process (rows are leased), retried with backoff. One pending row per
-- device and conversation, so a burst collapses into one push.
CREATE TABLE push_outbox (
  id               bigserial PRIMARY KEY,
  subscription_id  uuid NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  sender_id        text NOT NULL,
  attempts         int NOT NULL DEFAULT 0,
  due_at           timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, conversation_id)
);
CREATE INDEX push_outbox_due ON push_outbox (due_at);

-- When each device was last pushed about each conversation: at most one push a minute.
CREATE TABLE push_sent (
  subscription_id  uuid NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  sent_at          timestamptz NOT NULL,
  PRIMARY KEY (subscription_id, conversation_id)
);
