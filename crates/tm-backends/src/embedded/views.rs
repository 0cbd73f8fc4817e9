//! librqbit's torrents as the mapping's views (`mapping.rs`). Stats go
//! through their JSON form, the very one rqbit's HTTP API answers, so the
//! mapping is the same for both.

use std::path::Component;

use librqbit::{ManagedTorrent, ManagedTorrentState};

use super::mapping::{FileView, Layout, StatsView, TorrentView};
use crate::model::Peer;

/// The stats; `with_files`: with each file's progress (one number per
/// file, left out of lists).
pub fn stats(torrent: &ManagedTorrent, with_files: bool) -> Result<StatsView, String> {
    let mut stats = torrent.stats();
    if !with_files {
        stats.file_progress = Vec::new();
    }
    serde_json::to_value(stats)
        .and_then(serde_json::from_value)
        .map_err(|e| format!("unexpected engine stats: {e}"))
}

pub fn torrent(torrent: &ManagedTorrent) -> TorrentView {
    let metadata = torrent.metadata.load();
    let (layout, private) = match metadata.as_ref() {
        Some(m) if m.info.info().files.is_some() => (Layout::MultiFile, m.info.info().private),
        Some(m) => (
            Layout::SingleFile(
                m.file_infos
                    .first()
                    .map(|f| relative(&f.relative_filename))
                    .unwrap_or_default(),
            ),
            m.info.info().private,
        ),
        None => (Layout::Unknown, false),
    };
    let mut trackers: Vec<String> = torrent
        .shared()
        .trackers
        .iter()
        .map(|u| u.to_string())
        .collect();
    trackers.sort();
    TorrentView {
        info_hash: torrent.info_hash().as_string(),
        name: torrent.name(),
        output_folder: torrent.output_folder().to_string_lossy().into_owned(),
        layout,
        private,
        trackers,
    }
}

/// Stopped by an error of its own (a start retries it).
pub fn failed(torrent: &ManagedTorrent) -> bool {
    torrent.with_state(|s| matches!(s, ManagedTorrentState::Error(_)))
}

pub fn files(torrent: &ManagedTorrent) -> Vec<FileView> {
    torrent
        .metadata
        .load()
        .as_ref()
        .map(|m| {
            m.file_infos
                .iter()
                .map(|f| FileView {
                    path: relative(&f.relative_filename),
                    size: f.len,
                    padding: f.attrs.padding,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The connected peers (none unless the torrent is live).
pub fn peers(torrent: &ManagedTorrent) -> Vec<Peer> {
    let Some(live) = torrent.live() else {
        return Vec::new();
    };
    let snapshot = live.per_peer_stats_snapshot(Default::default());
    let mut peers: Vec<Peer> = snapshot
        .peers
        .iter()
        .map(|(address, stats)| super::mapping::peer(address, stats.client_name.as_deref()))
        .collect();
    peers.sort_by(|a, b| a.address.cmp(&b.address));
    peers
}

/// A path inside the torrent, `/`-separated; anything but plain names shows
/// as is (and is never deleted: see `removal.rs`).
fn relative(path: &std::path::Path) -> String {
    path.components()
        .map(|c| match c {
            Component::Normal(name) => name.to_string_lossy().into_owned(),
            Component::ParentDir => "..".to_owned(),
            Component::CurDir => ".".to_owned(),
            Component::RootDir | Component::Prefix(_) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("/")
}
