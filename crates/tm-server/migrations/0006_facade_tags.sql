-- Tags created through the qBittorrent-compatible API (`createTags`) before
-- any torrent carries them; qBittorrent lists such tags too. Tags that
-- torrents carry are their labels and are not stored here.
CREATE TABLE facade_tags (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);
