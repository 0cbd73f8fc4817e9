-- Placement on add: each user's ordered placement rules (JSON list) and,
-- per round_robin rule name, the server it chose last (JSON object).
CREATE TABLE placement_rules (
    user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    rules       TEXT NOT NULL,
    round_robin TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
