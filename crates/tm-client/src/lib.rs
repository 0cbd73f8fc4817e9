//! Async Rust client of the torrent-manager REST API.
//!
//! Requests and answers are the server's own types from `tm-api-types`,
//! re-exported here, so the wire format has one definition. Errors are one
//! enum, [`Error`], built from the server's `{"detail": ...}` answers.
//!
//! ```no_run
//! use tm_client::{Client, TorrentQuery};
//!
//! # async fn run() -> Result<(), tm_client::Error> {
//! let client = Client::new("http://127.0.0.1:8144")?;
//! client.login("alice", "correct horse battery", false).await?;
//! for server in client.list_servers().await? {
//!     println!("{} ({}): {:?}", server.name, server.server_type.as_str(), server.status);
//! }
//! let seeding = TorrentQuery {
//!     state: Some("seeding".into()),
//!     ..Default::default()
//! };
//! let page = client.list_torrents(&seeding).await?;
//! println!("{} torrents seeding", page.total);
//! # Ok(()) }
//! ```

mod activity;
mod admin;
mod auth;
mod categories;
mod client;
mod error;
mod files;
mod fleet;
mod jobs;
mod metainfo;
mod placement;
mod rss;
mod rules;
mod servers;
mod torrent_settings;
mod torrents;
mod webhooks;

pub use client::{Client, ClientBuilder, DEFAULT_URL};
pub use error::{ApiError, Error};
pub use files::Downloaded;
pub use tm_api_types::*;
pub use torrents::{TorrentPage, TorrentUpload, UploadOptions};

/// Compiles the examples of README.md.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
