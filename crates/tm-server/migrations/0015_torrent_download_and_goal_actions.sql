-- Where the HTTP file location's root is on the client's side: the
-- directory (as the client names save paths) that http_path serves, so a
-- torrent's files map onto download URLs. NULL: no mapping.
ALTER TABLE servers ADD COLUMN http_download_root TEXT NULL;

-- What reaching a seeding goal does: 'stop', 'remove' (the torrent, data
-- kept) or 'remove_with_data'.
ALTER TABLE share_limits ADD COLUMN action TEXT NOT NULL DEFAULT 'stop';
