-- What each torrent holds, for cross-seed candidates: fetched once per
-- (server, info hash) from the client and kept until the torrent leaves the
-- server. `content` is the hex SHA-256 of the file list (paths below the
-- torrent's top folder and sizes, sorted), so equal contents compare equal
-- whatever the torrent's name or trackers.
CREATE TABLE file_lists (
    server_id  TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    info_hash  TEXT NOT NULL,
    content    TEXT NOT NULL,
    file_count BIGINT NOT NULL,
    size       BIGINT NOT NULL,
    fetched_at BIGINT NOT NULL,
    PRIMARY KEY (server_id, info_hash)
);
CREATE INDEX file_lists_by_content ON file_lists (content);
