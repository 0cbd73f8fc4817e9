-- The qBittorrent-compatible API (/api/v2). A category routes the torrents
-- added in it to one server (NULL: the user's default server) and save path
-- ('' : the server's own default). On clients without categories it is
-- carried as a label of the same name.
CREATE TABLE facade_categories (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    server_id TEXT NULL REFERENCES servers(id) ON DELETE SET NULL,
    save_path TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);

-- Share limits set through the facade, kept here for every client (most
-- have none of their own). -2: the global limit, -1: no limit; times in minutes.
CREATE TABLE share_limits (
    user_id                     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    server_id                   TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    info_hash                   TEXT NOT NULL,
    ratio_limit                 DOUBLE PRECISION NOT NULL,
    seeding_time_limit          BIGINT NOT NULL,
    inactive_seeding_time_limit BIGINT NOT NULL,
    PRIMARY KEY (user_id, server_id, info_hash)
);
