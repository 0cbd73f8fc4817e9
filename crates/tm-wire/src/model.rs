//! The normalised model, identical for every client.
//!
//! State mapping (first matching rule wins):
//!
//! | state | rTorrent | Transmission | qBittorrent (4.x and 5.x names) | Deluge |
//! |---|---|---|---|---|
//! | `checking` | `d.is_hash_checking=1` | status 2 | `checkingUP`, `checkingDL`, `checkingResumeData` | "Checking", "Allocating" |
//! | `error` | `d.message` set and not a tracker message | `error` = 3 (local error) | `error`, `missingFiles` | "Error" |
//! | `paused` | `d.state=0`, or `d.state=1` and `d.is_active=0` | status 0 | `pausedUP/DL`, `stoppedUP/DL` | "Paused" |
//! | `queued` | (rTorrent has no queue) | status 1 (check wait), 3 (download wait), 5 (seed wait) | `queuedUP`, `queuedDL` | "Queued" |
//! | `metadata` | name is `<HASH>.meta` or `d.is_meta=1` | `metadataPercentComplete` < 1 | `metaDL`, `forcedMetaDL` | `num_pieces` = 0 |
//! | `seeding` | complete | status 6 | `uploading`, `stalledUP`, `forcedUP` | "Seeding", or complete ("Moving") |
//! | `downloading` | otherwise | status 4 | otherwise (`downloading`, `stalledDL`, `forcedDL`, `allocating`, `moving`) | "Downloading", "Moving" |
//!
//! Tracker problems (rTorrent `d.message` starting with `Tracker:`, Transmission
//! `error` 1 or 2, qBittorrent `has_tracker_error`/`has_tracker_warning` from
//! WebAPI 2.11.7, Deluge `tracker_status` "Error: …" or "Warning: …") fill
//! [`Torrent::error`] but do not change the state: the torrent itself still
//! works. [`Torrent::error_kind`] tells the two apart.
//! qBittorrent's `Torrent::tracker` is its current (working) tracker: its
//! list has no first tracker without a call per torrent.
//!
//! Tracker health ([`Torrent::tracker_status`]), from the list call alone (no
//! call per torrent; first matching rule wins). A tracker message is
//! classified by [`crate::tracker_health::classify`] into `unregistered`,
//! `tracker_down` or `error` and kept in [`Torrent::tracker_message`]:
//!
//! | status | rTorrent | Transmission | qBittorrent | Deluge |
//! |---|---|---|---|---|
//! | none | no tracker (`dht://` aside) | no tracker message | no tracker (`trackers_count` 0, no `tr=`) | no `trackers`, or a `tracker_status` not understood (another language) |
//! | message classified | `d.message` `Tracker: [message]` | `error` 1 or 2: `errorString` (a tracker's answer, e.g. "Unregistered torrent") | (`torrents/info` has no message) | `tracker_status` "Error: …", "Warning: …" |
//! | `working` | a tracker's `t.success_counter` > 0 (reset by a failure) | | `tracker` non-empty (the one working) | "Announce OK" |
//! | `updating` | a tracker's `t.is_busy` | | | "Announce Sent" |
//! | `error` | | | `has_tracker_error`/`has_tracker_warning` (WebAPI 2.11.7+), no message | |
//! | `not_contacted` | otherwise | | otherwise: before 2.11.7 a failing tracker looks the same | "" |
//!
//! rTorrent's three tracker values travel in the one `TRACKER_URLS` command
//! of its `d.multicall2`. Transmission puts only a tracker's answers in
//! `error`: "Could not connect to tracker", success and "not yet" live in
//! `trackerStats` alone, measured at about 630 bytes per tracker against a
//! listed row of about 300 (3 times the list), so it is not listed: a
//! Transmission torrent shows `unregistered` or `error` (and `tracker_down`
//! for a 5xx answer), else none. qBittorrent's messages (and so
//! `unregistered`) are only in `trackers()`. `trackers()` has every
//! tracker's own status on every client.

use serde::{Deserialize, Serialize};

use tm_api_types::ServerType as ClientKind;
pub use tm_api_types::{ClientCapabilities as Capabilities, LabelSupport, TrackerHealth};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TorrentState {
    Downloading,
    Seeding,
    /// Stopped or paused by the user (complete or not: see [`Torrent::complete`]).
    Paused,
    /// Waiting for a slot in the client's queue.
    Queued,
    /// Verifying data.
    Checking,
    /// The client cannot continue this torrent (e.g. storage error).
    Error,
    /// Magnet still fetching its metadata.
    Metadata,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Torrent {
    /// Lower-case hex v1 info hash (or v2 truncated to 40 digits when v2-only).
    pub info_hash: String,
    /// Full lower-case hex v2 hash when the client reports it (neither rTorrent
    /// 0.9 nor Transmission 3/4 does).
    pub info_hash_v2: Option<String>,
    pub name: String,
    pub state: TorrentState,
    /// Percent of the data done, 0–100.
    pub progress: f64,
    /// Total size of the torrent in bytes.
    pub size: u64,
    /// Bytes downloaded and verified.
    pub downloaded: u64,
    /// Bytes uploaded, all time.
    pub uploaded: u64,
    /// Upload ratio (uploaded / downloaded); 0 when unknown.
    pub ratio: f64,
    /// Bytes per second.
    pub download_rate: u64,
    pub upload_rate: u64,
    /// Seconds until the download completes; `None` when complete or unknown.
    pub eta: Option<i64>,
    /// Connected peers (seeds included).
    pub peers: u32,
    /// Connected seeds. Transmission reports no such count: there it is the
    /// number of peers sending to us.
    pub seeds: u32,
    pub labels: Vec<String>,
    /// qBittorrent's category (its labels are its tags); `None` elsewhere.
    pub category: Option<String>,
    /// Directory holding the data.
    pub save_path: String,
    /// Full path of the data (the file of a single-file torrent, else its folder).
    pub base_path: String,
    /// Unix seconds.
    pub added_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub is_private: bool,
    /// Started by the user (not paused), whether or not data flows right now.
    pub is_active: bool,
    /// All data present.
    pub complete: bool,
    /// Last error or tracker message from the client.
    pub error: Option<String>,
    /// Whose problem `error` is; set exactly when `error` is.
    pub error_kind: Option<TorrentErrorKind>,
    /// Host of the torrent's first tracker, lower-case.
    pub tracker: Option<String>,
    /// The trackers' health as the list shows it (see the table above);
    /// `None` when the torrent has no tracker or the client cannot tell.
    pub tracker_status: Option<TrackerHealth>,
    /// The tracker's own message behind `tracker_status`, when the list has one.
    pub tracker_message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TorrentErrorKind {
    /// An announce failed or warned; the torrent itself still works.
    Tracker,
    /// The client's own error (state [`TorrentState::Error`]).
    Client,
}

/// The lower-case host of a tracker URL (`udp://` and `http(s)://` alike).
pub fn tracker_host(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// What changed since the previous poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TorrentChanges {
    /// `true`: `torrents` is the complete list and replaces any cache.
    pub full: bool,
    /// Changed (or, when `full`, all) torrents.
    pub torrents: Vec<Torrent>,
    /// Info hashes removed since the previous poll (only when not `full`).
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePriority {
    /// Not downloaded.
    Skip,
    /// rTorrent has no "low": it is stored as normal there.
    Low,
    Normal,
    High,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TorrentFile {
    pub index: usize,
    /// Path inside the torrent, `/`-separated, without the torrent's top folder.
    pub path: String,
    pub size: u64,
    /// Percent done, 0–100.
    pub progress: f64,
    pub priority: FilePriority,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    /// `ip:port`.
    pub address: String,
    pub client: String,
    /// Percent of the torrent the peer has, 0–100.
    pub progress: f64,
    /// Bytes per second from the peer to us.
    pub download_rate: u64,
    /// Bytes per second from us to the peer.
    pub upload_rate: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackerStatus {
    /// Last announce succeeded.
    Working,
    /// Last announce failed.
    Error,
    NotContacted,
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracker {
    pub url: String,
    pub status: TrackerStatus,
    pub message: Option<String>,
    /// Seeds in the swarm according to the tracker.
    pub seeds: Option<u64>,
    /// Leechers in the swarm according to the tracker.
    pub peers: Option<u64>,
}

/// What `probe` found on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInfo {
    pub client: ClientKind,
    pub version: String,
    /// The RPC or API version where the client has one (Transmission's
    /// `rpc-version`, qBittorrent's WebAPI version).
    pub api_version: Option<String>,
    pub capabilities: Capabilities,
}

/// Where a torrent to add comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TorrentSource {
    Magnet(String),
    /// Raw .torrent bytes.
    File(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddTorrent {
    pub source: TorrentSource,
    /// Start right away, or add paused.
    pub start: bool,
    pub labels: Vec<String>,
    /// Download directory on the client's host; the client's default when `None`.
    pub save_path: Option<String>,
    /// The client's own category (qBittorrent); clients without categories
    /// ignore it (see `Capabilities::category`).
    pub category: Option<String>,
    /// Trust the data already on disk instead of checking it (cross-seeding
    /// onto files another torrent completed): qBittorrent's `skip_checking`,
    /// Deluge's `seed_mode`. Transmission and rTorrent check as usual.
    pub skip_checking: bool,
}

impl AddTorrent {
    /// `source` without labels or category, into the client's own directory, checked.
    pub fn plain(source: TorrentSource, start: bool) -> Self {
        Self {
            source,
            start,
            labels: Vec::new(),
            save_path: None,
            category: None,
            skip_checking: false,
        }
    }
}

/// What `remove` did, honestly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveOutcome {
    pub info_hash: String,
    pub data: DataRemoval,
    /// File by file, when the adapter deleted the files itself (rTorrent);
    /// absent when the data was kept or the client deleted it on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FileReport>,
}

/// What a file-by-file deletion did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// The torrent's files deleted from disk.
    pub deleted: u64,
    /// The torrent's files that were not on disk.
    pub missing: u64,
    /// Directories removed because the deletion left them empty.
    pub removed_dirs: u64,
    /// Files left on disk on purpose (e.g. resolving outside the allowed directories).
    pub kept: Vec<FileIssue>,
    /// Files that could not be deleted.
    pub failed: Vec<FileIssue>,
}

impl RemoveOutcome {
    /// The outcome of deleting the data at `path` file by file: deleted
    /// when every file went, failed (with the report's summary) otherwise.
    pub fn of_file_deletion(info_hash: String, path: String, report: FileReport) -> Self {
        let data = if report.kept.is_empty() && report.failed.is_empty() {
            DataRemoval::Deleted { path }
        } else {
            DataRemoval::Failed {
                path,
                reason: report.summary(),
            }
        };
        Self {
            info_hash,
            data,
            files: Some(report),
        }
    }
}

impl FileReport {
    /// One line for a partial deletion.
    pub fn summary(&self) -> String {
        let first = self.kept.first().or(self.failed.first());
        let detail = first
            .map(|f| format!(" (first: {}: {})", f.path, f.reason))
            .unwrap_or_default();
        format!(
            "deleted {} file(s); kept {} outside the allowed directories; {} could not be deleted{detail}",
            self.deleted,
            self.kept.len(),
            self.failed.len()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIssue {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum DataRemoval {
    /// Data left on disk, as asked.
    Kept { path: String },
    /// The client deleted the data at `path` on its host.
    Deleted { path: String },
    /// The torrent is gone but deleting its data failed; the data may remain.
    Failed { path: String, reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracker_hosts() {
        let host = |url| tracker_host(url);
        assert_eq!(
            host("http://Tracker.Example.org:6969/announce?k=1").as_deref(),
            Some("tracker.example.org")
        );
        assert_eq!(
            host("udp://open.tracker.net:1337").as_deref(),
            Some("open.tracker.net")
        );
        assert_eq!(
            host("https://user:pw@[::1]:443/a").as_deref(),
            Some("[::1]")
        );
        assert_eq!(host("not a url"), None);
        assert_eq!(host(""), None);
    }

    #[test]
    fn serialises_with_stable_names() {
        assert_eq!(
            serde_json::to_value(TorrentState::Metadata).unwrap(),
            "metadata"
        );
        assert_eq!(serde_json::to_value(FilePriority::Skip).unwrap(), "skip");
        assert_eq!(
            serde_json::to_value(DataRemoval::Failed {
                path: "/x".into(),
                reason: "r".into()
            })
            .unwrap(),
            serde_json::json!({"result": "failed", "path": "/x", "reason": "r"})
        );
    }
}

pub use tm_api_types::BandwidthPriority;

/// A torrent's own transfer settings as its client holds them, for clients
/// whose capabilities say `speed_limits` or `bandwidth_priority` (what a
/// client lacks reads `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferSettings {
    /// Bytes per second, `None` unlimited.
    pub download_limit: Option<u64>,
    /// Bytes per second, `None` unlimited.
    pub upload_limit: Option<u64>,
    pub priority: Option<BandwidthPriority>,
}

/// What to change of a torrent's transfer settings: `None` leaves a field
/// as it is; a limit or goal of `Some(None)` lifts it. The goals only for
/// clients whose capabilities say `seeding_goals`; others ignore them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TransferChange {
    pub download_limit: Option<Option<u64>>,
    pub upload_limit: Option<Option<u64>>,
    pub priority: Option<BandwidthPriority>,
    pub ratio_goal: Option<Option<f64>>,
    /// Minutes without transfer.
    pub idle_goal: Option<Option<u64>>,
}

impl TransferChange {
    pub fn changes_limits(&self) -> bool {
        self.download_limit.is_some() || self.upload_limit.is_some()
    }
}

/// A limit in bytes per second as whole `unit`s (at least 1: a client's 0
/// often means unlimited).
pub fn limit_in_units(bytes_per_second: u64, unit: u64) -> u64 {
    bytes_per_second.div_ceil(unit).max(1)
}
