//! The activity log (`GET /activity`): who changed which torrent, server or
//! account, when, and how it went.

use time::OffsetDateTime;

/// Filters and page of `GET /activity`. Times are RFC 3339.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ActivityQuery {
    /// Only entries about this server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<String>,
    /// Only entries about this torrent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info_hash: Option<String>,
    /// Only changes made by this rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Only changes made by this actor (username, key name, rule name or
    /// User-Agent; case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Only changes made this way: web, api_key, facade, rule or system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_kind: Option<ActorKind>,
    /// `torrent`, `server` or `account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ActivityScope>,
    /// Case-insensitive part of the torrent name, server name, action or message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// Only entries at or after this time.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, format = DateTime))]
    pub since: Option<OffsetDateTime>,
    /// Only entries before this time.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, format = DateTime))]
    pub until: Option<OffsetDateTime>,
    /// At most this many entries (default 100, at most 1000), newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

/// How a change was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// The web UI (a session).
    Web,
    /// An API key.
    ApiKey,
    /// The qBittorrent-compatible API (`/api/v2`).
    Facade,
    /// An automation rule.
    Rule,
    /// The server itself.
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Web => "web",
            ActorKind::ApiKey => "api_key",
            ActorKind::Facade => "facade",
            ActorKind::Rule => "rule",
            ActorKind::System => "system",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            ActorKind::Web,
            ActorKind::ApiKey,
            ActorKind::Facade,
            ActorKind::Rule,
            ActorKind::System,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// What an entry concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityScope {
    Torrent,
    Server,
    /// Accounts, API keys and instance settings (the admins' audit log).
    Account,
}

impl ActivityScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityScope::Torrent => "torrent",
            ActivityScope::Server => "server",
            ActivityScope::Account => "account",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            ActivityScope::Torrent,
            ActivityScope::Server,
            ActivityScope::Account,
        ]
        .into_iter()
        .find(|scope| scope.as_str() == text)
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityActor {
    pub kind: ActorKind,
    /// Username (web), key name (api_key), User-Agent (facade), rule name
    /// (rule) or `system`.
    pub name: String,
    /// The user on whose behalf it acted.
    pub user_id: Option<String>,
    /// The rule's id (rule), the user's name (api_key, facade).
    pub detail: Option<String>,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEntry {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub scope: ActivityScope,
    /// What was done, e.g. `start`, `stop`, `remove`, `add`, `server_update`, `api_key_create`.
    pub action: String,
    pub actor: ActivityActor,
    /// The user whose torrent, server or account it concerns.
    pub owner_id: Option<String>,
    pub server_id: Option<String>,
    pub server_name: Option<String>,
    pub info_hash: Option<String>,
    pub torrent_name: Option<String>,
    /// Whether it worked.
    pub success: bool,
    /// What happened, or the error.
    pub message: String,
}

/// `GET /activity`: a page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    pub items: Vec<ActivityEntry>,
    /// How many entries match in all.
    pub total: u64,
}
