-- Whether an admin lets this (non-admin) user make the service contact
-- loopback, private and link-local addresses and unix sockets.
ALTER TABLE users ADD COLUMN allow_private_targets BOOLEAN NOT NULL DEFAULT FALSE;
