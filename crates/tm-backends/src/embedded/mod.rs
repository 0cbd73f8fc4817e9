//! The torrent engine inside this process (librqbit), as the client kind
//! `embedded`: a fresh install downloads with no daemon.
//!
//! [`Engine::start`] runs a librqbit session on the caller's tokio runtime;
//! [`EngineHandle`] (a cheap clone) is what [`crate::Connection::Embedded`]
//! and [`crate::ServerSettings::engine`] carry; `connect` builds the adapter
//! on it, which calls the session directly (no HTTP hop). What the engine
//! has no place for (labels, added time, file priorities, magnets waiting
//! for metadata) the adapter keeps in a JSON file in the state directory.
//!
//! Without the cargo feature `embedded` the kind still exists, but starting
//! an engine or connecting to one answers that this build has none.

use std::net::IpAddr;
use std::path::PathBuf;

pub mod mapping;

#[cfg(feature = "embedded")]
mod adapter;
#[cfg(feature = "embedded")]
mod adding;
#[cfg(feature = "embedded")]
mod book;
#[cfg(feature = "embedded")]
mod engine;
#[cfg(feature = "embedded")]
mod removal;
#[cfg(feature = "embedded")]
mod removing;
#[cfg(feature = "embedded")]
mod space;
#[cfg(feature = "embedded")]
mod views;

#[cfg(feature = "embedded")]
pub(crate) use adapter::Embedded;
#[cfg(feature = "embedded")]
pub use engine::{Engine, EngineHandle};

#[cfg(not(feature = "embedded"))]
mod off;
#[cfg(not(feature = "embedded"))]
pub use off::{Engine, EngineHandle};

/// What this build says when asked for the engine without it.
pub const NOT_BUILT: &str = "this build has no embedded engine";

/// How to run the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineOptions {
    /// Where torrents download unless added with a save path; also the
    /// only directory data may be deleted from.
    pub download_dir: PathBuf,
    /// The engine's session (torrents, resume data) and torrent-manager's
    /// own file; torrents survive a restart on the same directory.
    pub state_dir: PathBuf,
    /// The peer port; `None`: any free one.
    pub listen_port: Option<u16>,
    /// The address peers reach it at; `None`: all addresses. Tests use a
    /// `127.0.0.x` of their own.
    pub listen_ip: Option<IpAddr>,
    /// The DHT (off in tests: it talks to the internet).
    pub dht: bool,
}

/// Starting the engine failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the embedded engine does not start: {0}")]
pub struct EngineError(pub String);
