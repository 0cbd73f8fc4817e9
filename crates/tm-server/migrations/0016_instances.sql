-- Instances sharing a PostgreSQL database split the servers between them:
-- each server is polled by the one instance holding its lease, the others
-- follow its torrents through server_snapshots and server_deltas. On SQLite
-- (one process, which owns every server) these tables stay empty.

-- Every running process, by a random id made at its start.
CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    heartbeat_at BIGINT NOT NULL
);

-- A table of its own rather than columns of servers: an instance renews all
-- its leases every few seconds, which then touches these small rows only,
-- never the servers' settings (whose updated_at is their version).
CREATE TABLE server_leases (
    server_id  TEXT PRIMARY KEY REFERENCES servers(id) ON DELETE CASCADE,
    owner      TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX server_leases_by_owner ON server_leases (owner);

-- The owner's complete view of a server (its torrents and health) as of
-- delta `seq`: where another instance starts, or restarts after a gap.
CREATE TABLE server_snapshots (
    server_id  TEXT PRIMARY KEY REFERENCES servers(id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    body       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What changed on a server, in order; kept for a few minutes.
CREATE TABLE server_deltas (
    server_id  TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (server_id, seq)
);
