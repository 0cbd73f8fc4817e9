//! The one async interface every adapter implements, and `connect`.

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{BackendConfig, ClientKind};
use crate::connection::Connection;
use crate::error::{BackendError, ErrorKind, Result};
use crate::model::{
    AddTorrent, ClientInfo, FilePriority, Peer, RemoveOutcome, Torrent, TorrentChanges,
    TorrentFile, Tracker, TransferChange, TransferSettings,
};
use crate::{deluge, qbittorrent, rqbit, rtorrent, transmission};

/// A torrent client. Hashes are accepted in any case and returned lower-case.
/// The optional operations answer [`ErrorKind::Unsupported`] unless the
/// adapter has them, so a minimal adapter is small; `probe` tells which
/// ones this client has.
#[async_trait]
pub trait TorrentClient: Send + Sync {
    fn kind(&self) -> ClientKind;

    /// `name (Kind at endpoint)`, as every error names the server.
    fn server_label(&self) -> &str;

    /// Checks the endpoint really is this client and finds its version and
    /// capabilities on the wire.
    async fn probe(&self) -> Result<ClientInfo>;

    /// Every torrent.
    async fn list(&self) -> Result<Vec<Torrent>>;

    /// Changes since the previous call on this client object (full list when
    /// the client cannot do deltas, or on the first call).
    async fn list_changes(&self) -> Result<TorrentChanges> {
        Ok(TorrentChanges {
            full: true,
            torrents: self.list().await?,
            removed: Vec::new(),
        })
    }

    /// One torrent, `None` when the client does not have it.
    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>>;

    /// The torrents among `info_hashes` the client has (one call where the
    /// client allows it).
    async fn get_many(&self, info_hashes: &[String]) -> Result<Vec<Torrent>> {
        let mut found = Vec::with_capacity(info_hashes.len());
        for hash in info_hashes {
            found.extend(self.get(hash).await?);
        }
        Ok(found)
    }

    /// Adds a torrent and returns its (lower-case) info hash.
    /// A torrent the client already has gives [`ErrorKind::Duplicate`].
    async fn add(&self, torrent: AddTorrent) -> Result<String>;

    async fn start(&self, info_hashes: &[String]) -> Result<()>;

    async fn stop(&self, info_hashes: &[String]) -> Result<()>;

    /// Removes a torrent, and its data when `delete_data`.
    async fn remove(&self, info_hash: &str, delete_data: bool) -> Result<RemoveOutcome>;

    /// Verifies the data on disk.
    async fn recheck(&self, _info_hashes: &[String]) -> Result<()> {
        Err(unsupported(self, "rechecking data"))
    }

    /// Asks the torrents' trackers for peers now, without waiting for the
    /// next announce (clients may still hold it back within the tracker's
    /// minimum interval).
    async fn reannounce(&self, _info_hashes: &[String]) -> Result<()> {
        Err(unsupported(self, "reannouncing"))
    }

    async fn files(&self, _info_hash: &str) -> Result<Vec<TorrentFile>> {
        Err(unsupported(self, "listing files"))
    }

    /// Sets priorities by file index.
    async fn set_file_priorities(
        &self,
        _info_hash: &str,
        _priorities: &[(usize, FilePriority)],
    ) -> Result<()> {
        Err(unsupported(self, "file priorities"))
    }

    async fn peers(&self, _info_hash: &str) -> Result<Vec<Peer>> {
        Err(unsupported(self, "listing peers"))
    }

    async fn trackers(&self, _info_hash: &str) -> Result<Vec<Tracker>> {
        Err(unsupported(self, "listing trackers"))
    }

    /// Replaces the torrent's labels.
    async fn set_labels(&self, _info_hash: &str, _labels: &[String]) -> Result<()> {
        Err(unsupported(self, "labels"))
    }

    /// Files the torrent in the client's own category (`None`: none), for
    /// clients whose capabilities say `category`.
    async fn set_category(&self, _info_hash: &str, _category: Option<&str>) -> Result<()> {
        Err(unsupported(self, "categories"))
    }

    /// Moves the torrent's data into `directory` (its new save path, already
    /// validated as absolute and normalised) through the client's own move,
    /// for clients whose capabilities say `move`. The torrent keeps its
    /// state; a failed move leaves it where it was.
    async fn move_data(&self, _info_hash: &str, _directory: &str) -> Result<()> {
        Err(unsupported(self, "moving data"))
    }

    /// The torrent's .torrent metainfo as the client holds it, for clients
    /// whose capabilities say `export_metainfo`. Unchecked: callers verify
    /// that its `info` hashes to the torrent's hash.
    async fn export_metainfo(&self, _info_hash: &str) -> Result<Vec<u8>> {
        Err(unsupported(self, "metainfo export"))
    }

    /// The torrent's own speed limits and bandwidth priority as the client
    /// holds them, for clients whose capabilities say `speed_limits` or
    /// `bandwidth_priority`.
    async fn transfer_settings(&self, _info_hash: &str) -> Result<TransferSettings> {
        Err(unsupported(self, "per-torrent speed limits or priority"))
    }

    /// Changes the torrent's own speed limits and bandwidth priority; a
    /// change the client cannot hold answers [`ErrorKind::Unsupported`]
    /// before anything is sent.
    async fn set_transfer_settings(&self, _info_hash: &str, _change: TransferChange) -> Result<()> {
        Err(unsupported(self, "per-torrent speed limits or priority"))
    }

    /// Bytes free in the client's default download directory, `None` when
    /// the client cannot tell.
    async fn free_space(&self) -> Result<Option<u64>> {
        Ok(None)
    }
}

/// What an optional operation answers on a client without it.
pub(crate) fn unsupported(client: &(impl TorrentClient + ?Sized), what: &str) -> BackendError {
    BackendError::new(
        client.server_label(),
        ErrorKind::Unsupported(format!("{} has no {what}", client.kind())),
    )
}

/// Builds the adapter for `config`'s connection: one entry per kind.
/// Nothing is sent yet: call `probe` to check it.
pub fn connect(config: &BackendConfig) -> Result<Arc<dyn TorrentClient>> {
    Ok(match &config.connection {
        Connection::Transmission { endpoint, login } => Arc::new(transmission::Transmission::new(
            config,
            endpoint,
            login.as_ref(),
        )?),
        Connection::Rtorrent(way) => Arc::new(rtorrent::Rtorrent::new(config, way)?),
        Connection::Qbittorrent { endpoint, auth } => {
            Arc::new(qbittorrent::Qbittorrent::new(config, endpoint, auth)?)
        }
        Connection::Deluge(way) => Arc::new(deluge::Deluge::new(config, way)?),
        Connection::Rqbit { endpoint, login } => {
            Arc::new(rqbit::Rqbit::new(config, endpoint, login.as_ref())?)
        }
        Connection::Relay(relay) => relay.client(),
        #[cfg(feature = "embedded")]
        Connection::Embedded(engine) => Arc::new(crate::embedded::Embedded::new(config, engine)),
        // No value of the handle exists in a build without the engine.
        #[cfg(not(feature = "embedded"))]
        Connection::Embedded(_) => {
            return Err(BackendError::new(
                config.server_label(),
                ErrorKind::Unsupported(crate::embedded::NOT_BUILT.to_owned()),
            ));
        }
    })
}

/// Validates a caller's v1 info hash (40 hex digits, any case) into lower case.
pub(crate) fn normalize_hash(server: &str, info_hash: &str) -> Result<String> {
    let trimmed = info_hash.trim();
    if trimmed.len() == 40 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(trimmed.to_ascii_lowercase())
    } else {
        Err(BackendError::new(
            server,
            ErrorKind::Invalid(format!("info hash {info_hash:?} must be 40 hex characters")),
        ))
    }
}

/// Hashes of an `AddTorrent`, computed locally so both clients behave alike.
pub(crate) async fn source_hash(
    server: &str,
    source: &crate::model::TorrentSource,
) -> Result<String> {
    Ok(source_hash_and_trackers(server, source).await?.0)
}

/// The info hash of an `AddTorrent` and the trackers it names. A .torrent
/// is parsed off the async workers: it may be large and hostile.
pub(crate) async fn source_hash_and_trackers(
    server: &str,
    source: &crate::model::TorrentSource,
) -> Result<(String, Vec<String>)> {
    use crate::model::TorrentSource;
    let invalid = |message: String| BackendError::new(server, ErrorKind::Invalid(message));
    match source {
        TorrentSource::Magnet(link) => crate::magnet::parse_magnet(link)
            .map(|m| (m.info_hash().to_owned(), m.trackers))
            .map_err(|e| invalid(e.to_string())),
        TorrentSource::File(bytes) => {
            let bytes = bytes.clone();
            tokio::task::spawn_blocking(move || {
                crate::torrent_file::parse(&bytes)
                    .map(|m| (m.info_hash().to_owned(), m.trackers))
                    .map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| invalid(format!("could not parse the .torrent file: {e}")))?
            .map_err(|e| invalid(format!("invalid .torrent file: {e}")))
        }
    }
}
