//! One module per group of subcommands.

pub mod activity;
pub mod auth;
pub mod categories;
pub mod jobs;
pub mod keys;
pub mod placement;
pub mod rss;
pub mod rules;
pub mod servers;
pub mod torrents;
pub mod webhooks;
