//! The one error type every adapter returns.

use std::time::Duration;

/// An error from a torrent-client backend, naming the server and the cause.
#[derive(Debug, thiserror::Error)]
#[error("{server}: {kind}")]
pub struct BackendError {
    /// The configured server, e.g. `seedbox (rTorrent at 10.0.0.2:5000)`.
    pub server: String,
    pub kind: ErrorKind,
}

/// What went wrong, for callers to match on (serializable: a call relayed
/// to another process answers with it).
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ErrorKind {
    #[error("connection refused ({0})")]
    Refused(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("authentication failed: {0}")]
    AuthFailed(String),
    #[error("this is not a torrent-client RPC endpoint: {0}")]
    NotATorrentClient(String),
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// Network failure other than refused/timeout (DNS, reset, TLS…).
    #[error("connection failed: {0}")]
    Network(String),
    #[error("torrent {0} not found")]
    NotFound(String),
    #[error("torrent {0} is already present")]
    Duplicate(String),
    /// The client answered but said no.
    #[error("request rejected by the client: {0}")]
    Rejected(String),
    /// The caller's input is invalid (bad hash, bad .torrent, bad magnet); nothing was sent.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Deleting data was refused because the path is not safe to delete.
    #[error("refused to delete data: {0}")]
    Unsafe(String),
    /// The egress policy does not allow contacting this target.
    #[error("target not allowed: {0}")]
    Forbidden(String),
    #[error("not supported by this client: {0}")]
    Unsupported(String),
}

impl BackendError {
    pub fn new(server: impl Into<String>, kind: ErrorKind) -> Self {
        Self {
            server: server.into(),
            kind,
        }
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

pub type Result<T, E = BackendError> = std::result::Result<T, E>;

/// Maps a socket-level error (SCGI transport) to an error kind.
pub(crate) fn io_error_kind(err: &std::io::Error, endpoint: &str) -> ErrorKind {
    use std::io::ErrorKind as Io;
    match err.kind() {
        Io::ConnectionRefused | Io::NotFound => ErrorKind::Refused(format!("{endpoint}: {err}")),
        Io::PermissionDenied => ErrorKind::AuthFailed(format!("{endpoint}: {err}")),
        _ => ErrorKind::Network(format!("{endpoint}: {err}")),
    }
}
