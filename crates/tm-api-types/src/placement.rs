//! Placement on add: the user's ordered rules that pick the server a new
//! torrent goes to (`server_id: "auto"`), and adds to several servers at once.

use crate::ServerType;

/// The `server_id` that asks for placement by the rules.
pub const AUTO_SERVER: &str = "auto";

/// `GET`/`PUT /placement`: the rules in order; the first that matches decides.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlacementRules {
    pub rules: Vec<PlacementRule>,
}

/// One placement rule: when a new torrent matches, it goes to the target.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlacementRule {
    /// Unique among the user's placement rules; named in the add's answer.
    pub name: String,
    #[serde(rename = "match", default)]
    pub matches: PlacementMatch,
    pub target: PlacementTarget,
}

/// What a new torrent must be for the rule to apply; every field given must
/// hold (an empty match holds for every torrent).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlacementMatch {
    /// The torrent is added with at least one of these labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// The torrent is added with this category (qBittorrent facade) or label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// A tracker of the torrent has this host (or a subdomain of it). Known
    /// for .torrent files and URLs, not for magnet links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracker: Option<String>,
    /// Bytes; a torrent of unknown size (a magnet link) does not match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u64>,
    /// Only servers of this client kind are candidates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ServerType>,
}

/// Where a matching torrent goes: one server, or the best of several by a strategy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum PlacementTarget {
    Server(ServerTarget),
    Strategy(StrategyTarget),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerTarget {
    pub server_id: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StrategyTarget {
    pub strategy: PlacementStrategy,
    /// The candidates; empty means all your servers.
    #[serde(default)]
    pub server_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlacementStrategy {
    /// The server whose download directory has the most free space.
    MostFreeSpace,
    /// The server with the fewest torrents downloading, seeding or checking.
    FewestActive,
    /// Each candidate in turn.
    RoundRobin,
}

impl PlacementStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            PlacementStrategy::MostFreeSpace => "most_free_space",
            PlacementStrategy::FewestActive => "fewest_active",
            PlacementStrategy::RoundRobin => "round_robin",
        }
    }
}

/// Where an automatic add went and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacementDecision {
    /// The rule that decided; null when the fallback did.
    pub rule: Option<String>,
    pub reason: String,
}

/// One server's outcome of an add to several servers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddOutcome {
    pub server_id: String,
    /// Empty when the server is not yours.
    pub server_name: String,
    pub success: bool,
    pub message: String,
    pub info_hash: Option<String>,
}

/// The answer of `POST /torrents` or `POST /torrents/upload` with `server_ids`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MultiAddResponse {
    pub total: usize,
    pub success_count: usize,
    pub failure_count: usize,
    /// One per server, in the order asked.
    pub outcomes: Vec<AddOutcome>,
}

impl MultiAddResponse {
    pub fn new(outcomes: Vec<AddOutcome>) -> Self {
        let success_count = outcomes.iter().filter(|o| o.success).count();
        Self {
            total: outcomes.len(),
            success_count,
            failure_count: outcomes.len() - success_count,
            outcomes,
        }
    }
}
