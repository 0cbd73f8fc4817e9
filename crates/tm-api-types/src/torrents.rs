use time::OffsetDateTime;

use crate::ServerType;

/// One state for every client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TorrentState {
    Downloading,
    Seeding,
    /// Stopped by the user (complete or not: see `complete`).
    Paused,
    /// Waiting for a slot in the client's queue.
    Queued,
    /// Verifying data.
    Checking,
    /// The client cannot continue this torrent.
    Error,
    /// A magnet link still fetching its metadata.
    Metadata,
}

impl TorrentState {
    /// Every state, in declaration order.
    pub const ALL: [TorrentState; 7] = [
        TorrentState::Downloading,
        TorrentState::Seeding,
        TorrentState::Paused,
        TorrentState::Queued,
        TorrentState::Checking,
        TorrentState::Error,
        TorrentState::Metadata,
    ];

    /// The wire name (`"downloading"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TorrentState::Downloading => "downloading",
            TorrentState::Seeding => "seeding",
            TorrentState::Paused => "paused",
            TorrentState::Queued => "queued",
            TorrentState::Checking => "checking",
            TorrentState::Error => "error",
            TorrentState::Metadata => "metadata",
        }
    }
}

/// Whose problem a torrent's `error` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TorrentErrorKind {
    /// An announce failed or warned: the torrent itself still works.
    Tracker,
    /// The client's own error: the torrent is in state `error`.
    Client,
}

/// A torrent's tracker health, the same for every client (`tracker_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrackerHealth {
    /// The last announce succeeded.
    Working,
    /// An announce is under way.
    Updating,
    /// No tracker has answered yet (or the client cannot say it has).
    NotContacted,
    /// The tracker says it does not know the torrent (deleted, trumped, never
    /// registered): see `tracker_message`.
    Unregistered,
    /// The tracker could not be reached, timed out or answered a server error.
    TrackerDown,
    /// Another tracker message.
    Error,
}

impl TrackerHealth {
    pub const ALL: [TrackerHealth; 6] = [
        TrackerHealth::Working,
        TrackerHealth::Updating,
        TrackerHealth::NotContacted,
        TrackerHealth::Unregistered,
        TrackerHealth::TrackerDown,
        TrackerHealth::Error,
    ];

    /// The wire name (`"working"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TrackerHealth::Working => "working",
            TrackerHealth::Updating => "updating",
            TrackerHealth::NotContacted => "not_contacted",
            TrackerHealth::Unregistered => "unregistered",
            TrackerHealth::TrackerDown => "tracker_down",
            TrackerHealth::Error => "error",
        }
    }
}

/// A torrent, normalised: the same fields and units whatever the client.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentInfo {
    /// Lower-case hex v1 info hash (v2 truncated to 40 digits for v2-only torrents).
    pub info_hash: String,
    /// Full v2 hash, when the client reports one.
    pub info_hash_v2: Option<String>,
    pub name: String,
    pub server_id: String,
    pub server_name: String,
    pub server_type: ServerType,
    pub state: TorrentState,
    /// Percent done, 0–100.
    pub progress: f64,
    /// Total size in bytes.
    pub size: u64,
    /// Bytes downloaded and verified.
    pub downloaded: u64,
    /// Bytes uploaded, all time.
    pub uploaded: u64,
    pub ratio: f64,
    /// Bytes per second.
    pub download_rate: u64,
    pub upload_rate: u64,
    /// Seconds until complete; null when complete or unknown.
    pub eta: Option<i64>,
    /// Connected peers (seeds included).
    pub peers: u32,
    pub seeds: u32,
    /// Labels (qBittorrent: its tags).
    pub labels: Vec<String>,
    /// qBittorrent's category, which is not a label; `null` on other clients.
    #[serde(default)]
    pub category: Option<String>,
    /// Directory holding the data.
    pub save_path: String,
    /// Full path of the data (the file of a single-file torrent, else its folder).
    pub base_path: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub added_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    pub is_private: bool,
    /// Started (not paused), whether or not data flows right now.
    pub is_active: bool,
    /// All data present.
    pub complete: bool,
    /// Last error or tracker message from the client.
    pub error: Option<String>,
    /// Whose problem `error` is; null exactly when `error` is.
    pub error_kind: Option<TorrentErrorKind>,
    /// Host of the torrent's first tracker (e.g. `tracker.example.org`).
    pub tracker: Option<String>,
    /// The trackers' health: `working`, `updating`, `not_contacted`,
    /// `unregistered` (the tracker no longer knows the torrent), `tracker_down`
    /// (unreachable, timeout, 5xx) or `error` (another message); null when the
    /// torrent has no tracker or the client cannot tell.
    #[serde(default)]
    pub tracker_status: Option<TrackerHealth>,
    /// The tracker's own message behind `tracker_status`, as the client reports it.
    #[serde(default)]
    pub tracker_message: Option<String>,
    /// Whether the manager holds this torrent's .torrent metainfo
    /// (`GET /torrents/{hash}/metainfo`). Absent (false) in answers of
    /// servers from before it existed.
    #[serde(default)]
    pub has_metainfo: bool,
    /// Same as `downloaded` (the original API's name).
    pub bytes_done: u64,
    /// Same as `save_path` (the original API's name).
    pub directory: String,
    /// True while a magnet link has no metadata yet.
    pub is_magnet: bool,
}

/// `POST /torrents`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddTorrentRequest {
    /// A magnet link, a bare info hash (40 hex or 32 base32 characters), or
    /// an http(s) URL of a .torrent file that the manager downloads.
    pub uri: String,
    /// Target server; the default server when absent; `auto`: chosen by
    /// your placement rules (`GET /placement`).
    #[serde(default)]
    pub server_id: Option<String>,
    /// Add to each of these servers instead (one outcome per server).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_ids: Vec<String>,
    #[serde(default = "default_true")]
    pub start: bool,
    #[serde(default)]
    pub labels: Vec<String>,
    /// Download directory on the client's host.
    #[serde(default)]
    pub save_path: Option<String>,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddTorrentResponse {
    pub message: String,
    pub info_hash: String,
    /// The magnet link or URL as understood (a bare hash becomes a magnet link).
    pub uri: String,
    pub server_id: String,
    pub server_name: String,
    /// Where `server_id: "auto"` placed the torrent and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<crate::PlacementDecision>,
}

/// `POST /torrents/upload`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadTorrentResponse {
    pub message: String,
    pub info_hash: String,
    pub torrent_name: String,
    pub server_id: String,
    pub server_name: String,
    /// Where `server_id=auto` placed the torrent and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<crate::PlacementDecision>,
}

/// One file's outcome in `POST /torrents/upload/batch`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchUploadResult {
    pub filename: String,
    pub success: bool,
    pub message: String,
    pub info_hash: Option<String>,
    pub torrent_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchUploadResponse {
    pub total: usize,
    pub success_count: usize,
    pub failure_count: usize,
    pub server_id: String,
    pub server_name: String,
    pub results: Vec<BatchUploadResult>,
    /// Where `server_id=auto` placed the batch (placed as one, by all its
    /// files' sizes and trackers) and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<crate::PlacementDecision>,
}

/// Answer of start, stop, recheck, reannounce and remove.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentActionResponse {
    pub message: String,
    pub info_hash: String,
    pub server_id: String,
    /// On remove with data: `deleted`, `kept` or `failed`, and where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataOutcome>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataOutcome {
    /// `deleted`, `kept` or `failed` (some or all of the data is still there).
    pub result: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// File by file, where torrent-manager deleted the files itself
    /// (rTorrent); absent where the client deleted them (Transmission).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<DeletedFiles>,
}

/// What a file-by-file deletion did: only the torrent's own files, and only
/// under the client's download directory, are deleted.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletedFiles {
    pub deleted: u64,
    /// The torrent's files that were already gone.
    pub missing: u64,
    /// Directories removed because the deletion left them empty.
    pub removed_dirs: u64,
    /// Files left on purpose (e.g. a symlink leading out of the download directory).
    pub kept: Vec<FileProblem>,
    /// Files that could not be deleted.
    pub failed: Vec<FileProblem>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileProblem {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FilePriority {
    /// Not downloaded.
    Skip,
    Low,
    Normal,
    High,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentFileInfo {
    pub index: usize,
    /// Path inside the torrent, `/`-separated.
    pub path: String,
    pub size: u64,
    /// Percent done, 0–100.
    pub progress: f64,
    pub priority: FilePriority,
}

/// `GET /torrents/{hash}/files`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentFilesResponse {
    pub info_hash: String,
    pub name: String,
    /// Where the data lives on the client's host.
    pub path: String,
    pub server_id: String,
    pub server_name: String,
    pub files: Vec<TorrentFileInfo>,
}

/// `PUT /torrents/{hash}/files`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetFilePrioritiesRequest {
    pub priorities: Vec<FilePriorityChange>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilePriorityChange {
    pub index: usize,
    pub priority: FilePriority,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeerInfo {
    /// `ip:port`.
    pub address: String,
    pub client: String,
    /// Percent of the torrent the peer has.
    pub progress: f64,
    pub download_rate: u64,
    pub upload_rate: u64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentPeersResponse {
    pub info_hash: String,
    pub server_id: String,
    pub peers: Vec<PeerInfo>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackerInfo {
    pub url: String,
    /// `working`, `error`, `not_contacted` or `disabled`.
    pub status: String,
    pub message: Option<String>,
    pub seeds: Option<u64>,
    pub peers: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentTrackersResponse {
    pub info_hash: String,
    pub server_id: String,
    pub trackers: Vec<TrackerInfo>,
}

/// Labels of a torrent (`GET/PUT/POST/DELETE /torrents/{hash}/labels`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelsResponse {
    pub info_hash: String,
    pub labels: Vec<String>,
    pub server_id: String,
}

/// `POST /torrents/{info_hash}/location`: where the data goes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveTorrentRequest {
    /// The new save directory on the client's host: absolute, without `.`
    /// or `..` components.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetLabelsRequest {
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddLabelRequest {
    pub label: String,
}

/// Filters, order and page of `GET /torrents`.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TorrentQuery {
    /// Only this server's torrents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<String>,
    /// Comma-separated states (downloading, seeding, paused, queued, checking, error, metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Only torrents carrying this label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Case-insensitive part of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// Only torrents with an error: `any`, `tracker` or `client` (see `error_kind`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Only torrents whose first tracker is this host (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracker: Option<String>,
    /// Comma-separated tracker statuses (working, updating, not_contacted,
    /// unregistered, tracker_down, error; see `tracker_status`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracker_status: Option<String>,
    /// A field to sort by (name, size, progress, state, ratio, download_rate,
    /// upload_rate, eta, added_at, completed_at, server_name, peers, seeds,
    /// uploaded, downloaded); prefix with `-` for descending. Default: name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// At most this many torrents (the total is in `X-Total-Count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

/// What `POST /torrents/actions` does to each torrent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    Start,
    Stop,
    Recheck,
    /// Asks the trackers for peers now.
    Reannounce,
    Remove,
    /// Adds `labels` to each torrent's labels.
    AddLabels,
    /// Removes `labels` from each torrent's labels.
    RemoveLabels,
    /// Moves each torrent's data into `path`.
    Move,
}

/// A torrent on one server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentRef {
    pub server_id: String,
    pub info_hash: String,
}

/// `POST /torrents/actions`: one action on many torrents, on any servers.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkActionRequest {
    pub action: BulkAction,
    pub torrents: Vec<TorrentRef>,
    /// With `remove`: also delete each torrent's own data.
    #[serde(default)]
    pub delete_data: bool,
    /// With `add_labels` and `remove_labels`: the labels to add or remove.
    #[serde(default)]
    pub labels: Vec<String>,
    /// With `move`: the directory the data moves into (absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkActionResult {
    pub server_id: String,
    pub info_hash: String,
    pub success: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkActionResponse {
    pub success_count: usize,
    pub failure_count: usize,
    pub results: Vec<BulkActionResult>,
}
