//! Jobs: long-running work started by a request and followed afterwards,
//! today moving a torrent with its data from one server to another.

use time::OffsetDateTime;

/// `POST /torrents/{info_hash}/move`: move a torrent with its data to
/// another of the user's servers, over BitTorrent from the source.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveToServerRequest {
    pub from_server_id: String,
    pub to_server_id: String,
    /// Where the target keeps the data (absolute); its own default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_path: Option<String>,
    /// Remove the torrent from the source once the target has verified it all.
    #[serde(default = "yes")]
    pub remove_source: bool,
    /// With `remove_source`: delete the source's copy of the data too.
    #[serde(default)]
    pub delete_data: bool,
}

fn yes() -> bool {
    true
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Succeeded,
    Failed,
    Canceled,
}

impl JobState {
    pub fn is_finished(self) -> bool {
        self != JobState::Running
    }
}

/// The step a move is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MovePhase {
    /// Handing the metainfo to the target.
    Adding,
    /// The target fetches the data from the source.
    Downloading,
    /// The target checks every piece.
    Verifying,
    /// The target has it all; the source is being removed.
    RemovingSource,
    /// Nothing left to do (whatever the outcome).
    Done,
}

/// `GET /jobs/{id}`, and the `job` live event.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    pub id: String,
    /// `move` today.
    pub kind: String,
    pub state: JobState,
    pub phase: MovePhase,
    pub info_hash: String,
    pub name: String,
    pub from_server_id: String,
    pub to_server_id: String,
    pub save_path: Option<String>,
    pub remove_source: bool,
    pub delete_data: bool,
    /// Bytes of the torrent.
    pub size: u64,
    /// The target's progress, 0 to 1.
    pub progress: f64,
    /// The target's download rate, bytes per second.
    pub download_rate: u64,
    /// Why it failed or was canceled, or what was done.
    pub message: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
}

/// `GET /jobs`: the user's jobs, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobList {
    pub jobs: Vec<Job>,
}
