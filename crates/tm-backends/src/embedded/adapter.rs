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
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use librqbit::api::TorrentIdOrHash;
use librqbit::dht::Id20;
use librqbit::{AddTorrent, AddTorrentOptions, AddTorrentResponse, ManagedTorrent};

use super::book::{Entry, PendingMagnet};
use super::engine::EngineHandle;
use super::mapping::{self, Kept, Layout, TorrentView};
use super::{removal, views};
use crate::client::{TorrentClient, normalize_hash, source_hash};
use crate::config::{BackendConfig, ClientKind};
use crate::error::{BackendError, ErrorKind, Result};
use crate::model::{
    AddTorrent as Add, Capabilities, ClientInfo, DataRemoval, FilePriority, LabelSupport, Peer,
    RemoveOutcome, Torrent, TorrentFile, TorrentSource, Tracker, TrackerStatus,
};
use crate::rtorrent::paths::validate_save_path;

type Handle = Arc<ManagedTorrent>;

pub(crate) struct Embedded {
    engine: EngineHandle,
    label: String,
    /// How long a call may wait for the engine (a check to finish).
    timeout: std::time::Duration,
}

impl Embedded {
    pub(crate) fn new(config: &BackendConfig, engine: &EngineHandle) -> Self {
        Self {
            engine: engine.clone(),
            label: config.server_label(),
            timeout: config.timeout,
        }
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.label, kind)
    }

    fn rejected(&self, e: impl std::fmt::Display) -> BackendError {
        self.error(ErrorKind::Rejected(e.to_string()))
    }

    fn session(&self) -> Result<Arc<librqbit::Session>> {
        self.engine
            .session()
            .map_err(|e| self.error(ErrorKind::Refused(e)))
    }

    /// The torrent in the engine, `None` when it is not there.
    fn find(&self, hash: &str) -> Result<(String, Option<Handle>)> {
        let hash = normalize_hash(&self.label, hash)?;
        let id =
            Id20::from_str(&hash).map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
        let found = self.session()?.get(TorrentIdOrHash::Hash(id));
        Ok((hash, found))
    }

    fn require(&self, hash: &str) -> Result<(String, Handle)> {
        match self.find(hash)? {
            (hash, Some(handle)) => Ok((hash, handle)),
            (hash, None) => Err(self.error(ErrorKind::NotFound(hash))),
        }
    }

    /// Every hash either in the engine or a magnet waiting, else `NotFound`
    /// (checked before anything changes).
    async fn targets(&self, hashes: &[String]) -> Result<Vec<(String, Option<Handle>)>> {
        let mut found = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let (hash, handle) = self.find(hash)?;
            if handle.is_none() && self.engine.0.book.get(&hash).await.magnet.is_none() {
                return Err(self.error(ErrorKind::NotFound(hash)));
            }
            found.push((hash, handle));
        }
        Ok(found)
    }

    fn model(&self, handle: &ManagedTorrent, entry: &Entry) -> Result<Torrent> {
        let stats = views::stats(handle, false).map_err(|e| self.error(ErrorKind::Malformed(e)))?;
        Ok(mapping::torrent(
            &views::torrent(handle),
            &stats,
            &kept(entry),
        ))
    }

    fn waiting(&self, hash: &str, entry: &Entry, magnet: &PendingMagnet) -> Torrent {
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

    fn download_dir(&self) -> &Path {
        &self.engine.0.options.download_dir
    }

    async fn book(&self, hash: &str, change: impl FnOnce(&mut Entry)) -> Result<()> {
        self.engine
            .0
            .book
            .update(hash, change)
            .await
            .map_err(|e| self.error(ErrorKind::Rejected(e)))
    }

    async fn forget(&self, hash: &str) -> Result<()> {
        self.engine
            .0
            .book
            .remove(hash)
            .await
            .map_err(|e| self.error(ErrorKind::Rejected(e)))
    }

    fn all_handles(&self) -> Result<Vec<Handle>> {
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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Where the engine writes a torrent's files: the save path, or for a
/// multi-file torrent its folder `<save path>/<name>` (the engine puts the
/// files straight into the folder it is given).
fn output_folder(
    save: &Path,
    multi_file: bool,
    name: Option<&str>,
) -> std::result::Result<PathBuf, String> {
    if !multi_file {
        return Ok(save.to_owned());
    }
    let name = name.unwrap_or_default();
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(format!(
            "the torrent's name {name:?} is not a plain folder name"
        ));
    }
    Ok(save.join(name))
}

/// The layout of a .torrent: multi-file, and its name (parsed off the
/// async workers by librqbit's own parser).
async fn layout(bytes: bytes::Bytes) -> std::result::Result<(bool, Option<String>), String> {
    tokio::task::spawn_blocking(move || {
        librqbit::torrent_from_bytes(&bytes)
            .map(|t| {
                let name = t
                    .info
                    .data
                    .name
                    .as_ref()
                    .map(|n| String::from_utf8_lossy(n.as_ref()).into_owned());
                (t.info.data.files.is_some(), name)
            })
            .map_err(|e| format!("invalid .torrent file: {e}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Adds .torrent bytes to the engine.
async fn add_bytes(
    engine: &EngineHandle,
    bytes: bytes::Bytes,
    save: &Path,
    paused: bool,
    only_files: Option<Vec<usize>>,
    initial_peers: Option<Vec<std::net::SocketAddr>>,
) -> std::result::Result<(), String> {
    let (multi, name) = layout(bytes.clone()).await?;
    let folder = output_folder(save, multi, name.as_deref())?;
    let options = AddTorrentOptions {
        paused,
        // Data already on disk is checked and kept, as other clients do.
        overwrite: true,
        output_folder: Some(folder.to_string_lossy().into_owned()),
        only_files,
        initial_peers,
        ..AddTorrentOptions::default()
    };
    match engine
        .session()?
        .add_torrent(AddTorrent::from_bytes(bytes), Some(options))
        .await
    {
        Ok(AddTorrentResponse::Added(..)) => Ok(()),
        Ok(AddTorrentResponse::AlreadyManaged(..)) => Err("already present".to_owned()),
        Ok(AddTorrentResponse::ListOnly(_)) => Err("listed only".to_owned()),
        Err(e) => Err(format!("{e:#}")),
    }
}

/// A magnet's metadata, fetched from peers, then the torrent added as a
/// .torrent (called by the engine's background task).
pub(super) async fn add_resolved_magnet(
    engine: &EngineHandle,
    hash: &str,
    magnet: &PendingMagnet,
) -> std::result::Result<(), String> {
    let options = AddTorrentOptions {
        list_only: true,
        ..AddTorrentOptions::default()
    };
    let listed = engine
        .session()?
        .add_torrent(AddTorrent::from_url(magnet.uri.clone()), Some(options))
        .await
        .map_err(|e| format!("{e:#}"))?;
    let AddTorrentResponse::ListOnly(listed) = listed else {
        return Err("the engine did not list the magnet".to_owned());
    };
    let save = magnet
        .save_path
        .as_deref()
        .map_or_else(|| engine.0.options.download_dir.clone(), PathBuf::from);
    add_bytes(
        engine,
        listed.torrent_bytes,
        &save,
        !magnet.start,
        None,
        Some(listed.seen_peers),
    )
    .await?;
    engine.0.book.update(hash, |e| e.magnet = None).await
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
            capabilities: Capabilities {
                labels: LabelSupport::Many,
                category: false,
                file_priorities: true,
                low_file_priority: false,
                peers: true,
                trackers: true,
                recheck: true,
                reannounce: true,
                move_data: false,
                export_metainfo: true,
                delete_data: true,
                incremental_list: false,
                speed_limits: false,
                bandwidth_priority: false,
                seeding_goals: false,
            },
        })
    }

    async fn list(&self) -> Result<Vec<Torrent>> {
        let book = self.engine.0.book.all().await;
        let empty = Entry::default();
        let mut torrents = Vec::new();
        let mut seen = HashSet::new();
        for handle in self.all_handles()? {
            let hash = handle.info_hash().as_string();
            torrents.push(self.model(&handle, book.get(&hash).unwrap_or(&empty))?);
            seen.insert(hash);
        }
        for (hash, entry) in &book {
            if let Some(magnet) = &entry.magnet
                && !seen.contains(hash)
            {
                torrents.push(self.waiting(hash, entry, magnet));
            }
        }
        Ok(torrents)
    }

    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>> {
        let (hash, handle) = self.find(info_hash)?;
        let entry = self.engine.0.book.get(&hash).await;
        match (handle, &entry.magnet) {
            (Some(handle), _) => self.model(&handle, &entry).map(Some),
            (None, Some(magnet)) => Ok(Some(self.waiting(&hash, &entry, magnet))),
            (None, None) => Ok(None),
        }
    }

    async fn add(&self, torrent: Add) -> Result<String> {
        let hash = source_hash(&self.label, &torrent.source).await?;
        let save = match &torrent.save_path {
            Some(path) => PathBuf::from(
                validate_save_path(path).map_err(|e| self.error(ErrorKind::Invalid(e)))?,
            ),
            None => self.download_dir().to_owned(),
        };
        let (_, present) = self.find(&hash)?;
        if present.is_some() || self.engine.0.book.get(&hash).await.magnet.is_some() {
            return Err(self.error(ErrorKind::Duplicate(hash)));
        }
        let labels = torrent.labels.clone();
        match torrent.source {
            TorrentSource::Magnet(uri) => {
                let parsed = crate::magnet::parse_magnet(&uri)
                    .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
                let magnet = PendingMagnet {
                    uri,
                    start: torrent.start,
                    save_path: torrent
                        .save_path
                        .as_ref()
                        .map(|_| save.display().to_string()),
                    name: parsed.display_names.first().cloned(),
                    trackers: parsed.trackers.clone(),
                };
                let waiting = magnet.clone();
                self.book(&hash, |e| {
                    *e = Entry {
                        labels,
                        added_at: Some(now()),
                        priorities: Default::default(),
                        magnet: Some(waiting),
                    }
                })
                .await?;
                if magnet.start {
                    self.engine.resolve(hash.clone(), magnet);
                }
            }
            TorrentSource::File(bytes) => {
                self.book(&hash, |e| {
                    *e = Entry {
                        labels,
                        added_at: Some(now()),
                        ..Entry::default()
                    }
                })
                .await?;
                if let Err(e) = add_bytes(
                    &self.engine,
                    bytes.into(),
                    &save,
                    !torrent.start,
                    None,
                    None,
                )
                .await
                {
                    let _ = self.forget(&hash).await;
                    return Err(self.rejected(e));
                }
            }
        }
        Ok(hash)
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
        let (hash, handle) = self.find(info_hash)?;
        let entry = self.engine.0.book.get(&hash).await;
        let Some(handle) = handle else {
            let Some(magnet) = &entry.magnet else {
                return Err(self.error(ErrorKind::NotFound(hash)));
            };
            // Nothing on disk yet.
            let path = self.waiting(&hash, &entry, magnet).base_path;
            self.engine.forget_magnet(&hash);
            self.forget(&hash).await?;
            return Ok(RemoveOutcome {
                info_hash: hash,
                data: if delete_data {
                    DataRemoval::Deleted { path }
                } else {
                    DataRemoval::Kept { path }
                },
                files: None,
            });
        };
        let view = views::torrent(&handle);
        let (_, path) = mapping::paths(&view);
        let plan = if delete_data {
            let folder = PathBuf::from(&view.output_folder);
            let files: Vec<String> = views::files(&handle)
                .into_iter()
                .filter(|f| !f.padding)
                .map(|f| f.path)
                .collect();
            let (base, root) = (PathBuf::from(&path), self.download_dir().to_owned());
            let plan =
                tokio::task::spawn_blocking(move || removal::plan(&folder, &files, &base, &root))
                    .await
                    .map_err(|e| self.rejected(e))?
                    .map_err(|e| self.error(ErrorKind::Unsafe(e)))?;
            if let Some(reason) = plan.refused() {
                return Err(self.error(ErrorKind::Unsafe(reason)));
            }
            Some(plan)
        } else {
            None
        };
        self.session()?
            .delete(TorrentIdOrHash::Id(handle.id()), false)
            .await
            .map_err(|e| self.rejected(format!("{e:#}")))?;
        self.forget(&hash).await?;
        let Some(plan) = plan else {
            return Ok(RemoveOutcome {
                info_hash: hash,
                data: DataRemoval::Kept { path },
                files: None,
            });
        };
        let report = tokio::task::spawn_blocking(move || removal::execute(plan))
            .await
            .map_err(|e| self.rejected(e))?;
        let data = if report.kept.is_empty() && report.failed.is_empty() {
            DataRemoval::Deleted { path }
        } else {
            DataRemoval::Failed {
                path,
                reason: removal::summary(&report),
            }
        };
        Ok(RemoveOutcome {
            info_hash: hash,
            data,
            files: Some(report),
        })
    }

    async fn recheck(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, handle) in self.targets(info_hashes).await? {
            // A magnet without metadata has no data to check.
            let Some(handle) = handle else { continue };
            let metadata = handle
                .metadata
                .load_full()
                .ok_or_else(|| self.rejected(format!("{hash} has no metadata yet")))?;
            let view = views::torrent(&handle);
            let (save, _) = mapping::paths(&view);
            let paused = handle.is_paused();
            let only_files = handle.only_files();
            self.session()?
                .delete(TorrentIdOrHash::Id(handle.id()), false)
                .await
                .map_err(|e| self.rejected(format!("{e:#}")))?;
            add_bytes(
                &self.engine,
                metadata.torrent_bytes.clone(),
                Path::new(&save),
                paused,
                only_files,
                None,
            )
            .await
            .map_err(|e| self.rejected(format!("re-adding for the check failed: {e}")))?;
        }
        Ok(())
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
        let (hash, handle) = self.require(info_hash)?;
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
        let (hash, handle) = self.require(info_hash)?;
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
        let (_, handle) = self.require(info_hash)?;
        Ok(views::peers(&handle))
    }

    async fn trackers(&self, info_hash: &str) -> Result<Vec<Tracker>> {
        let (_, handle) = self.require(info_hash)?;
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
        let (hash, handle) = self.find(info_hash)?;
        if handle.is_none() && self.engine.0.book.get(&hash).await.magnet.is_none() {
            return Err(self.error(ErrorKind::NotFound(hash)));
        }
        let labels = labels.to_vec();
        self.book(&hash, |e| e.labels = labels).await
    }

    async fn export_metainfo(&self, info_hash: &str) -> Result<Vec<u8>> {
        let (hash, handle) = self.require(info_hash)?;
        let metadata = handle
            .metadata
            .load_full()
            .ok_or_else(|| self.rejected(format!("{hash} has no metadata yet")))?;
        Ok(metadata.torrent_bytes.to_vec())
    }

    async fn free_space(&self) -> Result<Option<u64>> {
        let dir = self.download_dir().to_owned();
        Ok(
            tokio::task::spawn_blocking(move || super::space::free_bytes(&dir))
                .await
                .ok()
                .flatten(),
        )
    }
}
