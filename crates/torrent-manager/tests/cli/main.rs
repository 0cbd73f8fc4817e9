//! The `torrent-manager` binary's client commands, run as a user runs them,
//! against the real server started in-process on a free loopback port.

mod activity;
mod auth;
mod categories;
mod engine;
mod every_client;
mod files;
mod fleet;
mod harness;
mod jobs;
mod keys;
mod listing;
mod placement;
mod rss;
mod rules;
mod selectors;
mod servers;
mod torrent_download;
mod torrent_settings;
mod torrents;
mod usage;
mod webhooks;
