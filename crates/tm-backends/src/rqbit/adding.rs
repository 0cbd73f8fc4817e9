//! Adding torrents over `POST /torrents` (a .torrent as bytes; a magnet's
//! .torrent fetched first by `POST /torrents/resolve_magnet`, so both land
//! in the folder their layout asks for), and rechecking one by adding it
//! again (rqbit checks data when a torrent is added and has no recheck).

use bytes::Bytes;

use super::Rqbit;
use super::meta::Meta;
use super::stopped;
use crate::client::source_hash;
use crate::embedded::mapping::{EngineState, StatsView};
use crate::error::{ErrorKind, Result};
use crate::model::{AddTorrent, TorrentSource};
use crate::rtorrent::paths::validate_save_path;
use crate::torrent_file::MetaInfo;

const TORRENT: &str = "application/x-bittorrent";

impl Rqbit {
    pub(super) async fn add_torrent(&self, torrent: AddTorrent) -> Result<String> {
        let hash = source_hash(&self.label, &torrent.source).await?;
        if !torrent.labels.is_empty() {
            return Err(self.error(ErrorKind::Unsupported(
                "rqbit has no labels, and torrent-manager keeps none for it".to_owned(),
            )));
        }
        let save = match &torrent.save_path {
            Some(path) => {
                Some(validate_save_path(path).map_err(|e| self.error(ErrorKind::Invalid(e)))?)
            }
            None => None,
        };
        if self.details(&hash).await?.is_some() {
            return Err(self.error(ErrorKind::Duplicate(hash)));
        }
        let bytes = match torrent.source {
            TorrentSource::File(bytes) => Bytes::from(bytes),
            TorrentSource::Magnet(uri) => self.resolve_magnet(&hash, uri).await?,
        };
        let info = self.parse(bytes.clone()).await?;
        let folder = match &save {
            Some(save) => Some(Meta::output_folder(&info, save).ok_or_else(|| {
                self.error(ErrorKind::Invalid(format!(
                    "the torrent's name {:?} is not a plain folder name",
                    info.name
                )))
            })?),
            // rqbit's own folder, with a folder of the torrent's name for
            // several files: the layout of the others.
            None => None,
        };
        self.post_torrent(bytes, folder, None).await?;
        self.meta.put(&hash, Meta::of(&info));
        if !torrent.start {
            self.pause_once_checked(&hash).await?;
        }
        Ok(hash)
    }

    /// Forgets the torrent (data kept) and adds it again from its own
    /// .torrent into the same folder, with the same selection, paused again
    /// when it was: rqbit checks the data as it adds it.
    pub(super) async fn readd_for_check(&self, hash: &str, stats: &StatsView) -> Result<()> {
        let (_, details) = self.require(hash).await?;
        let bytes = self
            .api
            .get_bytes(&format!("torrents/{hash}/metadata"))
            .await?
            .ok_or_else(|| self.error(ErrorKind::NotFound(hash.to_owned())))?;
        let (files, selected) = details.file_views();
        let only_files = (selected.len() < files.len()).then_some(selected);
        let paused = stopped(stats);
        self.act(hash, "forget").await?;
        self.post_torrent(bytes, Some(details.output_folder.clone()), only_files)
            .await
            .map_err(|e| {
                self.error(ErrorKind::Rejected(format!(
                    "re-adding for the check failed, the torrent is no longer in rqbit \
                     (its data is kept): {}",
                    e.kind
                )))
            })?;
        if paused {
            self.pause_once_checked(hash).await?;
        }
        Ok(())
    }

    /// Pauses a torrent just added. `POST /torrents` has no `paused`, and a
    /// pause while rqbit checks the data stops the check where it is (the
    /// torrent stays `initializing`), so the check is waited for, within
    /// the call's timeout; past it the torrent is paused mid-check and
    /// checks again when started.
    async fn pause_once_checked(&self, hash: &str) -> Result<()> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let stats = self
                .stats(hash)
                .await?
                .ok_or_else(|| self.error(ErrorKind::NotFound(hash.to_owned())))?;
            if stats.state != EngineState::Initializing || tokio::time::Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.act(hash, "pause").await
    }

    /// The .torrent of a magnet, fetched by rqbit from its peers within the
    /// call's timeout (rqbit lists no torrent before its metadata is known).
    async fn resolve_magnet(&self, hash: &str, uri: String) -> Result<Bytes> {
        let wait = self
            .timeout
            .saturating_sub(std::time::Duration::from_secs(2))
            .max(std::time::Duration::from_secs(1));
        let path = format!("torrents/resolve_magnet?timeout_ms={}", wait.as_millis());
        let bytes = self
            .api
            .post_for_bytes(&path, uri.into_bytes(), "text/plain")
            .await
            .map_err(|e| match e.kind {
                ErrorKind::Rejected(_) | ErrorKind::Timeout(_) => {
                    self.error(ErrorKind::Rejected(format!(
                        "rqbit adds a magnet only once its metadata came from peers, and it did \
                         not within {}s; rqbit keeps no magnet waiting (add it again later, or \
                         add the .torrent) ({})",
                        wait.as_secs(),
                        e.kind
                    )))
                }
                _ => e,
            })?;
        let info = self.parse(bytes.clone()).await?;
        if info.info_hash() != hash {
            return Err(self.error(ErrorKind::Malformed(
                "the metadata rqbit found is of another torrent".to_owned(),
            )));
        }
        Ok(bytes)
    }

    /// Parses a .torrent off the async workers.
    async fn parse(&self, bytes: Bytes) -> Result<MetaInfo> {
        tokio::task::spawn_blocking(move || crate::torrent_file::parse(&bytes))
            .await
            .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?
            .map_err(|e| self.error(ErrorKind::Invalid(format!("invalid .torrent file: {e}"))))
    }

    /// `POST /torrents` with the .torrent's bytes. Data already on disk is
    /// checked and kept (`overwrite`), as the other clients do.
    async fn post_torrent(
        &self,
        bytes: Bytes,
        folder: Option<String>,
        only_files: Option<Vec<usize>>,
    ) -> Result<()> {
        let path = {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("overwrite", "true");
            query.append_pair("is_url", "false");
            if let Some(folder) = &folder {
                query.append_pair("output_folder", folder);
            }
            if let Some(only) = only_files.filter(|o| !o.is_empty()) {
                let list: Vec<String> = only.iter().map(usize::to_string).collect();
                query.append_pair("only_files", &list.join(","));
            }
            format!("torrents?{}", query.finish())
        };
        self.api
            .post(&path, bytes.to_vec(), TORRENT)
            .await?
            .ok_or_else(|| self.error(ErrorKind::Rejected("torrents: not found".to_owned())))
    }
}
