//! Files, peers and trackers of one torrent → the model.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{FilePriority, Peer, TorrentFile, Tracker, TrackerStatus};

/// qBittorrent's file priorities.
const SKIP: i64 = 0;
const NORMAL: i64 = 1;
const HIGH: i64 = 6;
const MAXIMUM: i64 = 7;

/// What qBittorrent stores for `priority` (it has no "low": low is normal).
pub(super) fn wire_priority(priority: FilePriority) -> i64 {
    match priority {
        FilePriority::Skip => SKIP,
        FilePriority::Low | FilePriority::Normal => NORMAL,
        FilePriority::High => HIGH,
    }
}

fn model_priority(priority: i64) -> FilePriority {
    match priority {
        SKIP => FilePriority::Skip,
        HIGH | MAXIMUM => FilePriority::High,
        _ => FilePriority::Normal,
    }
}

/// What `torrents/properties` tells that `torrents/info` does not (before 5.0).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct QbtProperties {
    pub is_private: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(super) struct QbtFile {
    /// Absent before WebAPI 2.8.2: then the position in the list.
    #[serde(default)]
    index: Option<usize>,
    /// Relative to the save path, the torrent's folder included.
    name: String,
    #[serde(default)]
    size: i64,
    #[serde(default)]
    progress: f64,
    #[serde(default = "normal")]
    priority: i64,
}

fn normal() -> i64 {
    NORMAL
}

/// Files in index order, their paths without `folder/` (the torrent's own
/// folder relative to the save path; empty for a single file).
pub(super) fn files(list: Vec<QbtFile>, folder: &str) -> Vec<TorrentFile> {
    let prefix = format!("{}/", folder.trim_end_matches('/'));
    let mut files: Vec<TorrentFile> = list
        .into_iter()
        .enumerate()
        .map(|(position, file)| {
            let name = file.name.replace('\\', "/");
            let path = match name.strip_prefix(&prefix) {
                Some(inside) if !folder.is_empty() => inside.to_owned(),
                _ => name,
            };
            TorrentFile {
                index: file.index.unwrap_or(position),
                path,
                size: u64::try_from(file.size).unwrap_or(0),
                progress: (file.progress * 100.0).clamp(0.0, 100.0),
                priority: model_priority(file.priority),
            }
        })
        .collect();
    files.sort_by_key(|f| f.index);
    files
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct QbtPeers {
    /// `ip:port` → peer.
    pub peers: BTreeMap<String, QbtPeer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct QbtPeer {
    client: String,
    progress: f64,
    dl_speed: i64,
    up_speed: i64,
}

pub(super) fn peers(list: QbtPeers) -> Vec<Peer> {
    list.peers
        .into_iter()
        .map(|(address, peer)| Peer {
            address,
            client: peer.client,
            progress: (peer.progress * 100.0).clamp(0.0, 100.0),
            download_rate: u64::try_from(peer.dl_speed).unwrap_or(0),
            upload_rate: u64::try_from(peer.up_speed).unwrap_or(0),
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub(super) struct QbtTracker {
    url: String,
    #[serde(default)]
    status: i64,
    #[serde(default)]
    msg: String,
    #[serde(default = "unknown")]
    num_seeds: i64,
    #[serde(default = "unknown")]
    num_leeches: i64,
}

fn unknown() -> i64 {
    -1
}

/// Real trackers only: qBittorrent lists DHT, PeX and LSD as `** [DHT] **`…
pub(super) fn trackers(list: Vec<QbtTracker>) -> Vec<Tracker> {
    list.into_iter()
        .filter(|t| !t.url.starts_with("** ["))
        .map(|t| Tracker {
            status: match t.status {
                0 => TrackerStatus::Disabled,
                2 => TrackerStatus::Working,
                // 4 not working; 5 tracker error and 6 unreachable (WebAPI 2.13).
                4..=6 => TrackerStatus::Error,
                // 1 not contacted yet, 3 updating (no result yet).
                _ => TrackerStatus::NotContacted,
            },
            message: (!t.msg.is_empty()).then_some(t.msg),
            seeds: u64::try_from(t.num_seeds).ok(),
            peers: u64::try_from(t.num_leeches).ok(),
            url: t.url,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_paths_lose_the_torrent_folder() {
        let list: Vec<QbtFile> = serde_json::from_value(serde_json::json!([
            {"index": 1, "name": "album/sub/b.flac", "size": 30, "progress": 0.5, "priority": 6},
            {"index": 0, "name": "album/a.flac", "size": 20, "progress": 1, "priority": 0},
        ]))
        .unwrap();
        let files = files(list, "album");
        assert_eq!(files[0].path, "a.flac");
        assert_eq!(files[0].priority, FilePriority::Skip);
        assert_eq!(files[1].path, "sub/b.flac");
        assert_eq!(files[1].priority, FilePriority::High);
        assert_eq!(files[1].progress, 50.0);
        let single: Vec<QbtFile> =
            serde_json::from_value(serde_json::json!([{"name": "x.bin", "size": 1}])).unwrap();
        assert_eq!(super::files(single, "")[0].path, "x.bin");
    }

    #[test]
    fn pseudo_trackers_are_skipped() {
        let list: Vec<QbtTracker> = serde_json::from_value(serde_json::json!([
            {"url": "** [DHT] **", "status": 0},
            {"url": "** [PeX] **", "status": 0},
            {"url": "http://t.example/a", "status": 4, "msg": "down", "num_seeds": -1},
        ]))
        .unwrap();
        let trackers = trackers(list);
        assert_eq!(trackers.len(), 1);
        assert_eq!(trackers[0].status, TrackerStatus::Error);
        assert_eq!(trackers[0].seeds, None);
        assert_eq!(trackers[0].message.as_deref(), Some("down"));
    }
}
