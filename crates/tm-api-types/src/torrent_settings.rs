//! `GET/PUT /torrents/{info_hash}/settings`: a torrent's seeding goals,
//! speed limits and bandwidth priority.

use crate::Patch;

/// A torrent's bandwidth priority among the client's torrents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BandwidthPriority {
    Low,
    Normal,
    High,
}

/// What torrent-manager does with a complete torrent that reached a goal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SeedingGoalAction {
    /// Stop it (and stop it again if started while still past its goal).
    #[default]
    Stop,
    /// Remove the torrent from its client; its data stays.
    Remove,
    /// Remove the torrent and delete exactly its own files.
    RemoveWithData,
}

impl SeedingGoalAction {
    pub fn as_str(self) -> &'static str {
        match self {
            SeedingGoalAction::Stop => "stop",
            SeedingGoalAction::Remove => "remove",
            SeedingGoalAction::RemoveWithData => "remove_with_data",
        }
    }

    /// The action named `name`; anything else is `stop`.
    pub fn from_name(name: &str) -> Self {
        match name {
            "remove" => SeedingGoalAction::Remove,
            "remove_with_data" => SeedingGoalAction::RemoveWithData,
            _ => SeedingGoalAction::Stop,
        }
    }
}

/// When a complete torrent has seeded enough; `null` is no goal.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeedingGoals {
    pub ratio: Option<f64>,
    /// Seconds since completion (kept in whole minutes).
    pub seeding_time: Option<u64>,
    /// Seconds without upload or download (kept in whole minutes).
    pub inactive_time: Option<u64>,
    #[serde(default)]
    pub action: SeedingGoalAction,
}

/// Which settings the torrent's client holds itself. Limits and priority
/// it lacks are refused; seeding goals are kept and enforced by
/// torrent-manager on every client, and with `native_seeding_goals` the
/// ratio and idle goals are set on the client too (Transmission).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentSettingsCapabilities {
    pub speed_limits: bool,
    pub priority: bool,
    pub native_seeding_goals: bool,
}

/// `GET /torrents/{info_hash}/settings`: limits and priority as the client
/// reports them, goals as torrent-manager keeps them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentSettings {
    pub info_hash: String,
    pub server_id: String,
    pub seeding: SeedingGoals,
    /// Bytes per second; `null` is unlimited.
    pub download_limit: Option<u64>,
    /// Bytes per second; `null` is unlimited.
    pub upload_limit: Option<u64>,
    /// `null` when the client has no per-torrent priority.
    pub priority: Option<BandwidthPriority>,
    pub capabilities: TorrentSettingsCapabilities,
}

/// The seeding goals of a `PUT`: fields left out stay, `null` clears.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeedingGoalsUpdate {
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub ratio: Patch<f64>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>))]
    pub seeding_time: Patch<u64>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>))]
    pub inactive_time: Patch<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<SeedingGoalAction>,
}

/// `PUT /torrents/{info_hash}/settings`: any subset; fields left out stay,
/// `null` clears a value back to none (unlimited, no goal).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentSettingsUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeding: Option<SeedingGoalsUpdate>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>))]
    pub download_limit: Patch<u64>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>))]
    pub upload_limit: Patch<u64>,
    /// `null` sets `normal`.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BandwidthPriority>))]
    pub priority: Patch<BandwidthPriority>,
}
