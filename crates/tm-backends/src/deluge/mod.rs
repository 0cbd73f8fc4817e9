//! Deluge 2 over the daemon's own RPC (TLS, zlib + rencode; `native.rs`) or
//! deluge-web's JSON-RPC (`web.rs`): every operation is a `core.*` call, the
//! same on both transports.

mod labels;
mod limits;
pub(crate) mod native;
mod rpc;
mod web;

pub(crate) use tm_wire::deluge::{mapping, reply};
pub(crate) use tm_wire::rencode;

pub use native::DelugeNative;

use std::sync::Arc;

use async_trait::async_trait;
use data_encoding::BASE64;
use futures::{StreamExt, TryStreamExt};
use serde_json::{Map, Value, json};

use self::labels::{LABEL_PLUGIN, deluge_label};
use self::mapping::{
    FILE_FIELDS, TORRENT_FIELDS, TRACKER_FIELDS, files_from_status, peers_from_status,
    priorities_from_status, priority_to_deluge, torrents_from_status, trackers_from_status,
};
use self::rpc::DelugeRpc;
use crate::client::{TorrentClient, normalize_hash, source_hash};
use crate::config::{BackendConfig, ClientKind};
use crate::connection::DelugeConnection;
use crate::error::{BackendError, ErrorKind, Result};
use crate::model::{
    AddTorrent, Capabilities, ClientInfo, DataRemoval, FilePriority, LabelSupport, Peer,
    RemoveOutcome, Torrent, TorrentFile, TorrentSource, Tracker, TransferChange, TransferSettings,
};

/// How many status calls a stop keeps in flight.
const STATUS_REFRESHES_AT_ONCE: usize = 8;

pub(crate) struct Deluge {
    rpc: Arc<dyn DelugeRpc>,
    server: String,
}

impl Deluge {
    pub fn new(config: &BackendConfig, way: &DelugeConnection) -> Result<Self> {
        let server = config.server_label();
        let rpc: Arc<dyn DelugeRpc> = match way {
            DelugeConnection::Web { endpoint, password } => Arc::new(web::DelugeWeb::new(
                config,
                endpoint,
                password.clone(),
                &server,
            )?),
            DelugeConnection::Rpc { .. } => Arc::new(native::DelugeNative::new(config, &server)?),
        };
        Ok(Self { rpc, server })
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    fn malformed(&self, method: &str, detail: String) -> BackendError {
        self.error(ErrorKind::Malformed(format!("{method}: {detail}")))
    }

    async fn call(&self, method: &str, args: Vec<Value>) -> Result<Value> {
        self.rpc.call(method, args, Map::new()).await
    }

    /// `core.get_torrents_status`: `{hash: {field: value}}`.
    async fn status(&self, filter: Value, fields: &[&str]) -> Result<Map<String, Value>> {
        match self
            .call("core.get_torrents_status", vec![filter, json!(fields)])
            .await?
        {
            Value::Object(by_hash) => Ok(by_hash),
            _ => Err(self.malformed("core.get_torrents_status", "not a dictionary".to_owned())),
        }
    }

    /// One torrent's `fields`; `NotFound` when Deluge does not have it.
    async fn status_of(&self, info_hash: &str, fields: &[&str]) -> Result<(String, Value)> {
        let hash = normalize_hash(&self.server, info_hash)?;
        let mut found = self.status(json!({ "id": [hash] }), fields).await?;
        match found.remove(&hash) {
            Some(status) => Ok((hash, status)),
            None => Err(self.error(ErrorKind::NotFound(hash))),
        }
    }

    /// The hashes, validated and lower-cased, all present in Deluge.
    async fn existing(&self, info_hashes: &[String]) -> Result<Vec<String>> {
        let hashes = info_hashes
            .iter()
            .map(|h| normalize_hash(&self.server, h))
            .collect::<Result<Vec<_>>>()?;
        if hashes.is_empty() {
            return Ok(hashes);
        }
        let found = self.status(json!({ "id": hashes }), &["hash"]).await?;
        match hashes.iter().find(|h| !found.contains_key(*h)) {
            Some(missing) => Err(self.error(ErrorKind::NotFound(missing.clone()))),
            None => Ok(hashes),
        }
    }

    /// Runs `method` (taking a list of hashes) on existing torrents. An
    /// empty list is never sent: to `core.pause_torrent` (which hands a list
    /// to `pause_torrents`) it means every torrent.
    async fn act(&self, method: &str, info_hashes: &[String]) -> Result<()> {
        let hashes = self.existing(info_hashes).await?;
        if !hashes.is_empty() {
            self.call(method, vec![json!(hashes)]).await?;
        }
        Ok(())
    }

    async fn label_plugin_enabled(&self) -> Result<bool> {
        let method = "core.get_enabled_plugins";
        let plugins = self.call(method, vec![]).await?;
        let plugins = plugins
            .as_array()
            .ok_or_else(|| self.malformed(method, "not a list".to_owned()))?;
        Ok(plugins.iter().any(|p| p.as_str() == Some(LABEL_PLUGIN)))
    }

    /// The one label `labels` stand for, once the Label plugin is known to
    /// be there: checked before anything changes.
    async fn checked_label(&self, labels: &[String]) -> Result<Option<String>> {
        if !self.label_plugin_enabled().await? {
            return Err(self.error(ErrorKind::Unsupported(format!(
                "labels need Deluge's {LABEL_PLUGIN} plugin, which is not enabled"
            ))));
        }
        deluge_label(labels).map_err(|kind| self.error(kind))
    }

    /// Gives the torrent `label` (creating it in the plugin first), or none.
    async fn apply_label(&self, hash: &str, label: Option<&str>) -> Result<()> {
        if let Some(label) = label {
            let known = self.call("label.get_labels", vec![]).await?;
            let known = known
                .as_array()
                .is_some_and(|labels| labels.iter().any(|l| l.as_str() == Some(label)));
            if !known {
                match self.call("label.add", vec![json!(label)]).await {
                    Ok(_) => {}
                    // Added meanwhile by someone else: just as good.
                    Err(e) if matches!(&e.kind, ErrorKind::Rejected(m) if m.contains("already exists")) =>
                        {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.call(
            "label.set_torrent",
            vec![json!(hash), json!(label.unwrap_or_default())],
        )
        .await?;
        Ok(())
    }
}

#[async_trait]
impl TorrentClient for Deluge {
    fn kind(&self) -> ClientKind {
        ClientKind::Deluge
    }

    fn server_label(&self) -> &str {
        &self.server
    }

    async fn probe(&self) -> Result<ClientInfo> {
        let method = "daemon.get_version";
        let version = self.call(method, vec![]).await?;
        let version = version
            .as_str()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| self.malformed(method, "no version".to_owned()))?;
        let labels = if self.label_plugin_enabled().await? {
            LabelSupport::Single
        } else {
            LabelSupport::None
        };
        Ok(ClientInfo {
            client: ClientKind::Deluge,
            version: version.to_owned(),
            api_version: None,
            capabilities: Capabilities {
                labels,
                category: false,
                file_priorities: true,
                low_file_priority: true,
                high_file_priority: true,
                peers: true,
                trackers: true,
                recheck: true,
                reannounce: true,
                move_data: true,
                export_metainfo: false,
                delete_data: true,
                incremental_list: false,
                speed_limits: true,
                bandwidth_priority: false,
                seeding_goals: false,
            },
        })
    }

    async fn list(&self) -> Result<Vec<Torrent>> {
        let all = self.status(json!({}), &TORRENT_FIELDS).await?;
        torrents_from_status(&Value::Object(all))
            .map_err(|e| self.malformed("core.get_torrents_status", e))
    }

    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>> {
        let hash = normalize_hash(&self.server, info_hash)?;
        Ok(self.get_many(&[hash]).await?.into_iter().next())
    }

    async fn get_many(&self, info_hashes: &[String]) -> Result<Vec<Torrent>> {
        let hashes = info_hashes
            .iter()
            .map(|h| normalize_hash(&self.server, h))
            .collect::<Result<Vec<_>>>()?;
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let found = self
            .status(json!({ "id": hashes }), &TORRENT_FIELDS)
            .await?;
        torrents_from_status(&Value::Object(found))
            .map_err(|e| self.malformed("core.get_torrents_status", e))
    }

    async fn add(&self, torrent: AddTorrent) -> Result<String> {
        // Validates the input locally, and names the duplicate.
        let hash = source_hash(&self.server, &torrent.source).await?;
        let label = if torrent.labels.is_empty() {
            None
        } else {
            self.checked_label(&torrent.labels).await?
        };
        let mut options = json!({ "add_paused": !torrent.start });
        if torrent.skip_checking {
            options["seed_mode"] = json!(true);
        }
        if let Some(path) = &torrent.save_path {
            options["download_location"] = json!(path);
        }
        let (method, args) = match &torrent.source {
            TorrentSource::File(bytes) => (
                "core.add_torrent_file",
                vec![
                    json!(format!("{hash}.torrent")),
                    json!(BASE64.encode(bytes)),
                    options,
                ],
            ),
            TorrentSource::Magnet(link) => ("core.add_torrent_magnet", vec![json!(link), options]),
        };
        let added = match self.call(method, args).await {
            Ok(added) => added,
            Err(e) => {
                return Err(match &e.kind {
                    ErrorKind::Rejected(message)
                        if message.contains("already in session")
                            || message.contains("already being added") =>
                    {
                        self.error(ErrorKind::Duplicate(hash))
                    }
                    _ => e,
                });
            }
        };
        let added = added.as_str().map(str::to_ascii_lowercase).ok_or_else(|| {
            self.error(ErrorKind::Rejected(format!("{method}: nothing was added")))
        })?;
        if label.is_some() {
            self.apply_label(&added, label.as_deref()).await?;
        }
        Ok(added)
    }

    async fn start(&self, info_hashes: &[String]) -> Result<()> {
        self.act("core.resume_torrent", info_hashes).await
    }

    async fn stop(&self, info_hashes: &[String]) -> Result<()> {
        // Deluge skips a pause while its cached status still says "paused"
        // (a resume sent just before: deluge/core/torrent.py Torrent.pause).
        // `core.get_torrent_status` refreshes that cache; the list call does
        // not. One call per torrent, a few at a time.
        let refreshes = self.existing(info_hashes).await?.into_iter().map(|hash| {
            self.call(
                "core.get_torrent_status",
                vec![json!(hash), json!(["paused"])],
            )
        });
        futures::stream::iter(refreshes)
            .buffer_unordered(STATUS_REFRESHES_AT_ONCE)
            .try_collect::<Vec<_>>()
            .await?;
        self.act("core.pause_torrent", info_hashes).await
    }

    async fn recheck(&self, info_hashes: &[String]) -> Result<()> {
        self.act("core.force_recheck", info_hashes).await
    }

    async fn reannounce(&self, info_hashes: &[String]) -> Result<()> {
        self.act("core.force_reannounce", info_hashes).await
    }

    async fn move_data(&self, info_hash: &str, directory: &str) -> Result<()> {
        let hashes = self.existing(&[info_hash.to_owned()]).await?;
        self.call("core.move_storage", vec![json!(hashes), json!(directory)])
            .await?;
        Ok(())
    }

    async fn remove(&self, info_hash: &str, delete_data: bool) -> Result<RemoveOutcome> {
        let (hash, status) = self
            .status_of(info_hash, &["name", "download_location"])
            .await?;
        let text = |key: &str| status.get(key).and_then(Value::as_str).unwrap_or_default();
        let path = format!(
            "{}/{}",
            text("download_location").trim_end_matches('/'),
            text("name")
        );
        let method = "core.remove_torrent";
        let removed = self
            .call(method, vec![json!(hash), json!(delete_data)])
            .await?;
        if removed != Value::Bool(true) {
            return Err(self.error(ErrorKind::Rejected(format!(
                "{method}: Deluge could not remove the torrent"
            ))));
        }
        // libtorrent deletes exactly the torrent's own files.
        let data = if delete_data {
            DataRemoval::Deleted { path }
        } else {
            DataRemoval::Kept { path }
        };
        Ok(RemoveOutcome {
            info_hash: hash,
            data,
            files: None,
        })
    }

    async fn files(&self, info_hash: &str) -> Result<Vec<TorrentFile>> {
        let (_, status) = self.status_of(info_hash, &FILE_FIELDS).await?;
        files_from_status(&status).map_err(|e| self.malformed("core.get_torrents_status files", e))
    }

    async fn set_file_priorities(
        &self,
        info_hash: &str,
        priorities: &[(usize, FilePriority)],
    ) -> Result<()> {
        let (hash, status) = self.status_of(info_hash, &["file_priorities"]).await?;
        // Deluge sets them all at once: the others stay as they are.
        let mut all = priorities_from_status(&status)
            .map_err(|e| self.malformed("core.get_torrents_status", e))?;
        for (index, priority) in priorities {
            let slot = all.get_mut(*index).ok_or_else(|| {
                self.error(ErrorKind::Invalid(format!(
                    "file index {index} is out of range: the torrent has {} files now",
                    status
                        .get("file_priorities")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len)
                )))
            })?;
            *slot = priority_to_deluge(*priority);
        }
        self.call(
            "core.set_torrent_options",
            vec![json!([hash]), json!({ "file_priorities": all })],
        )
        .await?;
        Ok(())
    }

    async fn peers(&self, info_hash: &str) -> Result<Vec<Peer>> {
        let (_, status) = self.status_of(info_hash, &["peers"]).await?;
        peers_from_status(&status).map_err(|e| self.malformed("core.get_torrents_status peers", e))
    }

    async fn trackers(&self, info_hash: &str) -> Result<Vec<Tracker>> {
        let (_, status) = self.status_of(info_hash, &TRACKER_FIELDS).await?;
        trackers_from_status(&status)
            .map_err(|e| self.malformed("core.get_torrents_status trackers", e))
    }

    async fn transfer_settings(&self, info_hash: &str) -> Result<TransferSettings> {
        self.read_limits(info_hash).await
    }

    async fn set_transfer_settings(&self, info_hash: &str, change: TransferChange) -> Result<()> {
        self.write_limits(info_hash, change).await
    }

    async fn set_labels(&self, info_hash: &str, labels: &[String]) -> Result<()> {
        let hash = normalize_hash(&self.server, info_hash)?;
        let label = self.checked_label(labels).await?;
        self.existing(std::slice::from_ref(&hash)).await?;
        self.apply_label(&hash, label.as_deref()).await
    }

    async fn free_space(&self) -> Result<Option<u64>> {
        // Of the default download location; -1 when Deluge cannot tell.
        let free = self.call("core.get_free_space", vec![]).await?;
        Ok(free.as_i64().and_then(|bytes| u64::try_from(bytes).ok()))
    }
}
