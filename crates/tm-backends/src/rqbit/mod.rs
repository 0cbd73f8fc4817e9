//! The `rqbit` client: an rqbit server run elsewhere, over its HTTP API
//! (librqbit's `http_api`), mapped by the embedded engine's mapping
//! (`embedded::mapping`): the stats rqbit answers are the JSON that mapping
//! mirrors.
//!
//! What rqbit's API lacks, and what the adapter does about it:
//! - labels, the time added: none, and torrent-manager keeps nothing for a
//!   remote client (no store in this crate), so labels are unsupported
//!   (`LabelSupport::None`) and `added_at` is unknown;
//! - file priorities: rqbit only selects files (`update_only_files`), so
//!   `skip` and `normal` are supported, `high` and `low` refused;
//! - adding paused: no such option on `POST /torrents`; the torrent is
//!   paused once rqbit has checked its data (a pause stops the check), so
//!   it may be live, and contact its trackers, for a moment;
//! - a magnet is added only once its metadata came from peers (rqbit lists
//!   no torrent without it): the add waits up to the call's timeout;
//! - recheck: no route; rqbit checks data when a torrent is added, so the
//!   torrent is forgotten (data kept) and added again from its own .torrent,
//!   in the same folder, selection and paused state;
//! - reannounce: no route; a live torrent is paused and started again;
//! - no speed limits per torrent, no move, no tracker status, no per-peer
//!   progress or rates.

mod adding;
mod api;
mod meta;
mod wire;

use async_trait::async_trait;

use self::api::RqbitApi;
use self::meta::{MetaCache, view};
use self::wire::{DetailsReply, ListReply, PeersReply, RootReply};
use crate::client::{TorrentClient, normalize_hash};
use crate::config::{BackendConfig, ClientKind};
use crate::connection::{HttpEndpoint, Login};
use crate::embedded::mapping::{self, EngineState, Kept, StatsView};
use crate::error::{BackendError, ErrorKind, Result};
use crate::model::{
    AddTorrent, ClientInfo, DataRemoval, FilePriority, LabelSupport, Peer, RemoveOutcome, Torrent,
    TorrentFile, Tracker, TrackerStatus,
};

const JSON: &str = "application/json";

pub(crate) struct Rqbit {
    api: RqbitApi,
    label: String,
    timeout: std::time::Duration,
    meta: MetaCache,
}

impl Rqbit {
    pub fn new(
        config: &BackendConfig,
        endpoint: &HttpEndpoint,
        login: Option<&Login>,
    ) -> Result<Self> {
        let label = config.server_label();
        Ok(Self {
            api: RqbitApi::new(config, endpoint, login, &label)?,
            label,
            timeout: config.timeout,
            meta: MetaCache::default(),
        })
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.label, kind)
    }

    async fn details(&self, hash: &str) -> Result<Option<DetailsReply>> {
        self.api.get_json(&format!("torrents/{hash}")).await
    }

    async fn stats(&self, hash: &str) -> Result<Option<StatsView>> {
        self.api
            .get_json(&format!("torrents/{hash}/stats/v1"))
            .await
    }

    /// The torrent's details, or `NotFound`.
    async fn require(&self, info_hash: &str) -> Result<(String, DetailsReply)> {
        let hash = normalize_hash(&self.label, info_hash)?;
        match self.details(&hash).await? {
            Some(details) => Ok((hash, details)),
            None => Err(self.error(ErrorKind::NotFound(hash))),
        }
    }

    /// Each hash with its stats, all checked before anything changes.
    async fn targets(&self, hashes: &[String]) -> Result<Vec<(String, StatsView)>> {
        let mut found = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let hash = normalize_hash(&self.label, hash)?;
            match self.stats(&hash).await? {
                Some(stats) => found.push((hash, stats)),
                None => return Err(self.error(ErrorKind::NotFound(hash))),
            }
        }
        Ok(found)
    }

    /// POST an action on a torrent (`pause`, `start`, `forget`, ...).
    async fn act(&self, hash: &str, action: &str) -> Result<()> {
        match self
            .api
            .post(&format!("torrents/{hash}/{action}"), Vec::new(), JSON)
            .await?
        {
            Some(()) => Ok(()),
            None => Err(self.error(ErrorKind::NotFound(hash.to_owned()))),
        }
    }

    /// The metainfo facts of `hash`, cached; `None` when rqbit has none.
    async fn meta(&self, hash: &str) -> Result<Option<std::sync::Arc<meta::Meta>>> {
        if let Some(known) = self.meta.get(hash) {
            return Ok(Some(known));
        }
        let Some(bytes) = self
            .api
            .get_bytes(&format!("torrents/{hash}/metadata"))
            .await?
        else {
            return Ok(None);
        };
        let parsed = tokio::task::spawn_blocking(move || crate::torrent_file::parse(&bytes))
            .await
            .map_err(|e| self.error(ErrorKind::Malformed(e.to_string())))?;
        Ok(parsed
            .ok()
            .map(|info| self.meta.put(hash, meta::Meta::of(&info))))
    }

    async fn model(&self, details: &DetailsReply, stats: &StatsView) -> Result<Torrent> {
        let hash = details.info_hash.to_ascii_lowercase();
        let meta = self.meta(&hash).await?;
        Ok(mapping::torrent(
            &view(details, meta.as_deref()),
            stats,
            &Kept::default(),
        ))
    }
}

/// Paused or stopped by an error: a start resumes it.
fn stopped(stats: &StatsView) -> bool {
    matches!(stats.state, EngineState::Paused | EngineState::Error)
        || (stats.state == EngineState::Initializing && stats.initializing_paused)
}

#[async_trait]
impl TorrentClient for Rqbit {
    fn kind(&self) -> ClientKind {
        ClientKind::Rqbit
    }

    fn server_label(&self) -> &str {
        &self.label
    }

    async fn probe(&self) -> Result<ClientInfo> {
        let root: Option<RootReply> = self.api.get_json("").await?;
        let root = root.filter(|r| r.server == "rqbit").ok_or_else(|| {
            self.error(ErrorKind::NotATorrentClient(
                "the root does not say it is rqbit".to_owned(),
            ))
        })?;
        Ok(ClientInfo {
            client: ClientKind::Rqbit,
            version: root.version,
            api_version: None,
            capabilities: mapping::capabilities(LabelSupport::None),
        })
    }

    async fn list(&self) -> Result<Vec<Torrent>> {
        let list: ListReply = self
            .api
            .get_json("torrents?with_stats=true")
            .await?
            .ok_or_else(|| self.error(ErrorKind::Malformed("torrents: not found".into())))?;
        let mut torrents = Vec::with_capacity(list.torrents.len());
        for details in &list.torrents {
            let stats = details.stats.clone().unwrap_or_default();
            torrents.push(self.model(details, &stats).await?);
        }
        Ok(torrents)
    }

    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>> {
        let hash = normalize_hash(&self.label, info_hash)?;
        let (Some(details), Some(stats)) = (self.details(&hash).await?, self.stats(&hash).await?)
        else {
            return Ok(None);
        };
        self.model(&details, &stats).await.map(Some)
    }

    async fn add(&self, torrent: AddTorrent) -> Result<String> {
        self.add_torrent(torrent).await
    }

    async fn start(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, stats) in self.targets(info_hashes).await? {
            if stopped(&stats) {
                self.act(&hash, "start").await?;
            }
        }
        Ok(())
    }

    async fn stop(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, stats) in self.targets(info_hashes).await? {
            if !stopped(&stats) {
                self.act(&hash, "pause").await?;
            }
        }
        Ok(())
    }

    /// With data: rqbit's own `/delete`, which removes the torrent's files
    /// (only those) on its host, as Transmission's delete-local-data does.
    async fn remove(&self, info_hash: &str, delete_data: bool) -> Result<RemoveOutcome> {
        let (hash, details) = self.require(info_hash).await?;
        let meta = self.meta(&hash).await?;
        let (_, path) = mapping::paths(&view(&details, meta.as_deref()));
        self.act(&hash, if delete_data { "delete" } else { "forget" })
            .await?;
        self.meta.forget(&hash);
        Ok(RemoveOutcome {
            info_hash: hash,
            data: if delete_data {
                DataRemoval::Deleted { path }
            } else {
                DataRemoval::Kept { path }
            },
            files: None,
        })
    }

    async fn recheck(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, stats) in self.targets(info_hashes).await? {
            self.readd_for_check(&hash, &stats).await?;
        }
        Ok(())
    }

    async fn reannounce(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, stats) in self.targets(info_hashes).await? {
            if stats.state == EngineState::Live {
                self.act(&hash, "pause").await?;
                self.act(&hash, "start").await?;
            }
        }
        Ok(())
    }

    async fn files(&self, info_hash: &str) -> Result<Vec<TorrentFile>> {
        let (hash, details) = self.require(info_hash).await?;
        let stats = self
            .stats(&hash)
            .await?
            .ok_or_else(|| self.error(ErrorKind::NotFound(hash.clone())))?;
        let (files, selected) = details.file_views();
        Ok(mapping::files(
            &files,
            &stats.file_progress,
            Some(&selected),
            &Default::default(),
        ))
    }

    async fn set_file_priorities(
        &self,
        info_hash: &str,
        priorities: &[(usize, FilePriority)],
    ) -> Result<()> {
        if let Some((index, priority)) = priorities
            .iter()
            .find(|(_, p)| matches!(p, FilePriority::High | FilePriority::Low))
        {
            return Err(self.error(ErrorKind::Unsupported(format!(
                "rqbit only selects files (normal or skip); file {index} cannot be {priority:?}"
            ))));
        }
        let (hash, details) = self.require(info_hash).await?;
        let (files, selected) = details.file_views();
        if let Some((index, _)) = priorities.iter().find(|(i, _)| *i >= files.len()) {
            return Err(self.error(ErrorKind::Invalid(format!(
                "file index {index} out of range (the torrent has {} files)",
                files.len()
            ))));
        }
        let only_files = mapping::selection(files.len(), Some(&selected), priorities);
        let body = serde_json::to_vec(&serde_json::json!({ "only_files": only_files }))
            .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
        match self
            .api
            .post(&format!("torrents/{hash}/update_only_files"), body, JSON)
            .await?
        {
            Some(()) => Ok(()),
            None => Err(self.error(ErrorKind::NotFound(hash))),
        }
    }

    async fn peers(&self, info_hash: &str) -> Result<Vec<Peer>> {
        let (hash, _) = self.require(info_hash).await?;
        let stats = self.stats(&hash).await?.unwrap_or_default();
        // rqbit answers 412 for a torrent that is not live: no peers.
        if stats.state != EngineState::Live {
            return Ok(Vec::new());
        }
        let peers: Option<PeersReply> = self
            .api
            .get_json(&format!("torrents/{hash}/peer_stats"))
            .await
            .or_else(|e| match e.kind {
                ErrorKind::Rejected(_) => Ok(None),
                _ => Err(e),
            })?;
        Ok(peers
            .map(|p| p.peers)
            .unwrap_or_default()
            .iter()
            .map(|(address, peer)| mapping::peer(address, peer.client_name.as_deref()))
            .collect())
    }

    async fn trackers(&self, info_hash: &str) -> Result<Vec<Tracker>> {
        let (hash, _) = self.require(info_hash).await?;
        let meta = self.meta(&hash).await?;
        Ok(meta
            .map(|m| m.trackers.clone())
            .unwrap_or_default()
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

    async fn export_metainfo(&self, info_hash: &str) -> Result<Vec<u8>> {
        let hash = normalize_hash(&self.label, info_hash)?;
        match self
            .api
            .get_bytes(&format!("torrents/{hash}/metadata"))
            .await?
        {
            Some(bytes) => Ok(bytes.to_vec()),
            None => Err(self.error(ErrorKind::NotFound(hash))),
        }
    }
}
