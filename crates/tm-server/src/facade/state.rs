//! qBittorrent 5.x state names, and the `filter` groups of `torrents/info`
//! as qBittorrent defines them over those states.

use tm_api_types::{TorrentInfo, TorrentState};

/// qBittorrent's state of a torrent. Without a transfer rate a downloading
/// or seeding torrent is "stalled", as qBittorrent says of zero payload rate.
pub fn qbit_state(info: &TorrentInfo) -> &'static str {
    let up = info.complete;
    match info.state {
        TorrentState::Error => "error",
        TorrentState::Metadata if info.is_active => "metaDL",
        TorrentState::Metadata => "stoppedDL",
        TorrentState::Checking if up => "checkingUP",
        TorrentState::Checking => "checkingDL",
        TorrentState::Queued if up => "queuedUP",
        TorrentState::Queued => "queuedDL",
        TorrentState::Paused if up => "stoppedUP",
        TorrentState::Paused => "stoppedDL",
        TorrentState::Downloading if info.download_rate > 0 => "downloading",
        TorrentState::Downloading => "stalledDL",
        TorrentState::Seeding if info.upload_rate > 0 => "uploading",
        TorrentState::Seeding => "stalledUP",
    }
}

const DOWNLOADING: &[&str] = &[
    "downloading",
    "metaDL",
    "forcedMetaDL",
    "stalledDL",
    "checkingDL",
    "stoppedDL",
    "queuedDL",
    "forcedDL",
];
const UPLOADING: &[&str] = &[
    "uploading",
    "stalledUP",
    "checkingUP",
    "queuedUP",
    "forcedUP",
];
const COMPLETED: &[&str] = &[
    "uploading",
    "stalledUP",
    "checkingUP",
    "stoppedUP",
    "queuedUP",
    "forcedUP",
];
const STOPPED: &[&str] = &["stoppedUP", "stoppedDL"];
/// Moving data right now.
const ACTIVE: &[&str] = &["downloading", "forcedDL", "metaDL", "uploading", "forcedUP"];
const STALLED: &[&str] = &["stalledUP", "stalledDL"];
const CHECKING: &[&str] = &["checkingUP", "checkingDL", "checkingResumeData"];
const ERRORED: &[&str] = &["error", "missingFiles", "unknown"];

/// Whether a torrent in `state` passes `filter` (qBittorrent 4.x and 5.x
/// names). An unknown filter passes everything, as in qBittorrent.
pub fn passes(filter: &str, state: &str) -> bool {
    let any = |group: &[&str]| group.contains(&state);
    match filter {
        "downloading" => any(DOWNLOADING),
        "seeding" | "uploading" => any(UPLOADING),
        "completed" => any(COMPLETED),
        "stopped" | "paused" => any(STOPPED),
        "running" | "resumed" => !any(STOPPED),
        "active" => any(ACTIVE),
        "inactive" => !any(ACTIVE),
        "stalled" => any(STALLED),
        "stalled_uploading" => state == "stalledUP",
        "stalled_downloading" => state == "stalledDL",
        "checking" => any(CHECKING),
        "moving" => state == "moving",
        "errored" => any(ERRORED),
        _ => true,
    }
}
