//! The API's view of what the fleet holds.

use std::sync::Arc;

use serde_json::{Map, Value};
use tm_api_types::{ServerType, TorrentErrorKind, TorrentInfo, TorrentState};
use tm_backends::Torrent;

use super::view_json::{ViewJson, server_fields};
use super::views::Views;
use super::{ServerSpec, stream_json};
use crate::core::from_millis;

pub fn state_of(torrent: &Torrent) -> TorrentState {
    use tm_backends::TorrentState as S;
    match torrent.state {
        S::Downloading => TorrentState::Downloading,
        S::Seeding => TorrentState::Seeding,
        S::Paused => TorrentState::Paused,
        S::Queued => TorrentState::Queued,
        S::Checking => TorrentState::Checking,
        S::Error => TorrentState::Error,
        S::Metadata => TorrentState::Metadata,
    }
}

/// The API's view of a torrent on `server`; `has_metainfo` tells whether
/// the store holds its .torrent.
pub fn torrent_info(server: &ServerIdentity, t: &Torrent, has_metainfo: bool) -> TorrentInfo {
    let state = state_of(t);
    TorrentInfo {
        info_hash: t.info_hash.clone(),
        info_hash_v2: t.info_hash_v2.clone(),
        name: t.name.clone(),
        server_id: server.id.clone(),
        server_name: server.name.clone(),
        server_type: server.server_type,
        state,
        progress: t.progress,
        size: t.size,
        downloaded: t.downloaded,
        uploaded: t.uploaded,
        ratio: t.ratio,
        download_rate: t.download_rate,
        upload_rate: t.upload_rate,
        eta: t.eta,
        peers: t.peers,
        seeds: t.seeds,
        labels: t.labels.clone(),
        category: t.category.clone(),
        save_path: t.save_path.clone(),
        base_path: t.base_path.clone(),
        added_at: t.added_at.map(|s| from_millis(s * 1000)),
        completed_at: t.completed_at.map(|s| from_millis(s * 1000)),
        is_private: t.is_private,
        is_active: t.is_active,
        complete: t.complete,
        error: t.error.clone(),
        error_kind: t.error_kind.map(|kind| match kind {
            tm_backends::TorrentErrorKind::Tracker => TorrentErrorKind::Tracker,
            tm_backends::TorrentErrorKind::Client => TorrentErrorKind::Client,
        }),
        tracker: t.tracker.clone(),
        tracker_status: t.tracker_status,
        tracker_message: t.tracker_message.clone(),
        has_metainfo,
        bytes_done: t.downloaded,
        directory: t.save_path.clone(),
        is_magnet: state == TorrentState::Metadata,
    }
}

/// The server a view belongs to, shared by all of its views.
#[derive(Debug)]
pub struct ServerIdentity {
    pub id: String,
    pub name: String,
    pub server_type: ServerType,
    /// The three as its torrents' JSON holds them (see `view_json`).
    pub json_fields: Box<str>,
}

impl ServerIdentity {
    pub fn of(server: &ServerSpec) -> Self {
        Self {
            id: server.id.clone(),
            name: server.name.clone(),
            server_type: server.server_type,
            json_fields: server_fields(&server.id, &server.name, server.server_type),
        }
    }

    /// Whether `server` still has this id, name and type.
    pub fn is_of(&self, server: &ServerSpec) -> bool {
        self.id == server.id && self.name == server.name && self.server_type == server.server_type
    }
}

/// A torrent as its client reported it, with what lists need precomputed.
/// The API's `TorrentInfo` is made from it on demand ([`TorrentView::info`])
/// rather than kept: with 5,000 torrents a kept copy cost 3 MB.
#[derive(Debug)]
pub struct TorrentView {
    pub torrent: Torrent,
    pub server: Arc<ServerIdentity>,
    /// Whether the store holds the torrent's .torrent.
    pub has_metainfo: bool,
    /// Lower-case name, for sorting and searching.
    pub name_key: String,
    /// The API's view as JSON, less what the server's views share.
    pub json: ViewJson,
}

impl TorrentView {
    pub fn new(server: &Arc<ServerIdentity>, torrent: Torrent, has_metainfo: bool) -> Self {
        let json = to_json(&torrent_info(server, &torrent, has_metainfo));
        Self {
            name_key: torrent.name.to_lowercase(),
            torrent,
            json: ViewJson::new(json, &server.json_fields),
            server: Arc::clone(server),
            has_metainfo,
        }
    }

    /// The length of the API's JSON.
    pub fn json_len(&self) -> usize {
        self.json.len(&self.server.json_fields)
    }

    /// Appends the API's JSON to `out`.
    pub fn write_json(&self, out: &mut String) {
        self.json.write(&self.server.json_fields, out);
    }

    #[cfg(test)]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// The API's view of the torrent.
    pub fn info(&self) -> TorrentInfo {
        torrent_info(&self.server, &self.torrent, self.has_metainfo)
    }

    pub fn state(&self) -> TorrentState {
        state_of(&self.torrent)
    }
}

/// A JSON array of views, concatenated from their serialized forms.
pub fn json_array<'a>(views: impl IntoIterator<Item = &'a Arc<TorrentView>>) -> String {
    let views: Vec<&Arc<TorrentView>> = views.into_iter().collect();
    let mut out = String::with_capacity(2 + views.iter().map(|v| v.json_len() + 1).sum::<usize>());
    out.push('[');
    for (n, view) in views.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        view.write_json(&mut out);
    }
    out.push(']');
    out
}

/// What changed on one server between two snapshots, as sent to live
/// clients (JSON): new torrents whole (in their stream form), changed ones as
/// only their changed fields, removed ones by hash.
pub fn delta(server_id: &str, revision: u64, before: &Views, after: &Views) -> String {
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for (hash, view) in after.iter() {
        match before.get(hash) {
            None => added.push(view),
            Some(old) if !Arc::ptr_eq(old, view) => {
                changed.push(changed_fields(to_map(&old.info()), to_map(&view.info())))
            }
            Some(_) => {}
        }
    }
    let removed: Vec<&String> = before.keys().filter(|h| !after.contains_key(h)).collect();
    format!(
        r#"{{"server_id":{},"revision":{revision},"added":{},"changed":{},"removed":{}}}"#,
        to_json(server_id),
        stream_json::stream_array(added),
        to_json(&changed),
        to_json(&removed),
    )
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn to_map(info: &TorrentInfo) -> Map<String, Value> {
    match serde_json::to_value(info) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The fields of `new` that differ from `old`, plus the torrent's identity.
fn changed_fields(old: Map<String, Value>, new: Map<String, Value>) -> Value {
    let mut fields: Map<String, Value> = new
        .into_iter()
        .filter(|(key, value)| !stream_json::is_alias(key) && old.get(key) != Some(value))
        .collect();
    for key in ["info_hash", "server_id"] {
        if let Some(value) = old.get(key) {
            fields.insert(key.to_string(), value.clone());
        }
    }
    Value::Object(fields)
}
