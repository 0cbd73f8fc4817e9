use std::time::Duration;

use crate::crypto::CryptoError;
use crate::db::DbError;

/// What went wrong in an operation of the core, in terms a caller can act on.
/// The HTTP layer maps each variant to a status once (`http::error`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is well-formed but not acceptable (422).
    #[error("{0}")]
    Invalid(String),
    /// The input cannot be used as it is (400).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("Server not found")]
    ServerNotFound,
    #[error("Torrent not found")]
    TorrentNotFound,
    #[error("Job not found")]
    JobNotFound,
    #[error("RSS feed not found")]
    RssFeedNotFound,
    /// The server already has this torrent (409).
    #[error("{0}")]
    AlreadyOnServer(String),
    /// The torrent does not have all of its data (409).
    #[error("{0}")]
    Incomplete(String),
    /// No .torrent is stored for the torrent (409).
    #[error("{0}")]
    MetainfoMissing(String),
    /// The egress policy refuses the target (403).
    #[error("{0}")]
    ForbiddenTarget(String),
    /// A torrent client failed or refused; the HTTP layer maps its kind.
    #[error("{0}")]
    Backend(tm_backends::BackendError),
    /// The server is failing or not polled: writes fail fast (503).
    #[error("{0}")]
    ServerUnavailable(String),
    #[error("{0}")]
    Conflict(String),
    /// The upload is larger than accepted (413).
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts of `what` (e.g. "failed login attempts").
    #[error("too many {what}; try again in {} seconds", retry_after.as_secs())]
    RateLimited {
        what: &'static str,
        retry_after: Duration,
    },
    /// A per-user limit is reached (servers, live streams): 403 or 429.
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("{0}")]
    TooManyStreams(String),
    /// The server has no HTTP file location to list or download from (400).
    #[error(
        "HTTP downloads not configured for this server: set its http_port (and http_host, http_path)"
    )]
    NoHttpLocation,
    /// The server has no `http_download_root` to map a torrent's files onto
    /// its HTTP location (400).
    #[error(
        "The server's files are not mapped onto its HTTP location: set http_download_root (the client directory that http_path serves)"
    )]
    NoHttpMapping,
    /// A torrent's file is not under the server's `http_download_root` (409).
    #[error("{0}")]
    OutsideHttpRoot(String),
    /// No such file or folder on the seedbox's web server (404).
    #[error("{0}")]
    FileNotFound(String),
    /// The seedbox's web server refused the HTTP location's credentials (502).
    #[error("{0}")]
    SeedboxAuthFailed(String),
    /// The seedbox's web server cannot be reached or answered unusably (502).
    #[error("{0}")]
    SeedboxUnreachable(String),
    /// The seedbox's web server did not answer in time (504).
    #[error("{0}")]
    SeedboxTimeout(String),
    /// A dependency (database) is not answering.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of ours; the message is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What the caller may see: internal faults are logged, not shown.
    pub fn public_detail(&self) -> String {
        match self {
            Error::Internal(message) => {
                tracing::error!(error = %message, "request failed");
                "Internal server error".to_string()
            }
            other => other.to_string(),
        }
    }
}

impl From<DbError> for Error {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Conflict(what) => Error::Conflict(format!("{what} already exists")),
            DbError::Sqlx(sqlx::Error::PoolTimedOut) => {
                Error::Unavailable("the database is not answering".into())
            }
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<CryptoError> for Error {
    fn from(error: CryptoError) -> Self {
        Error::Internal(error.to_string())
    }
}

impl From<tm_backends::BackendError> for Error {
    fn from(error: tm_backends::BackendError) -> Self {
        Error::Backend(error)
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(error: tokio::task::JoinError) -> Self {
        Error::Internal(format!("background task failed: {error}"))
    }
}
