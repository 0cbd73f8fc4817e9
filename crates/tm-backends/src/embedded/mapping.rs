//! From the engine's view of a torrent to the model, with no librqbit type
//! in sight: the structs mirror what rqbit's HTTP API answers as JSON
//! (`TorrentStats` of `/torrents/{id}/stats/v1`, the file list of
//! `/torrents/{id}`), so the `rqbit` adapter (rqbit servers run elsewhere,
//! `crate::rqbit`) deserializes into them and shares these functions.
//!
//! State mapping: `initializing` → checking; `live` → seeding when finished,
//! else downloading; `paused` → paused; `error` → error (the engine's own).
//! A magnet still resolving its metadata (kept by the adapter, not the
//! engine) is `metadata`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{
    Capabilities, FilePriority, LabelSupport, Peer, Torrent, TorrentErrorKind, TorrentFile,
    TorrentState, tracker_host,
};

/// What a librqbit engine can do, in process or behind rqbit's HTTP API;
/// they differ in labels only (kept by torrent-manager in process).
pub fn capabilities(labels: LabelSupport) -> Capabilities {
    Capabilities {
        labels,
        category: false,
        file_priorities: true,
        low_file_priority: false,
        high_file_priority: false,
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
    }
}

/// The engine's state names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineState {
    /// Checking the data on disk (`initializing_paused`: to stay paused after).
    Initializing,
    Live,
    #[default]
    Paused,
    Error,
}

/// rqbit's `TorrentStats`, the fields used.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatsView {
    pub state: EngineState,
    #[serde(default)]
    pub initializing_paused: bool,
    #[serde(default)]
    pub error: Option<String>,
    /// Verified bytes (of the selected files); while initializing, the
    /// bytes checked so far (good or not).
    pub progress_bytes: u64,
    /// Uploaded while live, since the engine started.
    pub uploaded_bytes: u64,
    /// Bytes of the selected files.
    pub total_bytes: u64,
    pub finished: bool,
    /// Verified bytes per file, by file index.
    #[serde(default)]
    pub file_progress: Vec<u64>,
    #[serde(default)]
    pub live: Option<LiveView>,
}

/// rqbit's `LiveStats`, the fields used.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LiveView {
    pub download_speed: SpeedView,
    pub upload_speed: SpeedView,
    pub snapshot: SnapshotView,
}

/// A speed in MiB/s, as rqbit gives it.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct SpeedView {
    pub mbps: f64,
}

impl SpeedView {
    pub fn bytes_per_second(self) -> u64 {
        if self.mbps.is_finite() && self.mbps > 0.0 {
            (self.mbps * 1024.0 * 1024.0) as u64
        } else {
            0
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SnapshotView {
    pub peer_stats: PeerCountsView,
}

/// rqbit's `AggregatePeerStats`, the fields used.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct PeerCountsView {
    pub live: u32,
    #[serde(default)]
    pub live_seeders: u32,
}

/// One file of the torrent, by index (padding files included: indices are
/// the engine's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileView {
    /// `/`-separated, inside the torrent's folder.
    pub path: String,
    pub size: u64,
    pub padding: bool,
}

/// Where the data of a torrent lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// One file, `<output folder>/<file>`.
    SingleFile(String),
    /// The files under the output folder, which is `<save path>/<name>`.
    MultiFile,
    /// No metadata yet (a magnet).
    Unknown,
}

/// Everything the list shows of one torrent besides its stats.
#[derive(Debug, Clone)]
pub struct TorrentView {
    /// Lower-case hex v1 hash.
    pub info_hash: String,
    pub name: Option<String>,
    /// The folder the engine writes the files under.
    pub output_folder: String,
    pub layout: Layout,
    pub private: bool,
    pub trackers: Vec<String>,
}

/// What torrent-manager keeps about a torrent beside the engine.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub labels: Vec<String>,
    pub added_at: Option<i64>,
}

/// The model's state, and whether the user has it started.
pub fn state(stats: &StatsView) -> (TorrentState, bool) {
    match stats.state {
        EngineState::Initializing => (TorrentState::Checking, !stats.initializing_paused),
        EngineState::Live if stats.finished => (TorrentState::Seeding, true),
        EngineState::Live => (TorrentState::Downloading, true),
        EngineState::Paused => (TorrentState::Paused, false),
        EngineState::Error => (TorrentState::Error, false),
    }
}

/// `(save_path, base_path)`: the directory holding the data, and the data.
pub fn paths(view: &TorrentView) -> (String, String) {
    let folder = view.output_folder.trim_end_matches('/');
    match &view.layout {
        Layout::SingleFile(file) => (folder.to_owned(), format!("{folder}/{file}")),
        Layout::MultiFile => {
            let parent = folder.rsplit_once('/').map_or("/", |(p, _)| p);
            let parent = if parent.is_empty() { "/" } else { parent };
            (parent.to_owned(), folder.to_owned())
        }
        Layout::Unknown => (folder.to_owned(), folder.to_owned()),
    }
}

/// The model's torrent.
pub fn torrent(view: &TorrentView, stats: &StatsView, kept: &Kept) -> Torrent {
    let (state, is_active) = state(stats);
    let (save_path, base_path) = paths(view);
    // While checking, the engine counts bytes read, not bytes found good.
    let verified = if stats.state == EngineState::Initializing {
        0
    } else {
        stats.progress_bytes
    };
    let live = stats.live.as_ref();
    let download_rate = live.map_or(0, |l| l.download_speed.bytes_per_second());
    let upload_rate = live.map_or(0, |l| l.upload_speed.bytes_per_second());
    let remaining = stats.total_bytes.saturating_sub(verified);
    let eta = (state == TorrentState::Downloading && download_rate > 0)
        .then(|| i64::try_from(remaining / download_rate).unwrap_or(i64::MAX));
    let progress = if stats.total_bytes == 0 {
        if stats.finished { 100.0 } else { 0.0 }
    } else {
        (verified as f64 / stats.total_bytes as f64 * 100.0).min(100.0)
    };
    let ratio = if verified == 0 {
        0.0
    } else {
        stats.uploaded_bytes as f64 / verified as f64
    };
    let error = stats.error.clone().filter(|_| state == TorrentState::Error);
    Torrent {
        info_hash: view.info_hash.clone(),
        info_hash_v2: None,
        name: view.name.clone().unwrap_or_else(|| view.info_hash.clone()),
        state,
        progress,
        size: stats.total_bytes,
        downloaded: verified,
        uploaded: stats.uploaded_bytes,
        ratio,
        download_rate,
        upload_rate,
        eta,
        peers: live.map_or(0, |l| l.snapshot.peer_stats.live),
        seeds: live.map_or(0, |l| l.snapshot.peer_stats.live_seeders),
        labels: kept.labels.clone(),
        category: None,
        save_path,
        base_path,
        added_at: kept.added_at,
        completed_at: None,
        is_private: view.private,
        is_active,
        complete: stats.finished && stats.total_bytes > 0,
        error_kind: error.as_ref().map(|_| TorrentErrorKind::Client),
        error,
        tracker: view.trackers.first().and_then(|t| tracker_host(t)),
        // The engine tells nothing of its announces.
        tracker_status: None,
        tracker_message: None,
    }
}

/// A magnet still fetching its metadata.
pub fn resolving(view: &TorrentView, started: bool, error: Option<String>, kept: &Kept) -> Torrent {
    let stats = StatsView::default();
    let mut torrent = torrent(view, &stats, kept);
    torrent.state = if error.is_some() {
        TorrentState::Error
    } else {
        TorrentState::Metadata
    };
    torrent.is_active = started;
    torrent.error_kind = error.as_ref().map(|_| TorrentErrorKind::Client);
    torrent.error = error;
    torrent
}

/// The files, with their progress and priority: unselected files are
/// skipped; selected ones show the priority asked for (`wishes`, kept by
/// torrent-manager: the engine downloads every selected file alike).
pub fn files(
    files: &[FileView],
    file_progress: &[u64],
    selected: Option<&[usize]>,
    wishes: &BTreeMap<usize, FilePriority>,
) -> Vec<TorrentFile> {
    files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.padding)
        .map(|(index, file)| {
            let done = file_progress.get(index).copied().unwrap_or(0);
            let wanted = selected.is_none_or(|s| s.contains(&index));
            TorrentFile {
                index,
                path: file.path.clone(),
                size: file.size,
                progress: if file.size == 0 {
                    100.0
                } else {
                    (done as f64 / file.size as f64 * 100.0).min(100.0)
                },
                priority: if wanted {
                    wishes
                        .get(&index)
                        .copied()
                        .filter(|p| *p != FilePriority::Skip)
                        .unwrap_or(FilePriority::Normal)
                } else {
                    FilePriority::Skip
                },
            }
        })
        .collect()
}

/// The engine's file selection after `changes`, from the current one
/// (`None`: every file), for a torrent of `count` files.
pub fn selection(
    count: usize,
    current: Option<&[usize]>,
    changes: &[(usize, FilePriority)],
) -> Vec<usize> {
    let mut wanted: Vec<bool> = (0..count)
        .map(|i| current.is_none_or(|s| s.contains(&i)))
        .collect();
    for (index, priority) in changes {
        if let Some(slot) = wanted.get_mut(*index) {
            *slot = *priority != FilePriority::Skip;
        }
    }
    (0..count).filter(|i| wanted[*i]).collect()
}

/// A connected peer; the engine reports neither its progress nor per-peer
/// rates (only byte counters), so those are 0.
pub fn peer(address: &str, client: Option<&str>) -> Peer {
    Peer {
        address: address.to_owned(),
        client: client.unwrap_or_default().to_owned(),
        progress: 0.0,
        download_rate: 0,
        upload_rate: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(layout: Layout, folder: &str) -> TorrentView {
        TorrentView {
            info_hash: "ab".repeat(20),
            name: Some("album".into()),
            output_folder: folder.into(),
            layout,
            private: false,
            trackers: vec!["http://Tracker.example:80/announce".into()],
        }
    }

    #[test]
    fn rqbit_json_maps_to_the_model() {
        let stats: StatsView = serde_json::from_value(serde_json::json!({
            "state": "live", "file_progress": [50, 0], "error": null,
            "progress_bytes": 50, "uploaded_bytes": 25, "total_bytes": 200,
            "finished": false,
            "live": {
                "snapshot": {"peer_stats": {"live": 3, "live_seeders": 1, "queued": 0}},
                "download_speed": {"mbps": 1.0, "human_readable": "1 MiB/s"},
                "upload_speed": {"mbps": 0.0, "human_readable": "0"},
                "time_remaining": null
            }
        }))
        .unwrap();
        let t = torrent(
            &view(Layout::MultiFile, "/d/album"),
            &stats,
            &Kept::default(),
        );
        assert_eq!(t.state, TorrentState::Downloading);
        assert!(t.is_active && !t.complete);
        assert_eq!(t.progress, 25.0);
        assert_eq!((t.peers, t.seeds), (3, 1));
        assert_eq!(t.download_rate, 1024 * 1024);
        assert_eq!(t.eta, Some(0));
        assert_eq!(
            (t.save_path.as_str(), t.base_path.as_str()),
            ("/d", "/d/album")
        );
        assert_eq!(t.tracker.as_deref(), Some("tracker.example"));
        assert_eq!(t.ratio, 0.5);
    }

    #[test]
    fn states() {
        let with = |state, paused, finished| {
            let stats = StatsView {
                state,
                initializing_paused: paused,
                finished,
                ..StatsView::default()
            };
            super::state(&stats)
        };
        assert_eq!(
            with(EngineState::Initializing, true, false),
            (TorrentState::Checking, false)
        );
        assert_eq!(
            with(EngineState::Live, false, true),
            (TorrentState::Seeding, true)
        );
        assert_eq!(
            with(EngineState::Live, false, false),
            (TorrentState::Downloading, true)
        );
        assert_eq!(
            with(EngineState::Paused, false, true),
            (TorrentState::Paused, false)
        );
        assert_eq!(
            with(EngineState::Error, false, false),
            (TorrentState::Error, false)
        );
        let checking = StatsView {
            state: EngineState::Initializing,
            progress_bytes: 50,
            total_bytes: 100,
            ..StatsView::default()
        };
        let t = torrent(
            &view(Layout::MultiFile, "/d/a"),
            &checking,
            &Kept::default(),
        );
        assert_eq!((t.downloaded, t.progress), (0, 0.0));
    }

    #[test]
    fn single_file_paths() {
        let v = view(Layout::SingleFile("a.bin".into()), "/d/");
        assert_eq!(paths(&v), ("/d".into(), "/d/a.bin".into()));
    }

    #[test]
    fn priorities_are_a_selection_and_kept_wishes() {
        let list = vec![
            FileView {
                path: "a".into(),
                size: 10,
                padding: false,
            },
            FileView {
                path: "pad".into(),
                size: 1,
                padding: true,
            },
            FileView {
                path: "b".into(),
                size: 10,
                padding: false,
            },
        ];
        let chosen = selection(3, None, &[(0, FilePriority::Skip), (2, FilePriority::High)]);
        assert_eq!(chosen, vec![1, 2]);
        let wishes = BTreeMap::from([(2, FilePriority::High)]);
        let shown: Vec<_> = files(&list, &[0, 0, 10], Some(&chosen), &wishes)
            .into_iter()
            .map(|f| (f.index, f.priority, f.progress))
            .collect();
        assert_eq!(
            shown,
            vec![(0, FilePriority::Skip, 0.0), (2, FilePriority::High, 100.0)]
        );
        assert_eq!(
            selection(3, Some(&[1]), &[(0, FilePriority::Low)]),
            vec![0, 1]
        );
    }
}
