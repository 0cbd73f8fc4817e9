-- The metainfo store: each torrent's .torrent file, once per info hash
-- (v1 hash, or the v2 hash truncated to 40 digits), as uploaded, fetched
-- from a URL or exported by the client that fetched a magnet's metadata.
-- `data` is BYTEA (SQLite stores any BLOB under that name).
CREATE TABLE metainfo (
    info_hash  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    data       BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

-- Users who added a torrent through the manager keep access to its
-- metainfo even once the torrent left their servers.
CREATE TABLE metainfo_owners (
    info_hash TEXT NOT NULL REFERENCES metainfo(info_hash) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (info_hash, user_id)
);
CREATE INDEX metainfo_owners_by_user ON metainfo_owners (user_id);
