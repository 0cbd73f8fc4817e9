//! Torrent-client adapters (rTorrent, Transmission, qBittorrent, Deluge, rqbit
//! servers over HTTP, and the embedded librqbit engine: [`embedded`]) behind one async
//! interface, [`TorrentClient`], with one normalised [`model`] and one error
//! type, [`BackendError`] (match on [`ErrorKind`]).
//!
//! ```no_run
//! use std::time::Duration;
//! use tm_backends::{
//!     BackendConfig, Connection, HttpEndpoint, Login, Secret, TargetPolicy, Tls, connect,
//! };
//!
//! # async fn demo() -> Result<(), tm_backends::BackendError> {
//! let client = connect(&BackendConfig {
//!     name: "seedbox".into(),
//!     connection: Connection::Transmission {
//!         endpoint: HttpEndpoint {
//!             host: "127.0.0.1".into(),
//!             port: 9091,
//!             path: None, // the kind's default, `/transmission/rpc`
//!             tls: Tls::Off,
//!         },
//!         login: Some(Login {
//!             username: "user".into(),
//!             password: Secret::new("pass"),
//!         }),
//!     },
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
//! [`Connection::from_settings`] builds the connection from the flat record
//! the API and the database hold ([`ServerSettings`]).
//!
//! Also here: a lenient [`bencode`] decoder, [`torrent_file`] parsing with
//! v1/v2 info hashes of the raw bytes, and [`magnet`] links. Real daemons
//! for tests live in the `tm-testkit` crate.

mod client;
mod config;
mod connection;
mod deluge;
pub mod egress;
pub mod embedded;
mod error;
mod http;
mod qbittorrent;
mod relay;
mod rqbit;
mod rtorrent;
/// Deluge's daemon transport alone, for its integration test; not an API.
#[doc(hidden)]
pub use deluge::DelugeNative;
mod transmission;

// The decoders and the model live in `tm-wire` (no I/O); their paths stay.
pub use tm_wire::{bencode, dir_listing, feed, magnet, model, torrent_file, tracker_health};

pub use client::{TorrentClient, connect};
pub use config::{BackendConfig, ClientKind, Secret, Transport};
pub use connection::{
    Connection, DelugeConnection, HttpEndpoint, Login, NotReachedOver, QbittorrentAuth,
    RtorrentConnection, ServerSettings, Tls,
};
pub use egress::TargetPolicy;
pub use embedded::{Engine, EngineError, EngineHandle, EngineOptions};
pub use error::{BackendError, ErrorKind, Result};
pub use model::{
    AddTorrent, BandwidthPriority, Capabilities, ClientInfo, DataRemoval, FileIssue, FilePriority,
    FileReport, Peer, RemoveOutcome, Torrent, TorrentChanges, TorrentErrorKind, TorrentFile,
    TorrentSource, TorrentState, Tracker, TrackerHealth, TrackerStatus, TransferChange,
    TransferSettings, tracker_host,
};
pub use relay::Relay;

/// Calls rTorrent's `method` with string parameters the way other front ends
/// do (e.g. ruTorrent's `d.directory_base.set`); the answer as debug text.
/// For `tm-testkit`'s real-daemon tests; not part of the adapter interface.
#[doc(hidden)]
pub async fn rtorrent_call(
    config: &BackendConfig,
    method: &str,
    params: &[&str],
) -> std::result::Result<String, String> {
    use rtorrent::{rpc::RtorrentRpc, xmlrpc::Value};
    let Connection::Rtorrent(way) = &config.connection else {
        return Err(format!("{} is not rTorrent", config.name));
    };
    let rpc = RtorrentRpc::new(config, way, "testkit").map_err(|e| e.to_string())?;
    let params: Vec<Value> = params.iter().map(|p| Value::from(*p)).collect();
    rpc.call(method, &params)
        .await
        .map(|answer| format!("{answer:?}"))
        .map_err(|e| e.to_string())
}

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
