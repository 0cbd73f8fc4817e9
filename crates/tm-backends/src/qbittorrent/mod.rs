//! qBittorrent adapter (WebAPI v2 over HTTP, cookie session). Our labels
//! are its tags; its category is reported apart, in `Torrent::category`,
//! and written by `set_category` or with the add.
//! qBittorrent ignores unknown hashes silently, so calls on given torrents
//! check that they exist first (`NotFound`).

mod add;
mod api;
mod category;
mod details;
mod limits;
mod mapping;
mod sync;
mod version;

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex, MutexGuard};

use self::api::QbittorrentApi;
use self::details::{QbtFile, QbtPeers, QbtProperties, QbtTracker, wire_priority};
use self::mapping::{QbtTorrent, clean_dir, content_path, split_tags};
use self::sync::{MainData, SyncCache};
use self::version::ApiVersion;
use crate::client::{TorrentClient, normalize_hash};
use crate::config::{BackendConfig, ClientKind};
use crate::connection::{HttpEndpoint, QbittorrentAuth};
use crate::error::{BackendError, ErrorKind, Result};
use crate::model::{
    AddTorrent, Capabilities, ClientInfo, DataRemoval, FilePriority, LabelSupport, Peer,
    RemoveOutcome, Torrent, TorrentChanges, TorrentFile, Tracker, TransferChange, TransferSettings,
};

/// At most this many `torrents/properties` calls per `get_many`.
const PRIVACY_READS: usize = 20;

pub(crate) struct Qbittorrent {
    api: QbittorrentApi,
    server: String,
    timeout: Duration,
    /// Read on first need, and again by every `probe` (the client may
    /// have been upgraded since).
    version: std::sync::Mutex<Option<ApiVersion>>,
    /// Hash → private, for versions whose `torrents/info` lacks `private`
    /// (before 5.0). It is read from `torrents/properties`, one call per
    /// torrent, so only by `get`/`get_many`, a few at a time; it never changes.
    privacy: std::sync::Mutex<HashMap<String, bool>>,
    /// Held across each `sync/maindata` call: the `rid` sequence is one chain.
    sync: Mutex<SyncCache>,
}

impl Qbittorrent {
    pub fn new(
        config: &BackendConfig,
        endpoint: &HttpEndpoint,
        auth: &QbittorrentAuth,
    ) -> Result<Self> {
        let server = config.server_label();
        Ok(Self {
            api: QbittorrentApi::new(config, endpoint, auth, &server)?,
            server,
            timeout: config.timeout,
            version: std::sync::Mutex::new(None),
            privacy: std::sync::Mutex::new(HashMap::new()),
            sync: Mutex::new(SyncCache::default()),
        })
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    async fn api_version(&self) -> Result<ApiVersion> {
        let known = *self.version.lock().unwrap_or_else(|p| p.into_inner());
        match known {
            Some(version) => Ok(version),
            None => self.read_api_version().await,
        }
    }

    async fn read_api_version(&self) -> Result<ApiVersion> {
        let text = self.api.text("app/webapiVersion", &[]).await?;
        let version = std::str::from_utf8(&text)
            .ok()
            .and_then(ApiVersion::parse)
            .ok_or_else(|| {
                self.error(ErrorKind::NotATorrentClient(
                    "app/webapiVersion is not a WebAPI version".to_owned(),
                ))
            })?;
        *self.version.lock().unwrap_or_else(|p| p.into_inner()) = Some(version);
        Ok(version)
    }

    /// The model's torrents, with what is known of their privacy.
    fn finish(&self, torrents: Vec<QbtTorrent>) -> Vec<Torrent> {
        let mut torrents: Vec<Torrent> =
            torrents.into_iter().map(QbtTorrent::into_torrent).collect();
        self.apply_privacy(&mut torrents);
        torrents
    }

    fn apply_privacy(&self, torrents: &mut [Torrent]) {
        let privacy = self.privacy.lock().unwrap_or_else(|p| p.into_inner());
        for torrent in torrents {
            if let Some(private) = privacy.get(&torrent.info_hash) {
                torrent.is_private = *private;
            }
        }
    }

    /// Reads the privacy of up to `PRIVACY_READS` of `torrents` that lack it.
    async fn learn_privacy(&self, torrents: &[QbtTorrent]) -> Result<()> {
        let unknown: Vec<String> = {
            let privacy = self.privacy.lock().unwrap_or_else(|p| p.into_inner());
            torrents
                .iter()
                .filter(|t| t.private.is_none())
                .map(|t| t.hash.to_ascii_lowercase())
                .filter(|hash| !privacy.contains_key(hash))
                .take(PRIVACY_READS)
                .collect()
        };
        for hash in unknown {
            let properties: QbtProperties = self
                .api
                .json("torrents/properties", &[("hash", &hash)])
                .await?;
            self.privacy
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(hash, properties.is_private.unwrap_or(false));
        }
        Ok(())
    }

    fn require_tags(&self, version: ApiVersion) -> Result<()> {
        if version >= ApiVersion::TAGS {
            Ok(())
        } else {
            Err(self.error(ErrorKind::Unsupported(format!(
                "WebAPI {version} has no tags (labels)"
            ))))
        }
    }

    /// Labels as tags: qBittorrent splits tag lists on commas.
    fn checked_tags(&self, labels: &[String]) -> Result<Vec<String>> {
        labels
            .iter()
            .map(|label| {
                let tag = label.trim();
                if tag.is_empty() || tag.contains(',') {
                    Err(self.error(ErrorKind::Invalid(format!(
                        "label {label:?}: qBittorrent tags must be non-empty and without commas"
                    ))))
                } else {
                    Ok(tag.to_owned())
                }
            })
            .collect()
    }

    /// `torrents/info` for `hashes` (none: no call, since an empty filter
    /// would list everything).
    async fn info(&self, hashes: &[String]) -> Result<Vec<QbtTorrent>> {
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        self.api
            .json("torrents/info", &[("hashes", &hashes.join("|"))])
            .await
    }

    fn hashes(&self, info_hashes: &[String]) -> Result<Vec<String>> {
        info_hashes
            .iter()
            .map(|h| normalize_hash(&self.server, h))
            .collect()
    }

    /// The torrents for `info_hashes`, in order; `NotFound` for the first missing.
    async fn existing(&self, info_hashes: &[String]) -> Result<Vec<QbtTorrent>> {
        let hashes = self.hashes(info_hashes)?;
        let mut found = self.info(&hashes).await?;
        hashes
            .iter()
            .map(|hash| {
                let at = found
                    .iter()
                    .position(|t| t.hash.eq_ignore_ascii_case(hash))
                    .ok_or_else(|| self.error(ErrorKind::NotFound(hash.clone())))?;
                Ok(found.swap_remove(at))
            })
            .collect()
    }

    async fn one(&self, info_hash: &str) -> Result<QbtTorrent> {
        let mut found = self.existing(&[info_hash.to_owned()]).await?;
        found
            .pop()
            .ok_or_else(|| self.error(ErrorKind::NotFound(info_hash.to_owned())))
    }

    /// Sends `action` for existing torrents.
    async fn act(&self, action: &str, info_hashes: &[String]) -> Result<()> {
        let torrents = self.existing(info_hashes).await?;
        if torrents.is_empty() {
            return Ok(());
        }
        let hashes: Vec<&str> = torrents.iter().map(|t| t.hash.as_str()).collect();
        self.api
            .text(action, &[("hashes", &hashes.join("|"))])
            .await?;
        Ok(())
    }

    /// One `sync/maindata` round merged into the cache.
    async fn sync(&self) -> Result<MutexGuard<'_, SyncCache>> {
        let mut cache = self.sync.lock().await;
        let rid = cache.rid().to_string();
        let data: MainData = self.api.json("sync/maindata", &[("rid", &rid)]).await?;
        cache.apply(data);
        Ok(cache)
    }
}

#[async_trait]
impl TorrentClient for Qbittorrent {
    fn kind(&self) -> ClientKind {
        ClientKind::Qbittorrent
    }

    fn server_label(&self) -> &str {
        &self.server
    }

    async fn probe(&self) -> Result<ClientInfo> {
        let version = self.read_api_version().await?;
        let app = self.api.text("app/version", &[]).await?;
        let app = std::str::from_utf8(&app)
            .ok()
            .map(|v| v.trim().trim_start_matches('v'))
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-_+".contains(&b))
            })
            .ok_or_else(|| {
                self.error(ErrorKind::NotATorrentClient(
                    "app/version is not a version".to_owned(),
                ))
            })?;
        Ok(ClientInfo {
            client: ClientKind::Qbittorrent,
            version: app.to_owned(),
            api_version: Some(version.to_string()),
            capabilities: Capabilities {
                labels: if version >= ApiVersion::TAGS {
                    LabelSupport::Many
                } else {
                    LabelSupport::None
                },
                category: true,
                file_priorities: true,
                low_file_priority: false,
                high_file_priority: true,
                peers: true,
                trackers: true,
                recheck: true,
                reannounce: true,
                move_data: true,
                export_metainfo: version >= ApiVersion::EXPORT,
                delete_data: true,
                incremental_list: true,
                speed_limits: true,
                bandwidth_priority: false,
                seeding_goals: false,
            },
        })
    }

    async fn list(&self) -> Result<Vec<Torrent>> {
        let all: Vec<QbtTorrent> = self.api.json("torrents/info", &[]).await?;
        Ok(self.finish(all))
    }

    async fn list_changes(&self) -> Result<TorrentChanges> {
        let mut changes = self.sync().await?.take_changes().map_err(|e| {
            self.error(ErrorKind::Malformed(format!(
                "sync/maindata: unexpected torrent fields ({e})"
            )))
        })?;
        self.apply_privacy(&mut changes.torrents);
        Ok(changes)
    }

    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>> {
        let hash = normalize_hash(&self.server, info_hash)?;
        Ok(self.get_many(&[hash]).await?.into_iter().next())
    }

    async fn get_many(&self, info_hashes: &[String]) -> Result<Vec<Torrent>> {
        let hashes = self.hashes(info_hashes)?;
        let found = self.info(&hashes).await?;
        self.learn_privacy(&found).await?;
        Ok(self.finish(found))
    }

    async fn add(&self, torrent: AddTorrent) -> Result<String> {
        self.add_torrent(torrent).await
    }

    async fn start(&self, info_hashes: &[String]) -> Result<()> {
        let action = if self.api_version().await? >= ApiVersion::STOP_NAMES {
            "torrents/start"
        } else {
            "torrents/resume"
        };
        self.act(action, info_hashes).await
    }

    async fn stop(&self, info_hashes: &[String]) -> Result<()> {
        let action = if self.api_version().await? >= ApiVersion::STOP_NAMES {
            "torrents/stop"
        } else {
            "torrents/pause"
        };
        self.act(action, info_hashes).await
    }

    async fn recheck(&self, info_hashes: &[String]) -> Result<()> {
        self.act("torrents/recheck", info_hashes).await
    }

    async fn reannounce(&self, info_hashes: &[String]) -> Result<()> {
        self.act("torrents/reannounce", info_hashes).await
    }

    async fn move_data(&self, info_hash: &str, directory: &str) -> Result<()> {
        let torrents = self.existing(&[info_hash.to_owned()]).await?;
        for torrent in &torrents {
            self.api
                .text(
                    "torrents/setLocation",
                    &[("hashes", &torrent.hash), ("location", directory)],
                )
                .await?;
        }
        Ok(())
    }

    async fn export_metainfo(&self, info_hash: &str) -> Result<Vec<u8>> {
        let version = self.api_version().await?;
        if version < ApiVersion::EXPORT {
            return Err(self.error(ErrorKind::Unsupported(format!(
                "WebAPI {version} has no torrents/export"
            ))));
        }
        let torrent = self.one(info_hash).await?;
        let bytes = self
            .api
            .text("torrents/export", &[("hash", &torrent.hash)])
            .await?;
        Ok(bytes.to_vec())
    }

    async fn remove(&self, info_hash: &str, delete_data: bool) -> Result<RemoveOutcome> {
        let torrent = self.one(info_hash).await?.into_torrent();
        let delete = if delete_data { "true" } else { "false" };
        self.api
            .text(
                "torrents/delete",
                &[("hashes", &torrent.info_hash), ("deleteFiles", delete)],
            )
            .await?;
        // qBittorrent deletes exactly the torrent's own files, after the reply.
        let path = torrent.base_path;
        Ok(RemoveOutcome {
            info_hash: torrent.info_hash,
            data: if delete_data {
                DataRemoval::Deleted { path }
            } else {
                DataRemoval::Kept { path }
            },
            files: None,
        })
    }

    async fn files(&self, info_hash: &str) -> Result<Vec<TorrentFile>> {
        let torrent = self.one(info_hash).await?;
        // The torrent's folder relative to the save path ("album"); for a
        // single file, the file itself, which prefixes no file path.
        let save_path = clean_dir(&torrent.save_path);
        let save = format!("{}/", save_path.trim_end_matches('/'));
        let content = content_path(&save_path, &torrent.content_path);
        let folder = content.strip_prefix(&save).unwrap_or(&torrent.name);
        let list: Vec<QbtFile> = self
            .api
            .json("torrents/files", &[("hash", &torrent.hash)])
            .await?;
        Ok(details::files(list, folder))
    }

    async fn set_file_priorities(
        &self,
        info_hash: &str,
        priorities: &[(usize, FilePriority)],
    ) -> Result<()> {
        let torrent = self.one(info_hash).await?;
        let mut by_priority: Vec<(i64, Vec<String>)> = Vec::new();
        for (index, priority) in priorities {
            let wire = wire_priority(*priority);
            match by_priority.iter_mut().find(|(p, _)| *p == wire) {
                Some((_, ids)) => ids.push(index.to_string()),
                None => by_priority.push((wire, vec![index.to_string()])),
            }
        }
        for (priority, ids) in by_priority {
            self.api
                .text(
                    "torrents/filePrio",
                    &[
                        ("hash", &torrent.hash),
                        ("id", &ids.join("|")),
                        ("priority", &priority.to_string()),
                    ],
                )
                .await?;
        }
        Ok(())
    }

    async fn peers(&self, info_hash: &str) -> Result<Vec<Peer>> {
        let torrent = self.one(info_hash).await?;
        let list: QbtPeers = self
            .api
            .json(
                "sync/torrentPeers",
                &[("hash", &torrent.hash), ("rid", "0")],
            )
            .await?;
        Ok(details::peers(list))
    }

    async fn trackers(&self, info_hash: &str) -> Result<Vec<Tracker>> {
        let torrent = self.one(info_hash).await?;
        let list: Vec<QbtTracker> = self
            .api
            .json("torrents/trackers", &[("hash", &torrent.hash)])
            .await?;
        Ok(details::trackers(list))
    }

    async fn transfer_settings(&self, info_hash: &str) -> Result<TransferSettings> {
        self.read_limits(info_hash).await
    }

    async fn set_transfer_settings(&self, info_hash: &str, change: TransferChange) -> Result<()> {
        self.write_limits(info_hash, change).await
    }

    async fn set_labels(&self, info_hash: &str, labels: &[String]) -> Result<()> {
        self.require_tags(self.api_version().await?)?;
        let wanted = self.checked_tags(labels)?;
        let torrent = self.one(info_hash).await?;
        let current = split_tags(&torrent.tags);
        let to_add: Vec<&str> = wanted
            .iter()
            .filter(|t| !current.contains(t))
            .map(String::as_str)
            .collect();
        let to_remove: Vec<&str> = current
            .iter()
            .filter(|t| !wanted.contains(t))
            .map(String::as_str)
            .collect();
        let hash = torrent.hash.as_str();
        if !to_add.is_empty() {
            let tags = to_add.join(",");
            self.api
                .text("torrents/createTags", &[("tags", &tags)])
                .await?;
            self.api
                .text("torrents/addTags", &[("hashes", hash), ("tags", &tags)])
                .await?;
        }
        // Never with an empty list: that would remove every tag.
        if !to_remove.is_empty() {
            self.api
                .text(
                    "torrents/removeTags",
                    &[("hashes", hash), ("tags", &to_remove.join(","))],
                )
                .await?;
        }
        Ok(())
    }

    async fn set_category(&self, info_hash: &str, category: Option<&str>) -> Result<()> {
        self.file_in_category(info_hash, category).await
    }

    async fn free_space(&self) -> Result<Option<u64>> {
        Ok(self.sync().await?.free_space())
    }
}
