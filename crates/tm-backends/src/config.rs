//! How to reach one torrent client.

use std::fmt;
use std::time::Duration;

use crate::egress::TargetPolicy;

/// The kind of client, from the one table of kinds (`tm_api_types::ServerType`):
/// its transports, default ports and paths.
pub use tm_api_types::ServerType as ClientKind;

/// How requests travel; which ones a kind accepts is in its table entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// HTTP(S) to `host:port` + `rpc_path`, with basic auth when a username is set.
    Http,
    /// rTorrent's raw SCGI port (`network.scgi.open_port`) at `host:port`; no auth.
    Scgi,
    /// rTorrent's SCGI unix socket (`network.scgi.open_local`).
    ScgiUnix { path: String },
    /// Deluge's daemon RPC (TLS, zlib-compressed rencode) at `host:port`.
    DelugeRpc,
}

impl Transport {
    /// The transport's name in the table of kinds.
    pub fn kind(&self) -> tm_api_types::Transport {
        match self {
            Transport::Http => tm_api_types::Transport::Http,
            Transport::Scgi => tm_api_types::Transport::Scgi,
            Transport::ScgiUnix { .. } => tm_api_types::Transport::ScgiUnix,
            Transport::DelugeRpc => tm_api_types::Transport::DelugeRpc,
        }
    }
}

/// A password that never shows up in `Debug` output or logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[derive(Debug, Clone)]
pub struct BackendConfig {
    /// Shown in error messages.
    pub name: String,
    pub kind: ClientKind,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// Defaults: `/RPC2` (rTorrent over HTTP), `/transmission/rpc`.
    pub rpc_path: Option<String>,
    pub use_ssl: bool,
    pub transport: Transport,
    /// Accept self-signed/invalid TLS certificates (home seedboxes).
    pub accept_invalid_certs: bool,
    /// Upper bound for every single call, connection included.
    pub timeout: Duration,
    /// Which addresses and sockets may be dialled, checked on every connection.
    pub egress: TargetPolicy,
}

impl BackendConfig {
    /// Where requests go, without credentials (for messages).
    pub fn endpoint(&self) -> String {
        match &self.transport {
            Transport::ScgiUnix { path } => format!("unix:{path}"),
            Transport::Scgi => format!("scgi://{}:{}", self.host, self.port),
            Transport::DelugeRpc => format!("deluge://{}:{}", self.host, self.port),
            Transport::Http => self.url(),
        }
    }

    pub(crate) fn url(&self) -> String {
        let scheme = if self.use_ssl { "https" } else { "http" };
        let default_path = self
            .kind
            .transport(tm_api_types::Transport::Http)
            .and_then(|way| way.path);
        let path = self.rpc_path.as_deref().or(default_path).unwrap_or("/");
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("{scheme}://{}:{}{slash}{path}", self.host, self.port)
    }

    /// `name (Kind at endpoint)`: the server label used in every error.
    pub(crate) fn server_label(&self) -> String {
        format!("{} ({} at {})", self.name, self.kind, self.endpoint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let config = BackendConfig {
            name: "box".into(),
            kind: ClientKind::Transmission,
            host: "127.0.0.1".into(),
            port: 9091,
            username: Some("u".into()),
            password: Some(Secret::new("hunter2")),
            rpc_path: None,
            use_ssl: true,
            transport: Transport::Http,
            accept_invalid_certs: false,
            timeout: Duration::from_secs(5),
            egress: TargetPolicy::unrestricted(),
        };
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.url(), "https://127.0.0.1:9091/transmission/rpc");
        assert_eq!(
            config.server_label(),
            "box (Transmission at https://127.0.0.1:9091/transmission/rpc)"
        );
    }
}
