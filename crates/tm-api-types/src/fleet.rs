//! What the fleet sees across a user's servers: the same torrent on several
//! of them (`GET /torrents/duplicates`) and the same content under different
//! torrents (`GET /torrents/cross-seed`).

use crate::{ServerType, TorrentState};

/// `GET /torrents/duplicates`: torrents present on more than one of your
/// servers (same info hash).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicatesResponse {
    /// Largest first.
    pub groups: Vec<DuplicateGroup>,
    /// How many groups.
    pub total: usize,
}

/// One info hash held by several servers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateGroup {
    pub info_hash: String,
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// Where each copy is, by server name.
    pub copies: Vec<DuplicateCopy>,
}

/// One server's copy of a duplicated torrent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateCopy {
    pub server_id: String,
    pub server_name: String,
    pub server_type: ServerType,
    pub state: TorrentState,
    /// Percent done, 0–100.
    pub progress: f64,
    pub save_path: String,
}

/// `GET /torrents/cross-seed`: torrents with different info hashes whose
/// content (file paths below the top folder, and sizes) is the same.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossSeedResponse {
    /// Largest first.
    pub groups: Vec<CrossSeedGroup>,
    /// Torrents whose file list is not fetched yet (they join groups once
    /// it is; magnets without metadata are not counted).
    pub pending: usize,
}

/// Torrents holding the same files.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossSeedGroup {
    /// Bytes of the content.
    pub size: u64,
    /// How many files the content has.
    pub files: usize,
    /// Every torrent with this content, on every server holding it.
    pub torrents: Vec<CrossSeedTorrent>,
}

/// One torrent of a cross-seed group, on one server.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossSeedTorrent {
    pub server_id: String,
    pub server_name: String,
    pub info_hash: String,
    pub name: String,
    /// Host of the torrent's tracker, when it has one.
    pub tracker: Option<String>,
    pub state: TorrentState,
    /// Percent done, 0–100.
    pub progress: f64,
}
