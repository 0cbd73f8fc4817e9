//! The metainfo store: every torrent added through the manager keeps its
//! .torrent, once per info hash, in the database. Uploads and URL adds keep
//! the bytes they brought; magnets get theirs from clients that can export
//! it, in the background (`export`), once the client has the metadata.

mod check;
pub mod export;

use tm_backends::TorrentSource;

use super::torrent_source::MAX_TORRENT_FILE;
use super::{Core, Error, Result, User, now_millis};

pub use check::{StoredTorrent, checked_metainfo};

impl Core {
    /// Loads which hashes are stored, before the first poll renders views.
    pub async fn load_metainfo_index(&self) -> Result<()> {
        let hashes = self.store().metainfo_hashes().await?;
        self.fleet().metainfo().extend(hashes);
        Ok(())
    }

    /// Keeps the .torrent of an add by `user` (nothing for a magnet: its
    /// metainfo is exported later). Never fails the add: a file that cannot
    /// be kept is logged.
    pub(super) async fn keep_metainfo(&self, user: &User, source: &TorrentSource) {
        let TorrentSource::File(bytes) = source else {
            return;
        };
        if let Err(error) = self.keep_file(user, bytes.clone()).await {
            tracing::warn!(%error, "could not keep a torrent's metainfo");
        }
    }

    async fn keep_file(&self, user: &User, bytes: Vec<u8>) -> Result<()> {
        let torrent = tokio::task::spawn_blocking(move || checked_metainfo(bytes, None)).await??;
        self.store_metainfo(&torrent, Some(&user.id)).await
    }

    /// Stores a checked .torrent (unless its hash is stored already) and
    /// marks it stored for the views.
    async fn store_metainfo(&self, torrent: &StoredTorrent, owner: Option<&str>) -> Result<()> {
        self.store()
            .put_metainfo(
                &torrent.info_hash,
                &torrent.name,
                &torrent.bytes,
                owner,
                now_millis(),
            )
            .await?;
        self.fleet().metainfo().extend([torrent.info_hash.clone()]);
        if let Err(error) = self
            .store()
            .announce_metainfo_stored(&torrent.info_hash)
            .await
        {
            // The others learn it at their next restart or reconnection.
            tracing::warn!(%error, "could not tell the other instances of a stored .torrent");
        }
        Ok(())
    }

    /// The stored .torrent of a torrent the user has on one of their
    /// servers (`server_id`: that one) or added through the manager, with
    /// its name.
    pub async fn torrent_metainfo(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<(String, Vec<u8>)> {
        let hash = tm_backends::magnet::parse_info_hash(hash.trim())
            .map_err(|e| Error::BadRequest(e.to_string()))?;
        let on_their_server = self.fleet().of_user(&user.id).iter().any(|poller| {
            server_id.is_none_or(|id| poller.spec().id == id) && poller.snapshot().contains(&hash)
        });
        if !on_their_server && !self.store().is_metainfo_owner(&hash, &user.id).await? {
            return Err(Error::TorrentNotFound);
        }
        let row = self.store().metainfo(&hash).await?.ok_or_else(|| {
            Error::NotFound("No metainfo is stored for this torrent (yet)".into())
        })?;
        Ok((row.name, row.data))
    }
}

/// Refuses what is over the upload limit before any parsing.
fn within_limit(bytes: &[u8]) -> Result<()> {
    if bytes.len() > MAX_TORRENT_FILE {
        return Err(Error::TooLarge(format!(
            "a .torrent file may be at most {} MiB",
            MAX_TORRENT_FILE / (1024 * 1024)
        )));
    }
    Ok(())
}
