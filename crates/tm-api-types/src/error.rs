/// The body of every error answer: `{"detail": "...", "code": "..."}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub detail: String,
    /// What went wrong, for programs: stable across releases.
    #[serde(default)]
    pub code: ErrorCode,
}

/// The stable machine code of an error answer.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A value of the request is malformed or not acceptable (400, 422).
    InvalidInput,
    /// Not logged in, the session ended, or the API key is not valid (401).
    Unauthenticated,
    /// Logged in, but not allowed (403).
    Forbidden,
    /// The egress policy does not let this user make the service contact
    /// that address, port or socket (403).
    ForbiddenTarget,
    /// No such user, key or route (404).
    NotFound,
    /// No such server among the caller's (404).
    ServerNotFound,
    /// No such torrent on the caller's servers (404).
    TorrentNotFound,
    /// The state does not allow it: name taken, ambiguous prefix, last admin (409).
    Conflict,
    /// The server already has this torrent (409).
    DuplicateTorrent,
    /// Deleting the data was refused: the path is not safe to delete (409).
    UnsafeDelete,
    /// The torrent does not have all of its data yet (409): only complete
    /// torrents move to another server.
    Incomplete,
    /// No .torrent is stored for this torrent (409): a move needs it.
    MetainfoMissing,
    /// No such job among the caller's (404).
    JobNotFound,
    /// No such RSS feed among the caller's (404).
    RssFeedNotFound,
    /// The body is larger than accepted (413).
    TooLarge,
    /// The torrent client cannot do this (422).
    ClientUnsupported,
    /// The torrent client answered but refused the request (400).
    ClientRejected,
    /// The torrent client cannot be reached: refused, timed out, network (502).
    ClientUnreachable,
    /// The torrent client refused our credentials (502).
    ClientAuthFailed,
    /// The endpoint answered, but not as a torrent client does (502).
    ClientMalformed,
    /// The server is failing; writes fail fast until it recovers (503).
    ServerUnavailable,
    /// Too many attempts; see Retry-After (429).
    RateLimited,
    /// A per-user limit is reached: servers (403), open live streams (429).
    QuotaExceeded,
    /// A dependency of ours (the database) is not answering (503).
    Unavailable,
    /// The server has no HTTP file location (`http_port`) to list or download from (400).
    NoHttpLocation,
    /// The server has no `http_download_root` mapping its client's paths
    /// onto the HTTP location (400).
    NoHttpMapping,
    /// A torrent's file is outside the server's `http_download_root` (409).
    OutsideHttpRoot,
    /// No such file or folder on the seedbox's web server (404).
    FileNotFound,
    /// The seedbox's web server refused the HTTP location's credentials (502).
    SeedboxAuthFailed,
    /// The seedbox's web server cannot be reached or answered unusably (502).
    SeedboxUnreachable,
    /// The seedbox's web server did not answer in time (504).
    SeedboxTimeout,
    /// A fault of ours; the details are in the server's log (500).
    #[default]
    InternalError,
    /// A code this client does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::ForbiddenTarget => "forbidden_target",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ServerNotFound => "server_not_found",
            ErrorCode::TorrentNotFound => "torrent_not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::DuplicateTorrent => "duplicate_torrent",
            ErrorCode::UnsafeDelete => "unsafe_delete",
            ErrorCode::Incomplete => "incomplete",
            ErrorCode::MetainfoMissing => "metainfo_missing",
            ErrorCode::JobNotFound => "job_not_found",
            ErrorCode::RssFeedNotFound => "rss_feed_not_found",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::ClientUnsupported => "client_unsupported",
            ErrorCode::ClientRejected => "client_rejected",
            ErrorCode::ClientUnreachable => "client_unreachable",
            ErrorCode::ClientAuthFailed => "client_auth_failed",
            ErrorCode::ClientMalformed => "client_malformed",
            ErrorCode::ServerUnavailable => "server_unavailable",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::NoHttpLocation => "no_http_location",
            ErrorCode::NoHttpMapping => "no_http_mapping",
            ErrorCode::OutsideHttpRoot => "outside_http_root",
            ErrorCode::FileNotFound => "file_not_found",
            ErrorCode::SeedboxAuthFailed => "seedbox_auth_failed",
            ErrorCode::SeedboxUnreachable => "seedbox_unreachable",
            ErrorCode::SeedboxTimeout => "seedbox_timeout",
            ErrorCode::InternalError => "internal_error",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_names() {
        for code in [
            ErrorCode::TorrentNotFound,
            ErrorCode::ForbiddenTarget,
            ErrorCode::InternalError,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        let body: ErrorBody =
            serde_json::from_str(r#"{"detail":"x","code":"from_the_future"}"#).unwrap();
        assert_eq!(body.code, ErrorCode::Unknown);
    }
}
