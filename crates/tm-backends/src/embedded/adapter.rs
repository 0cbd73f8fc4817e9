//! The `embedded` client: [`TorrentClient`] on the in-process librqbit
//! session (no HTTP hop).
//!
//! Where the engine falls short, and what the adapter does about it:
//! - labels, the time added and file priorities are kept in the book
//!   (`book.rs`); the engine only selects files, so `high` and `low` are
//!   remembered and shown but download like `normal`;
//! - a magnet only enters the engine with its metadata: until then the
//!   adapter lists it (state `metadata`) and fetches the metadata in the
//!   background once started;
//! - recheck: the engine checks the data when a torrent is added, so a
//!   recheck forgets the torrent (data kept) and adds it again, in the same
//!   folder, selection and paused state;
//! - reannounce: no announce-now; a live torrent is paused and resumed,
//!   which announces again (its peers reconnect);
//! - data deletion goes through `removal.rs`, never the engine's own;
//! - per-peer progress and rates and tracker status are not reported by
//!   the engine (0 and `not_contacted`).

use std::collections::HashSet;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use librqbit::ManagedTorrent;
use librqbit::api::TorrentIdOrHash;
use librqbit::dht::Id20;

use super::book::{Entry, PendingMagnet};
use super::engine::EngineHandle;
use super::mapping::{self, Kept, Layout, TorrentView};
use super::views;
use crate::client::{TorrentClient, normalize_hash};
use crate::config::{BackendConfig, ClientKind};
use crate::error::{BackendError, ErrorKind, Result};
use crate::model::{
    AddTorrent as Add, ClientInfo, FilePriority, LabelSupport, Peer, RemoveOutcome, Torrent,
    TorrentFile, Tracker, TrackerStatus,
};

type Handle = Arc<ManagedTorrent>;

pub(crate) struct Embedded {
    pub(super) engine: EngineHandle,
    pub(super) label: String,
    /// How long a call may wait for the engine (a check to finish).
    timeout: std::time::Duration,
    /// The owner's egress policy: the engine announces from this machine.
    pub(super) egress: crate::egress::TargetPolicy,
}

impl Embedded {
    pub(crate) fn new(config: &BackendConfig, engine: &EngineHandle) -> Self {
        Self {
            engine: engine.clone(),
            label: config.server_label(),
            timeout: config.timeout,
            egress: config.egress,
        }
    }

    pub(super) fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.label, kind)
    }

    pub(super) fn rejected(&self, e: impl std::fmt::Display) -> BackendError {
        self.error(ErrorKind::Rejected(e.to_string()))
    }

    pub(super) fn session(&self) -> Result<Arc<librqbit::Session>> {
        self.engine
            .session()
            .map_err(|e| self.error(ErrorKind::Refused(e)))
    }

    /// The torrent in the engine, `None` when it is not there or not in
    /// this view's share of the engine.
    pub(super) async fn find(&self, hash: &str) -> Result<(String, Option<Handle>)> {
        let hash = normalize_hash(&self.label, hash)?;
        let id =
            Id20::from_str(&hash).map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
        let found = self.session()?.get(TorrentIdOrHash::Hash(id));
        if found.is_some() && !self.sees(&self.engine.0.book.get(&hash).await) {
            return Ok((hash, None));
        }
        Ok((hash, found))
    }

    /// Whether this view shows a torrent: a user's share shows what that
    /// user added, the whole engine everything.
    pub(super) fn sees(&self, entry: &Entry) -> bool {
        self.engine
            .user()
            .is_none_or(|user| entry.owner.as_deref() == Some(user))
    }

    pub(super) async fn require(&self, hash: &str) -> Result<(String, Handle)> {
        match self.find(hash).await? {
            (hash, Some(handle)) => Ok((hash, handle)),
            (hash, None) => Err(self.error(ErrorKind::NotFound(hash))),
        }
    }

    /// Every hash either in the engine or a magnet waiting, else `NotFound`
    /// (checked before anything changes).
    pub(super) async fn targets(&self, hashes: &[String]) -> Result<Vec<(String, Option<Handle>)>> {
        let mut found = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let (hash, handle) = self.find(hash).await?;
            if handle.is_none() && self.waiting_magnet(&hash).await.is_none() {
                return Err(self.error(ErrorKind::NotFound(hash)));
            }
            found.push((hash, handle));
        }
        Ok(found)
    }

    /// The magnet `hash` waiting for its metadata in this view, if any.
    pub(super) async fn waiting_magnet(&self, hash: &str) -> Option<(Entry, PendingMagnet)> {
        let entry = self.engine.0.book.get(hash).await;
        let magnet = entry.magnet.clone().filter(|_| self.sees(&entry))?;
        Some((entry, magnet))
    }

    fn model(&self, handle: &ManagedTorrent, entry: &Entry) -> Result<Torrent> {
        let stats = views::stats(handle, false).map_err(|e| self.error(ErrorKind::Malformed(e)))?;
        Ok(mapping::torrent(
            &views::torrent(handle),
            &stats,
            &kept(entry),
        ))
    }

    pub(super) fn waiting(&self, hash: &str, entry: &Entry, magnet: &PendingMagnet) -> Torrent {
        let folder = magnet
            .save_path
            .clone()
            .unwrap_or_else(|| self.download_dir().display().to_string());
        let view = TorrentView {
            info_hash: hash.to_owned(),
            name: magnet.name.clone(),
            output_folder: folder,
            layout: Layout::Unknown,
            private: false,
            trackers: magnet.trackers.clone(),
        };
        mapping::resolving(
            &view,
            magnet.start,
            self.engine.magnet_error(hash),
            &kept(entry),
        )
    }

    /// Where this view's torrents go unless added elsewhere inside it, and
    /// the only folder their data may be deleted from: the engine's
    /// download dir, or for a user's share `users/<id>` below it.
    pub(super) fn download_dir(&self) -> PathBuf {
        let base = &self.engine.0.options.download_dir;
        match self.engine.user() {
            Some(user) => base.join("users").join(user),
            None => base.clone(),
        }
    }

    pub(super) async fn book(&self, hash: &str, change: impl FnOnce(&mut Entry)) -> Result<()> {
        self.engine
            .0
            .book
            .update(hash, change)
            .await
            .map_err(|e| self.error(ErrorKind::Rejected(e)))
    }

    pub(super) async fn forget(&self, hash: &str) -> Result<()> {
        self.engine
            .0
            .book
            .remove(hash)
            .await
            .map_err(|e| self.error(ErrorKind::Rejected(e)))
    }

    pub(super) fn all_handles(&self) -> Result<Vec<Handle>> {
        Ok(self
            .session()?
            .with_torrents(|torrents| torrents.map(|(_, t)| t.clone()).collect()))
    }
}

fn kept(entry: &Entry) -> Kept {
    Kept {
        labels: entry.labels.clone(),
        added_at: entry.added_at,
    }
}

#[async_trait]
impl TorrentClient for Embedded {
    fn kind(&self) -> ClientKind {
        ClientKind::Embedded
    }

    fn server_label(&self) -> &str {
        &self.label
    }

    async fn probe(&self) -> Result<ClientInfo> {
        let session = self.session()?;
        let name = session.client_name_and_version();
        let version = name.strip_prefix("rqbit ").unwrap_or(name);
        Ok(ClientInfo {
            client: ClientKind::Embedded,
            version: format!("librqbit {version}"),
            api_version: None,
            capabilities: mapping::capabilities(LabelSupport::Many),
        })
    }

    async fn list(&self) -> Result<Vec<Torrent>> {
        let book = self.engine.0.book.all().await;
        let empty = Entry::default();
        let mut torrents = Vec::new();
        let mut seen = HashSet::new();
        for handle in self.all_handles()? {
            let hash = handle.info_hash().as_string();
            let entry = book.get(&hash).unwrap_or(&empty);
            if self.sees(entry) {
                torrents.push(self.model(&handle, entry)?);
            }
            seen.insert(hash);
        }
        for (hash, entry) in &book {
            if let Some(magnet) = &entry.magnet
                && !seen.contains(hash)
                && self.sees(entry)
            {
                torrents.push(self.waiting(hash, entry, magnet));
            }
        }
        Ok(torrents)
    }

    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>> {
        let (hash, handle) = self.find(info_hash).await?;
        if let Some(handle) = handle {
            let entry = self.engine.0.book.get(&hash).await;
            return self.model(&handle, &entry).map(Some);
        }
        Ok(self
            .waiting_magnet(&hash)
            .await
            .map(|(entry, magnet)| self.waiting(&hash, &entry, &magnet)))
    }

    async fn add(&self, torrent: Add) -> Result<String> {
        self.add_torrent(torrent).await
    }

    async fn start(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, handle) in self.targets(info_hashes).await? {
            match handle {
                Some(handle) if handle.is_paused() || views::failed(&handle) => {
                    self.session()?
                        .unpause(&handle)
                        .await
                        .map_err(|e| self.rejected(format!("{e:#}")))?;
                }
                Some(_) => {}
                None => {
                    let mut magnet = None;
                    self.book(&hash, |e| {
                        if let Some(m) = e.magnet.as_mut() {
                            m.start = true;
                            magnet = Some(m.clone());
                        }
                    })
                    .await?;
                    if let Some(magnet) = magnet {
                        self.engine.forget_magnet(&hash);
                        self.engine.resolve(hash, magnet);
                    }
                }
            }
        }
        Ok(())
    }

    async fn stop(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, handle) in self.targets(info_hashes).await? {
            match handle {
                Some(handle) if !handle.is_paused() && !views::failed(&handle) => {
                    self.session()?
                        .pause(&handle)
                        .await
                        .map_err(|e| self.rejected(format!("{e:#}")))?;
                }
                Some(_) => {}
                None => {
                    self.engine.forget_magnet(&hash);
                    self.book(&hash, |e| {
                        if let Some(m) = e.magnet.as_mut() {
                            m.start = false;
                        }
                    })
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn remove(&self, info_hash: &str, delete_data: bool) -> Result<RemoveOutcome> {
        self.remove_torrent(info_hash, delete_data).await
    }

    async fn recheck(&self, info_hashes: &[String]) -> Result<()> {
        self.recheck_torrents(info_hashes).await
    }

    async fn reannounce(&self, info_hashes: &[String]) -> Result<()> {
        for (_, handle) in self.targets(info_hashes).await? {
            if let Some(handle) = handle
                && handle.live().is_some()
            {
                self.session()?
                    .pause(&handle)
                    .await
                    .map_err(|e| self.rejected(format!("{e:#}")))?;
                self.session()?
                    .unpause(&handle)
                    .await
                    .map_err(|e| self.rejected(format!("{e:#}")))?;
            }
        }
        Ok(())
    }

    async fn files(&self, info_hash: &str) -> Result<Vec<TorrentFile>> {
        let (hash, handle) = self.require(info_hash).await?;
        let stats = views::stats(&handle, true).map_err(|e| self.error(ErrorKind::Malformed(e)))?;
        let entry = self.engine.0.book.get(&hash).await;
        Ok(mapping::files(
            &views::files(&handle),
            &stats.file_progress,
            handle.only_files().as_deref(),
            &entry.priorities,
        ))
    }

    async fn set_file_priorities(
        &self,
        info_hash: &str,
        priorities: &[(usize, FilePriority)],
    ) -> Result<()> {
        let (hash, handle) = self.require(info_hash).await?;
        let count = views::files(&handle).len();
        if let Some((index, _)) = priorities.iter().find(|(i, _)| *i >= count) {
            return Err(self.error(ErrorKind::Invalid(format!(
                "file index {index} out of range (the torrent has {count} files)"
            ))));
        }
        let selected = mapping::selection(count, handle.only_files().as_deref(), priorities);
        let selected: HashSet<usize> = selected.into_iter().collect();
        // The engine changes the selection only once the data is checked.
        match tokio::time::timeout(self.timeout, handle.wait_until_initialized()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(self.rejected(format!("{e:#}"))),
            Err(_) => {
                return Err(self.error(ErrorKind::Rejected(format!(
                    "the torrent is still checking its data after {:?}; try again later",
                    self.timeout
                ))));
            }
        }
        self.session()?
            .update_only_files(&handle, &selected)
            .await
            .map_err(|e| self.rejected(format!("{e:#}")))?;
        self.book(&hash, |e| {
            for (index, priority) in priorities {
                match priority {
                    FilePriority::High | FilePriority::Low => {
                        e.priorities.insert(*index, *priority);
                    }
                    FilePriority::Normal | FilePriority::Skip => {
                        e.priorities.remove(index);
                    }
                }
            }
        })
        .await
    }

    async fn peers(&self, info_hash: &str) -> Result<Vec<Peer>> {
        let (_, handle) = self.require(info_hash).await?;
        Ok(views::peers(&handle))
    }

    async fn trackers(&self, info_hash: &str) -> Result<Vec<Tracker>> {
        let (_, handle) = self.require(info_hash).await?;
        Ok(views::torrent(&handle)
            .trackers
            .into_iter()
            .map(|url| Tracker {
                url,
                status: TrackerStatus::NotContacted,
                message: None,
                seeds: None,
                peers: None,
            })
            .collect())
    }

    async fn set_labels(&self, info_hash: &str, labels: &[String]) -> Result<()> {
        let (hash, handle) = self.find(info_hash).await?;
        if handle.is_none() && self.waiting_magnet(&hash).await.is_none() {
            return Err(self.error(ErrorKind::NotFound(hash)));
        }
        let labels = labels.to_vec();
        self.book(&hash, |e| e.labels = labels).await
    }

    async fn export_metainfo(&self, info_hash: &str) -> Result<Vec<u8>> {
        let (hash, handle) = self.require(info_hash).await?;
        let metadata = handle
            .metadata
            .load_full()
            .ok_or_else(|| self.rejected(format!("{hash} has no metadata yet")))?;
        Ok(metadata.torrent_bytes.to_vec())
    }

    async fn free_space(&self) -> Result<Option<u64>> {
        // The disk of the engine's download dir (a user's folder may not
        // exist yet).
        let dir = self.engine.0.options.download_dir.clone();
        Ok(
            tokio::task::spawn_blocking(move || super::space::free_bytes(&dir))
                .await
                .ok()
                .flatten(),
        )
    }
}
