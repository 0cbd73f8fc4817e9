-- Jobs: long-running work a request starts and the user follows afterwards
-- (today: moving a torrent with its data to another server).
CREATE TABLE jobs (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    state          TEXT NOT NULL,
    phase          TEXT NOT NULL,
    info_hash      TEXT NOT NULL,
    name           TEXT NOT NULL,
    from_server_id TEXT NOT NULL,
    to_server_id   TEXT NOT NULL,
    save_path      TEXT,
    remove_source  BOOLEAN NOT NULL,
    delete_data    BOOLEAN NOT NULL,
    size           BIGINT NOT NULL,
    progress       DOUBLE PRECISION NOT NULL,
    download_rate  BIGINT NOT NULL,
    message        TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    finished_at    BIGINT
);

CREATE INDEX jobs_by_user ON jobs (user_id, created_at);

-- One running job per torrent and user: a second move of it is refused.
CREATE UNIQUE INDEX jobs_one_running ON jobs (user_id, info_hash) WHERE state = 'running';
