//! Thin HTTP handlers: extract, call the core, shape the answer.

pub mod activity;
pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod categories;
pub mod events;
pub mod fleet;
pub mod health;
pub mod jobs;
pub mod metainfo;
pub mod placement;
pub mod rss;
pub mod rules;
pub mod server_files;
pub mod servers;
pub mod targets;
pub mod torrent_download;
pub mod torrent_settings;
pub mod torrents;
pub mod webhooks;
