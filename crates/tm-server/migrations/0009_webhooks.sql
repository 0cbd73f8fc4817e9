-- Webhooks: per-user URLs that lifecycle events are POSTed to. `events` is
-- a JSON list of event names (empty: every event); `secret` is the HMAC key,
-- encrypted like the client passwords.
CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhooks_by_user ON webhooks (user_id);

-- Every attempt to deliver an event; the newest 200 per webhook are kept.
CREATE TABLE webhook_deliveries (
    id          TEXT PRIMARY KEY,
    webhook_id  TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event       TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    at          BIGINT NOT NULL,
    attempt     BIGINT NOT NULL,
    ok          BOOLEAN NOT NULL,
    status_code BIGINT NULL,
    error       TEXT NULL,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, at);
