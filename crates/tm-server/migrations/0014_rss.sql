-- RSS feeds: polled on their own interval (next_check_at), fetched with
-- conditional requests (etag, last_modified); `filter` is JSON.
-- `server_id` is a server id or "auto" (placement), not a foreign key: a
-- deleted server makes the feed's adds fail, visibly.
CREATE TABLE rss_feeds (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    url              TEXT NOT NULL,
    server_id        TEXT NOT NULL,
    delay_hours      BIGINT NOT NULL,
    enabled          BOOLEAN NOT NULL,
    interval_minutes BIGINT NOT NULL,
    filter           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    next_check_at    BIGINT NOT NULL,
    last_checked_at  BIGINT NULL,
    last_success_at  BIGINT NULL,
    last_error       TEXT NULL,
    last_item_count  BIGINT NULL,
    etag             TEXT NULL,
    last_modified    TEXT NULL
);
CREATE INDEX rss_feeds_by_user ON rss_feeds (user_id, created_at);
CREATE INDEX rss_feeds_due ON rss_feeds (enabled, next_check_at);

-- Every item seen in a feed, once (by guid, else link); `episode` is the
-- normalised "show|episode" of the smart episode filter.
CREATE TABLE rss_items (
    id              TEXT PRIMARY KEY,
    feed_id         TEXT NOT NULL REFERENCES rss_feeds(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    title           TEXT NOT NULL,
    guid            TEXT NOT NULL,
    link            TEXT NULL,
    uri             TEXT NULL,
    size            BIGINT NULL,
    published_at    BIGINT NULL,
    episode         TEXT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NULL,
    info_hash       TEXT NULL,
    server_id       TEXT NULL,
    detected_at     BIGINT NOT NULL,
    next_attempt_at BIGINT NULL,
    added_at        BIGINT NULL,
    last_error      TEXT NULL,
    attempt_count   BIGINT NOT NULL,
    UNIQUE (feed_id, guid)
);
CREATE INDEX rss_items_by_user ON rss_items (user_id, detected_at);
CREATE INDEX rss_items_due ON rss_items (status, next_attempt_at);
CREATE INDEX rss_items_episode ON rss_items (feed_id, episode);
