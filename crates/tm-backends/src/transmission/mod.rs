//! Transmission adapter (RPC over HTTP). Per-torrent calls address torrents by
//! hash string in `ids`; integer ids are used only to resolve the `removed`
//! list of incremental polls.

mod details;
mod rpc;
mod settings;

pub(crate) use tm_wire::transmission::{mapping, reply, table};

use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::Mutex;

use async_trait::async_trait;
use data_encoding::BASE64;
use serde_json::{Value, json};

use self::details::{files_from_object, peer_from_object, tracker_from_stats};
use self::mapping::{TORRENT_FIELDS, torrent_from_object};
use self::rpc::TransmissionRpc;
use self::table::{Table, TableArguments};
use crate::client::{TorrentClient, normalize_hash, source_hash};
use crate::config::{BackendConfig, ClientKind};
use crate::connection::{HttpEndpoint, Login};
use crate::error::{BackendError, ErrorKind, Result};
use crate::http::{HttpAuth, HttpChannel};
use crate::model::{
    AddTorrent, Capabilities, ClientInfo, DataRemoval, FilePriority, LabelSupport, Peer,
    RemoveOutcome, Torrent, TorrentChanges, TorrentFile, TorrentSource, TorrentState, Tracker,
    TransferChange, TransferSettings,
};

pub(crate) struct Transmission {
    rpc: TransmissionRpc,
    server: String,
    /// Integer id → hash of every torrent seen, for `removed` in `list_changes`.
    /// Empty until the first list: then `list_changes` returns a full list.
    known_ids: Mutex<HashMap<i64, String>>,
    /// Torrents stopped while being checked. Transmission 3 forgets such a
    /// stop when a start was pending and starts them once the check ends;
    /// the lists stop them again then.
    stop_after_check: Mutex<HashSet<String>>,
}

/// Transmission's status codes for "waiting to check" and "checking".
const CHECK_STATUSES: [i64; 2] = [1, 2];

impl Transmission {
    pub fn new(
        config: &BackendConfig,
        endpoint: &HttpEndpoint,
        login: Option<&Login>,
    ) -> Result<Self> {
        let server = config.server_label();
        let auth = login.cloned().map(HttpAuth::Basic);
        let http = HttpChannel::new(config, endpoint, auth, &server)?;
        Ok(Self {
            rpc: TransmissionRpc::new(http, &server),
            server,
            known_ids: Mutex::new(HashMap::new()),
            stop_after_check: Mutex::new(HashSet::new()),
        })
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    fn malformed(&self, what: &str, reason: String) -> BackendError {
        self.error(ErrorKind::Malformed(format!("{what}: {reason}")))
    }

    fn known_ids(&self) -> std::sync::MutexGuard<'_, HashMap<i64, String>> {
        self.known_ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn hashes(&self, info_hashes: &[String]) -> Result<Vec<String>> {
        info_hashes
            .iter()
            .map(|h| normalize_hash(&self.server, h))
            .collect()
    }

    /// `torrent-get` for some hashes; `torrents` of the answer, one per known hash.
    async fn torrent_get(&self, hashes: &[String], fields: &[&str]) -> Result<Vec<Value>> {
        let mut answer = self
            .rpc
            .call("torrent-get", json!({ "ids": hashes, "fields": fields }))
            .await?;
        match answer.get_mut("torrents").map(Value::take) {
            Some(Value::Array(torrents)) => Ok(torrents),
            _ => Err(self.malformed("torrent-get", "no torrents list".to_owned())),
        }
    }

    /// One torrent's requested fields, or `NotFound`.
    async fn torrent_fields(&self, info_hash: &str, fields: &[&str]) -> Result<Value> {
        let hash = normalize_hash(&self.server, info_hash)?;
        self.torrent_get(std::slice::from_ref(&hash), fields)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| self.error(ErrorKind::NotFound(hash)))
    }

    /// Transmission silently ignores unknown hashes: check them first.
    async fn existing(&self, info_hashes: &[String]) -> Result<Vec<String>> {
        let hashes = self.hashes(info_hashes)?;
        if hashes.is_empty() {
            return Ok(hashes);
        }
        let found = self.torrent_get(&hashes, &["hashString"]).await?;
        let found: Vec<String> = found
            .iter()
            .filter_map(|t| t.get("hashString").and_then(Value::as_str))
            .map(str::to_ascii_lowercase)
            .collect();
        match hashes.iter().find(|h| !found.contains(h)) {
            Some(missing) => Err(self.error(ErrorKind::NotFound(missing.clone()))),
            None => Ok(hashes),
        }
    }

    /// Runs an action (`torrent-start`, …) on existing torrents.
    async fn act(&self, method: &str, info_hashes: &[String]) -> Result<()> {
        let hashes = self.existing(info_hashes).await?;
        if !hashes.is_empty() {
            self.rpc.call(method, json!({ "ids": hashes })).await?;
        }
        Ok(())
    }

    fn stop_after_check(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.stop_after_check
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stops again the torrents whose stop Transmission dropped during a
    /// check (see `stop_after_check`), and shows them as stopped. Torrents
    /// still checking stay on the list; stopped or vanished ones leave it.
    async fn enforce_stops(&self, torrents: &mut [Torrent], full: bool) -> Result<()> {
        let pending: HashSet<String> = self.stop_after_check().clone();
        if pending.is_empty() {
            return Ok(());
        }
        let mut restart_denied = Vec::new();
        let mut settled = Vec::new();
        for torrent in torrents
            .iter_mut()
            .filter(|t| pending.contains(&t.info_hash))
        {
            match torrent.state {
                TorrentState::Checking | TorrentState::Queued => {}
                _ if torrent.is_active => {
                    restart_denied.push(torrent.info_hash.clone());
                    torrent.state = TorrentState::Paused;
                    torrent.is_active = false;
                }
                _ => settled.push(torrent.info_hash.clone()),
            }
        }
        if full {
            let listed: HashSet<&String> = torrents.iter().map(|t| &t.info_hash).collect();
            settled.extend(pending.iter().filter(|h| !listed.contains(h)).cloned());
        }
        if !restart_denied.is_empty() {
            self.rpc
                .call("torrent-stop", json!({ "ids": restart_denied }))
                .await?;
        }
        let mut pending = self.stop_after_check();
        for hash in restart_denied.iter().chain(&settled) {
            pending.remove(hash);
        }
        Ok(())
    }

    /// The big list in table format (with integer ids), and the removed ids.
    async fn table(&self, ids: Option<&str>) -> Result<(Table, Vec<i64>)> {
        let mut arguments = json!({ "fields": TORRENT_FIELDS, "format": "table" });
        if let Some(ids) = ids {
            arguments["ids"] = json!(ids);
        }
        let answer = self
            .rpc
            .call_as::<TableArguments>("torrent-get", arguments)
            .await?;
        let (torrents, removed) = answer.map(|a| (a.torrents, a.removed)).unwrap_or_default();
        let torrents = torrents
            .ok_or_else(|| self.malformed("torrent-get", "no torrents table".to_owned()))?;
        let removed = removed
            .as_ref()
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        Ok((torrents, removed))
    }
}

/// `(id, hash)` of each torrent of a table, for `known_ids`.
fn remember(table: &Table) -> impl Iterator<Item = (i64, String)> + '_ {
    table
        .ids
        .iter()
        .zip(&table.torrents)
        .map(|(id, t)| (*id, t.info_hash.clone()))
}

#[async_trait]
impl TorrentClient for Transmission {
    fn kind(&self) -> ClientKind {
        ClientKind::Transmission
    }

    fn server_label(&self) -> &str {
        &self.server
    }

    async fn probe(&self) -> Result<ClientInfo> {
        let answer = self
            .rpc
            .call(
                "session-get",
                json!({ "fields": ["version", "rpc-version"] }),
            )
            .await?;
        let version = answer
            .get("version")
            .and_then(Value::as_str)
            .ok_or_else(|| self.malformed("session-get", "no version".to_owned()))?;
        let rpc_version = answer.get("rpc-version").and_then(Value::as_i64);
        Ok(ClientInfo {
            client: ClientKind::Transmission,
            version: version.to_owned(),
            api_version: rpc_version.map(|v| v.to_string()),
            capabilities: Capabilities {
                // `labels` came with RPC 16 (Transmission 3.00).
                labels: if rpc_version.is_some_and(|v| v >= 16) {
                    LabelSupport::Many
                } else {
                    LabelSupport::None
                },
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
                incremental_list: true,
                speed_limits: true,
                bandwidth_priority: true,
                seeding_goals: true,
            },
        })
    }

    async fn list(&self) -> Result<Vec<Torrent>> {
        let (mut table, _) = self.table(None).await?;
        {
            let mut known = self.known_ids();
            known.clear();
            known.extend(remember(&table));
        }
        self.enforce_stops(&mut table.torrents, true).await?;
        Ok(table.torrents)
    }

    async fn list_changes(&self) -> Result<TorrentChanges> {
        if self.known_ids().is_empty() {
            return Ok(TorrentChanges {
                full: true,
                torrents: self.list().await?,
                removed: Vec::new(),
            });
        }
        let (mut table, removed_ids) = self.table(Some("recently-active")).await?;
        let removed: Vec<String> = {
            let mut known = self.known_ids();
            let removed = removed_ids
                .iter()
                .filter_map(|id| known.remove(id))
                .collect();
            known.extend(remember(&table));
            removed
        };
        {
            let mut pending = self.stop_after_check();
            for hash in &removed {
                pending.remove(hash);
            }
        }
        self.enforce_stops(&mut table.torrents, false).await?;
        Ok(TorrentChanges {
            full: false,
            torrents: table.torrents,
            removed,
        })
    }

    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>> {
        let hash = normalize_hash(&self.server, info_hash)?;
        Ok(self.get_many(&[hash]).await?.into_iter().next())
    }

    async fn get_many(&self, info_hashes: &[String]) -> Result<Vec<Torrent>> {
        let hashes = self.hashes(info_hashes)?;
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let mut torrents = Vec::with_capacity(hashes.len());
        for object in self.torrent_get(&hashes, &TORRENT_FIELDS).await? {
            let (id, torrent) =
                torrent_from_object(object).map_err(|e| self.malformed("torrent-get", e))?;
            // Lets the next incremental list report its removal. Before the
            // first full list there is nothing to add it to.
            let mut known = self.known_ids();
            if !known.is_empty() {
                known.insert(id, torrent.info_hash.clone());
            }
            torrents.push(torrent);
        }
        self.enforce_stops(&mut torrents, false).await?;
        Ok(torrents)
    }

    async fn add(&self, torrent: AddTorrent) -> Result<String> {
        // Validates the input locally, as the rTorrent adapter must.
        source_hash(&self.server, &torrent.source).await?;
        let mut arguments = match &torrent.source {
            TorrentSource::File(bytes) => json!({ "metainfo": BASE64.encode(bytes) }),
            TorrentSource::Magnet(link) => json!({ "filename": link }),
        };
        arguments["paused"] = json!(!torrent.start);
        if let Some(path) = &torrent.save_path {
            arguments["download-dir"] = json!(path);
        }
        let answer = self.rpc.call("torrent-add", arguments).await?;
        let hash_of = |key: &str| {
            answer
                .get(key)
                .and_then(|t| t.get("hashString"))
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
        };
        if let Some(duplicate) = hash_of("torrent-duplicate") {
            return Err(self.error(ErrorKind::Duplicate(duplicate)));
        }
        let hash = hash_of("torrent-added")
            .ok_or_else(|| self.malformed("torrent-add", "no torrent-added".to_owned()))?;
        // Transmission 3 ignores `labels` in torrent-add; set them afterwards.
        if !torrent.labels.is_empty() {
            self.set_labels(&hash, &torrent.labels).await?;
        }
        Ok(hash)
    }

    async fn start(&self, info_hashes: &[String]) -> Result<()> {
        self.act("torrent-start", info_hashes).await?;
        let mut pending = self.stop_after_check();
        for hash in self.hashes(info_hashes)? {
            pending.remove(&hash);
        }
        Ok(())
    }

    async fn stop(&self, info_hashes: &[String]) -> Result<()> {
        let hashes = self.hashes(info_hashes)?;
        if hashes.is_empty() {
            return Ok(());
        }
        let found = self.torrent_get(&hashes, &["hashString", "status"]).await?;
        let status_of = |hash: &String| {
            found
                .iter()
                .find(|t| t.get("hashString").and_then(Value::as_str) == Some(hash.as_str()))
                .map(|t| t.get("status").and_then(Value::as_i64))
        };
        let mut checking = Vec::new();
        for hash in &hashes {
            match status_of(hash) {
                None => return Err(self.error(ErrorKind::NotFound(hash.clone()))),
                Some(Some(status)) if CHECK_STATUSES.contains(&status) => {
                    checking.push(hash.clone())
                }
                Some(_) => {}
            }
        }
        self.rpc
            .call("torrent-stop", json!({ "ids": hashes }))
            .await?;
        self.stop_after_check().extend(checking);
        Ok(())
    }

    async fn recheck(&self, info_hashes: &[String]) -> Result<()> {
        self.act("torrent-verify", info_hashes).await
    }

    async fn reannounce(&self, info_hashes: &[String]) -> Result<()> {
        self.act("torrent-reannounce", info_hashes).await
    }

    async fn move_data(&self, info_hash: &str, directory: &str) -> Result<()> {
        let hashes = self.existing(&[info_hash.to_owned()]).await?;
        self.rpc
            .call(
                "torrent-set-location",
                json!({ "ids": hashes, "location": directory, "move": true }),
            )
            .await?;
        Ok(())
    }

    async fn remove(&self, info_hash: &str, delete_data: bool) -> Result<RemoveOutcome> {
        let found = self
            .torrent_fields(info_hash, &["hashString", "name", "downloadDir"])
            .await?;
        let text = |key: &str| found.get(key).and_then(Value::as_str).unwrap_or_default();
        let info_hash = text("hashString").to_ascii_lowercase();
        let path = format!(
            "{}/{}",
            text("downloadDir").trim_end_matches('/'),
            text("name")
        );
        self.rpc
            .call(
                "torrent-remove",
                json!({ "ids": [info_hash], "delete-local-data": delete_data }),
            )
            .await?;
        let data = if delete_data {
            DataRemoval::Deleted { path }
        } else {
            DataRemoval::Kept { path }
        };
        Ok(RemoveOutcome {
            info_hash,
            data,
            files: None,
        })
    }

    async fn files(&self, info_hash: &str) -> Result<Vec<TorrentFile>> {
        let answer = self
            .torrent_fields(info_hash, &["name", "files", "fileStats"])
            .await?;
        files_from_object(&answer).map_err(|e| self.malformed("torrent-get files", e))
    }

    async fn set_file_priorities(
        &self,
        info_hash: &str,
        priorities: &[(usize, FilePriority)],
    ) -> Result<()> {
        let hash = self.existing(&[info_hash.to_owned()]).await?;
        let indexes = |wanted: &dyn Fn(FilePriority) -> bool| -> Vec<usize> {
            priorities
                .iter()
                .filter(|(_, p)| wanted(*p))
                .map(|(i, _)| *i)
                .collect()
        };
        let mut arguments = json!({ "ids": hash });
        // An empty list means "all files" to Transmission: only send non-empty ones.
        for (key, list) in [
            ("files-unwanted", indexes(&|p| p == FilePriority::Skip)),
            ("files-wanted", indexes(&|p| p != FilePriority::Skip)),
            ("priority-low", indexes(&|p| p == FilePriority::Low)),
            ("priority-normal", indexes(&|p| p == FilePriority::Normal)),
            ("priority-high", indexes(&|p| p == FilePriority::High)),
        ] {
            if !list.is_empty() {
                arguments[key] = json!(list);
            }
        }
        self.rpc.call("torrent-set", arguments).await?;
        Ok(())
    }

    async fn peers(&self, info_hash: &str) -> Result<Vec<Peer>> {
        let answer = self.torrent_fields(info_hash, &["peers"]).await?;
        answer
            .get("peers")
            .and_then(Value::as_array)
            .ok_or_else(|| self.malformed("torrent-get peers", "no peers list".to_owned()))?
            .iter()
            .map(|p| peer_from_object(p).map_err(|e| self.malformed("torrent-get peers", e)))
            .collect()
    }

    async fn trackers(&self, info_hash: &str) -> Result<Vec<Tracker>> {
        let answer = self.torrent_fields(info_hash, &["trackerStats"]).await?;
        answer
            .get("trackerStats")
            .and_then(Value::as_array)
            .ok_or_else(|| self.malformed("torrent-get trackerStats", "no list".to_owned()))?
            .iter()
            .map(|t| tracker_from_stats(t).map_err(|e| self.malformed("trackerStats", e)))
            .collect()
    }

    async fn free_space(&self) -> Result<Option<u64>> {
        let session = self
            .rpc
            .call("session-get", json!({ "fields": ["download-dir"] }))
            .await?;
        let Some(directory) = session.get("download-dir").and_then(Value::as_str) else {
            return Ok(None);
        };
        let answer = self
            .rpc
            .call("free-space", json!({ "path": directory }))
            .await?;
        // -1 when Transmission could not read it.
        Ok(answer
            .get("size-bytes")
            .and_then(Value::as_i64)
            .and_then(|bytes| u64::try_from(bytes).ok()))
    }

    async fn transfer_settings(&self, info_hash: &str) -> Result<TransferSettings> {
        self.read_transfer_settings(info_hash).await
    }

    async fn set_transfer_settings(&self, info_hash: &str, change: TransferChange) -> Result<()> {
        self.write_transfer_settings(info_hash, change).await
    }

    async fn set_labels(&self, info_hash: &str, labels: &[String]) -> Result<()> {
        let hash = self.existing(&[info_hash.to_owned()]).await?;
        self.rpc
            .call("torrent-set", json!({ "ids": hash, "labels": labels }))
            .await?;
        Ok(())
    }
}
