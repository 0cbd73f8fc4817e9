-- Automation rules. The condition tree, the actions and the server ids are
-- JSON text (checked by the server when saved); an empty server list means
-- every server of the user.
CREATE TABLE rules (
    id                   TEXT PRIMARY KEY,
    user_id              TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    enabled              BOOLEAN NOT NULL,
    server_ids           TEXT NOT NULL,
    conditions           TEXT NOT NULL,
    actions              TEXT NOT NULL,
    interval_seconds     BIGINT NOT NULL,
    max_removals_per_run BIGINT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX rules_by_user ON rules (user_id);

-- What rules did: the record behind at-most-once (an action `done` on a
-- torrent is not done again by the same rule) and `GET /rules/{id}/history`.
-- Not tied to servers: the record outlives a deleted server.
CREATE TABLE rule_actions (
    id        TEXT PRIMARY KEY,
    rule_id   TEXT NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
    server_id TEXT NOT NULL,
    info_hash TEXT NOT NULL,
    action    TEXT NOT NULL,
    at        BIGINT NOT NULL,
    outcome   TEXT NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX rule_actions_by_torrent ON rule_actions (rule_id, server_id, info_hash, action);
CREATE INDEX rule_actions_by_time ON rule_actions (rule_id, at);
