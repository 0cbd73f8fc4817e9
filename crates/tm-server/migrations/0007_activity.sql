-- The activity log: every change to a torrent or server, and (the admins'
-- audit log) to accounts, API keys and instance settings. Rows outlive what
-- they name (no foreign keys): a removed torrent or deleted user keeps its
-- history until the retention setting prunes it. Times are unix ms.
CREATE TABLE activity (
    id            TEXT PRIMARY KEY,
    at            BIGINT NOT NULL,
    -- The user whose torrent, server or account it concerns.
    owner_id      TEXT NULL,
    scope         TEXT NOT NULL,
    action        TEXT NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor_name    TEXT NOT NULL,
    actor_user_id TEXT NULL,
    -- The rule's id for a rule, the username for a key or the facade.
    actor_detail  TEXT NULL,
    server_id     TEXT NULL,
    server_name   TEXT NULL,
    info_hash     TEXT NULL,
    torrent_name  TEXT NULL,
    outcome       TEXT NOT NULL,
    message       TEXT NOT NULL
);
CREATE INDEX activity_owner_at ON activity (owner_id, at);
CREATE INDEX activity_scope_at ON activity (scope, at);
CREATE INDEX activity_server_at ON activity (server_id, at);
CREATE INDEX activity_hash_at ON activity (info_hash, at);
CREATE INDEX activity_at ON activity (at);
