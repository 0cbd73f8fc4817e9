//! Torrent-client adapters (rTorrent, Transmission, Deluge) behind one async
//! interface, [`TorrentClient`], with one normalised [`model`] and one error
//! type, [`BackendError`] (match on [`ErrorKind`]).
//!
//! ```no_run
//! use std::time::Duration;
//! use tm_backends::{BackendConfig, ClientKind, Secret, TargetPolicy, Transport, connect};
//!
//! # async fn demo() -> Result<(), tm_backends::BackendError> {
//! let client = connect(&BackendConfig {
//!     name: "seedbox".into(),
//!     kind: ClientKind::Transmission,
//!     host: "127.0.0.1".into(),
//!     port: 9091,
//!     username: Some("user".into()),
//!     password: Some(Secret::new("pass")),
//!     rpc_path: None,
//!     use_ssl: false,
//!     transport: Transport::Http,
//!     accept_invalid_certs: false,
//!     timeout: Duration::from_secs(10),
//!     egress: TargetPolicy::unrestricted(),
//! })?;
//! let info = client.probe().await?;
//! for torrent in client.list().await? {
//!     println!("{} {} {:?} {:.1}%", info.client, torrent.name, torrent.state, torrent.progress);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Also here: a lenient [`bencode`] decoder, [`torrent_file`] parsing with
//! v1/v2 info hashes of the raw bytes, [`magnet`] links, and (feature
//! `testkit`) real daemons for integration tests.

pub mod bencode;
mod client;
mod config;
mod deluge;
pub mod egress;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod http;
pub mod magnet;
pub mod model;
mod qbittorrent;
mod rtorrent;
#[cfg(feature = "testkit")]
pub mod testkit;
/// Deluge's daemon transport alone, for its integration test; not an API.
#[doc(hidden)]
pub use deluge::DelugeNative;
pub mod torrent_file;
mod transmission;

pub use client::{TorrentClient, connect};
pub use config::{BackendConfig, ClientKind, Secret, Transport};
pub use egress::TargetPolicy;
pub use error::{BackendError, ErrorKind, Result};
pub use model::{
    AddTorrent, Capabilities, ClientInfo, DataRemoval, FileIssue, FilePriority, FileReport, Peer,
    RemoveOutcome, Torrent, TorrentChanges, TorrentErrorKind, TorrentFile, TorrentSource,
    TorrentState, Tracker, TrackerStatus, tracker_host,
};

/// What each adapter's `list()` asks its client for, so that a benchmark can
/// send the very same request directly.
pub mod list_request {
    /// The `fields` of Transmission's `torrent-get`.
    pub const TRANSMISSION_FIELDS: &[&str] = &crate::transmission::mapping::TORRENT_FIELDS;
    /// The commands of rTorrent's `d.multicall2`.
    pub const RTORRENT_COMMANDS: &[&str] = &crate::rtorrent::mapping::TORRENT_FIELDS;
    /// The fields of Deluge's `core.get_torrents_status` (qBittorrent's
    /// `torrents/info` takes no field list).
    pub const DELUGE_FIELDS: &[&str] = &crate::deluge::mapping::TORRENT_FIELDS;
}
