//! The client against the real server, started in-process on a free
//! loopback port with a temporary SQLite database.

mod activity;
mod admin;
mod auth;
mod categories;
mod every_client;
mod fleet;
mod harness;
mod jobs;
mod keys;
mod placement;
mod rss;
mod rules;
mod servers;
mod sessions;
mod torrent_settings;
mod torrents;
mod webhooks;
