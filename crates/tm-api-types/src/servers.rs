use time::OffsetDateTime;

use crate::{Patch, ServerType};

/// How the manager reaches the client's RPC interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// HTTP(S) at `rpc_path` (Transmission; rTorrent behind a web server's `/RPC2`).
    Http,
    /// rTorrent's SCGI port at `host:port`.
    Scgi,
    /// rTorrent's SCGI Unix socket at `socket_path`.
    ScgiUnix,
    /// Deluge's own RPC (TLS, rencode) on the daemon's port.
    DelugeRpc,
    /// Calls into the engine running in the server's own process; no address.
    InProcess,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Scgi => "scgi",
            Transport::ScgiUnix => "scgi_unix",
            Transport::DelugeRpc => "deluge_rpc",
            Transport::InProcess => "in_process",
        }
    }
}

impl Transport {
    pub const ALL: [Transport; 5] = [
        Transport::Http,
        Transport::Scgi,
        Transport::ScgiUnix,
        Transport::DelugeRpc,
        Transport::InProcess,
    ];
}

impl std::str::FromStr for Transport {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Transport::ALL
            .into_iter()
            .find(|t| t.as_str() == value)
            .ok_or_else(|| {
                let names: Vec<String> = Transport::ALL
                    .iter()
                    .map(|t| format!("'{}'", t.as_str()))
                    .collect();
                format!(
                    "transport must be one of {}, not '{value}'",
                    names.join(", ")
                )
            })
    }
}

/// `POST /servers`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateServerRequest {
    pub name: String,
    pub server_type: ServerType,
    /// Host name or address of the client; not needed for `scgi_unix`.
    #[serde(default)]
    pub host: String,
    /// RPC port; not needed for `scgi_unix`.
    #[serde(default)]
    pub port: u16,
    #[serde(default)]
    pub username: Option<String>,
    /// Write-only: stored encrypted, never returned.
    #[serde(default)]
    pub password: Option<String>,
    /// HTTP path of the RPC endpoint (`/RPC2`, `/transmission/rpc`).
    #[serde(default)]
    pub rpc_path: Option<String>,
    #[serde(default)]
    pub use_ssl: bool,
    /// Defaults to `http` for Transmission; for rTorrent to `scgi_unix` when
    /// `socket_path` is set, `http` when `rpc_path` is set, else `scgi`.
    #[serde(default)]
    pub transport: Option<Transport>,
    /// rTorrent SCGI Unix socket path (for `scgi_unix`).
    #[serde(default)]
    pub socket_path: Option<String>,
    /// Accept a self-signed TLS certificate from this server.
    #[serde(default)]
    pub tls_accept_invalid_certs: bool,
    #[serde(default = "default_true")]
    pub enabled: bool,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub http_host: Option<String>,
    #[serde(default)]
    pub http_port: Option<u16>,
    #[serde(default)]
    pub http_path: Option<String>,
    #[serde(default)]
    pub http_username: Option<String>,
    /// Write-only: stored encrypted, never returned.
    #[serde(default)]
    pub http_password: Option<String>,
    #[serde(default)]
    pub http_use_ssl: bool,
    /// The directory, as the client names save paths, that the HTTP
    /// location's root (`http_path`) serves: maps a torrent's files onto
    /// download URLs (`GET /torrents/{hash}/download`). Absolute, no `..`.
    #[serde(default)]
    pub http_download_root: Option<String>,
}

impl CreateServerRequest {
    /// A server reached at `host:port` with everything else at its default.
    pub fn new(
        name: impl Into<String>,
        server_type: ServerType,
        host: impl Into<String>,
        port: u16,
    ) -> Self {
        Self {
            name: name.into(),
            server_type,
            host: host.into(),
            port,
            username: None,
            password: None,
            rpc_path: None,
            use_ssl: false,
            transport: None,
            socket_path: None,
            tls_accept_invalid_certs: false,
            enabled: true,
            is_default: false,
            http_host: None,
            http_port: None,
            http_path: None,
            http_username: None,
            http_password: None,
            http_use_ssl: false,
            http_download_root: None,
        }
    }
}

fn default_true() -> bool {
    true
}

/// `PUT /servers/{id}`: fields left out stay as they are; `null` clears a nullable field.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateServerRequest {
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub name: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ServerType>))]
    pub server_type: Patch<ServerType>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub host: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u16>))]
    pub port: Patch<u16>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub username: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub password: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub rpc_path: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub use_ssl: Patch<bool>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Transport>))]
    pub transport: Patch<Transport>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub socket_path: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub tls_accept_invalid_certs: Patch<bool>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub enabled: Patch<bool>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub is_default: Patch<bool>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub http_host: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u16>))]
    pub http_port: Patch<u16>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub http_path: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub http_username: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub http_password: Patch<String>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub http_use_ssl: Patch<bool>,
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub http_download_root: Patch<String>,
}

/// A registered server. Passwords are never returned: `has_password` says whether one is set.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerInfo {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub server_type: ServerType,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub has_password: bool,
    pub rpc_path: Option<String>,
    pub use_ssl: bool,
    /// The transport in effect (explicit or derived).
    pub transport: Transport,
    pub socket_path: Option<String>,
    pub tls_accept_invalid_certs: bool,
    pub enabled: bool,
    pub is_default: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub http_host: Option<String>,
    pub http_port: Option<u16>,
    pub http_path: Option<String>,
    pub http_username: Option<String>,
    pub has_http_password: bool,
    pub http_use_ssl: bool,
    /// The client-side directory the HTTP location's root serves (see
    /// `CreateServerRequest::http_download_root`).
    #[serde(default)]
    pub http_download_root: Option<String>,
    /// True when HTTP file downloads are configured (`http_port` set).
    pub http_enabled: bool,
    /// How polling this server is going.
    pub status: ServerStatus,
    /// Why the last attempt failed (while `failing`).
    pub last_error: Option<String>,
    /// When the server last answered a poll.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_success_at: Option<OffsetDateTime>,
    /// Client name and version, once it answered (e.g. "Transmission 3.00 (bb6b5a062e)").
    pub client_version: Option<String>,
    /// The client's RPC or API version where it has one (Transmission's
    /// `rpc-version`, qBittorrent's WebAPI version), once it answered.
    #[serde(default)]
    pub api_version: Option<String>,
    /// Torrents in the latest snapshot.
    pub torrent_count: usize,
    /// Sums of the torrents' rates, bytes per second.
    pub download_rate: u64,
    pub upload_rate: u64,
    /// Bytes free in the client's default download directory; null when
    /// unknown (asked about once a minute).
    pub free_space: Option<u64>,
    /// What this client can do (absent while the server is disabled).
    pub capabilities: Option<ClientCapabilities>,
}

/// Features a client supports, as found when it was last reached; the UI
/// and CLI hide what it lacks, and the API answers `client_unsupported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientCapabilities {
    /// How many labels a torrent can have.
    pub labels: LabelSupport,
    /// A category of its own besides the labels (qBittorrent).
    pub category: bool,
    pub file_priorities: bool,
    /// Whether the `low` file priority differs from `normal`.
    pub low_file_priority: bool,
    /// Whether the `high` file priority differs from `normal` (librqbit
    /// only selects files). Absent (true) in answers of servers from
    /// before it existed.
    #[serde(default = "yes")]
    pub high_file_priority: bool,
    pub peers: bool,
    pub trackers: bool,
    pub recheck: bool,
    /// Asking the trackers again now. Absent (false) in answers of servers
    /// from before it existed.
    #[serde(default)]
    pub reannounce: bool,
    /// Moving a torrent's data to another directory. Absent (false) in
    /// answers of servers from before it existed.
    #[serde(rename = "move", default)]
    pub move_data: bool,
    /// Handing back a torrent's .torrent metainfo (qBittorrent 4.5 and
    /// later); the manager keeps it for magnets added there. Absent (false)
    /// in answers of servers from before it existed.
    #[serde(default)]
    pub export_metainfo: bool,
    pub delete_data: bool,
    /// Polls fetch only what changed.
    pub incremental_list: bool,
    /// Per-torrent download and upload limits. Absent (false) in answers
    /// of servers from before it existed.
    #[serde(default)]
    pub speed_limits: bool,
    /// A per-torrent bandwidth priority (low, normal, high). Absent (false)
    /// in answers of servers from before it existed.
    #[serde(default)]
    pub bandwidth_priority: bool,
    /// Per-torrent ratio and idle seeding goals of the client's own
    /// (Transmission), applied there besides torrent-manager's enforcement.
    /// Absent (false) in answers of servers from before it existed.
    #[serde(default)]
    pub seeding_goals: bool,
}

fn yes() -> bool {
    true
}

/// How many labels a torrent can carry on a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LabelSupport {
    /// None (Transmission before RPC 16, Deluge without its Label plugin).
    None,
    /// One (Deluge's Label plugin).
    Single,
    /// Any number (rTorrent, Transmission, qBittorrent tags).
    Many,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServerStatus {
    /// Not polled yet.
    Connecting,
    Connected,
    /// The last poll failed; see `last_error`.
    Failing,
    /// Not polled (`enabled` is false).
    Disabled,
}

/// `DELETE /servers/{id}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteServerResponse {
    /// Always `"deleted"`.
    pub status: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Connected,
    Failed,
}

/// `POST /servers/{id}/test`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestServerResponse {
    pub status: ConnectionStatus,
    pub message: String,
}
