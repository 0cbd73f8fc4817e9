//! The one error type of the client, built from the server's
//! `{"detail": ..., "code": ...}` answers.

use std::fmt;
use std::ops::Deref;
use std::time::Duration;

use reqwest::{Response, StatusCode, header};
use tm_api_types::{ErrorBody, ErrorCode};

/// The server's explanation of an error answer: its text (`detail`, which
/// this dereferences to) and its stable machine `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub detail: String,
    pub code: ErrorCode,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl Deref for ApiError {
    type Target = str;

    fn deref(&self) -> &str {
        &self.detail
    }
}

impl From<&str> for ApiError {
    fn from(detail: &str) -> Self {
        Self {
            detail: detail.to_owned(),
            code: ErrorCode::Unknown,
        }
    }
}

/// A request to the torrent-manager API failed.
///
/// Answers with an error status carry the server's explanation (`detail`);
/// the common statuses have their own variant so callers can match on them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: not logged in, the session ended, or the API key is not valid.
    #[error("{0}")]
    Unauthorized(ApiError),
    /// 403: logged in, but not allowed (not an admin, registration closed,
    /// an API key used where a password login is required).
    #[error("{0}")]
    Forbidden(ApiError),
    /// 404: no such server, torrent, key or user (or not yours).
    #[error("{0}")]
    NotFound(ApiError),
    /// 409: the name is taken, the torrent is already there, …
    #[error("{0}")]
    Conflict(ApiError),
    /// 422: the server refused a value of the request.
    #[error("{0}")]
    Invalid(ApiError),
    /// 429: too many failed logins; `retry_after` says when to try again.
    #[error("{detail}")]
    RateLimited {
        detail: ApiError,
        retry_after: Option<Duration>,
    },
    /// Any other error status (400, 413, 502, 503, …).
    #[error("HTTP {status}: {detail}")]
    Api { status: u16, detail: ApiError },
    /// The server could not be reached at all.
    #[error("could not connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The server did not answer within the client's timeout.
    #[error("no answer from {url} in time")]
    Timeout { url: String },
    /// Another transport failure (TLS, a broken connection, …).
    #[error("request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The server answered, but not with the JSON this client expects.
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
    /// The client was given a setting it cannot use (a malformed URL or key).
    #[error("{0}")]
    InvalidConfig(String),
    /// Writing a downloaded file failed (disk full, permissions).
    #[error("could not write the download: {0}")]
    Io(String),
}

impl Error {
    /// The HTTP status of the server's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized(_) => Some(401),
            Error::Forbidden(_) => Some(403),
            Error::NotFound(_) => Some(404),
            Error::Conflict(_) => Some(409),
            Error::Invalid(_) => Some(422),
            Error::RateLimited { .. } => Some(429),
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's machine code (`torrent_not_found`, `forbidden_target`, …),
    /// when the server answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::Invalid(e)
            | Error::RateLimited { detail: e, .. }
            | Error::Api { detail: e, .. } => Some(e.code),
            _ => None,
        }
    }

    /// Turns an error answer into the matching variant.
    pub(crate) async fn from_response(response: Response) -> Error {
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok())
            .map(Duration::from_secs);
        let body = response.text().await.unwrap_or_default();
        let detail = detail_of(status, &body);
        match status {
            StatusCode::UNAUTHORIZED => Error::Unauthorized(detail),
            StatusCode::FORBIDDEN => Error::Forbidden(detail),
            StatusCode::NOT_FOUND => Error::NotFound(detail),
            StatusCode::CONFLICT => Error::Conflict(detail),
            StatusCode::UNPROCESSABLE_ENTITY => Error::Invalid(detail),
            StatusCode::TOO_MANY_REQUESTS => Error::RateLimited {
                detail,
                retry_after,
            },
            other => Error::Api {
                status: other.as_u16(),
                detail,
            },
        }
    }

    /// Classifies a failure to get an answer from `url`.
    pub(crate) fn from_transport(url: &str, error: reqwest::Error) -> Error {
        if error.is_connect() {
            Error::Connect {
                url: url.to_string(),
                reason: root_cause(&error),
            }
        } else if error.is_timeout() {
            Error::Timeout {
                url: url.to_string(),
            }
        } else {
            Error::Transport(error)
        }
    }
}

/// The server's `detail` and `code`, else the body's text (a proxy's error
/// page), else the status's name.
fn detail_of(status: StatusCode, body: &str) -> ApiError {
    if let Ok(ErrorBody { detail, code }) = serde_json::from_str(body) {
        return ApiError { detail, code };
    }
    let detail = match body.trim() {
        "" => status.canonical_reason().unwrap_or("request failed"),
        text => text,
    };
    ApiError::from(detail)
}

/// The innermost cause ("Connection refused (os error 111)"): reqwest's own
/// message only says that sending failed.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_comes_from_the_body_when_it_can() {
        let found = detail_of(
            StatusCode::NOT_FOUND,
            r#"{"detail":"Server not found","code":"server_not_found"}"#,
        );
        assert_eq!(&*found, "Server not found");
        assert_eq!(found.code, ErrorCode::ServerNotFound);
        let proxy = detail_of(StatusCode::BAD_GATEWAY, " upstream down \n");
        assert_eq!(&*proxy, "upstream down");
        assert_eq!(proxy.code, ErrorCode::Unknown);
        assert_eq!(&*detail_of(StatusCode::BAD_GATEWAY, ""), "Bad Gateway");
    }

    #[test]
    fn status_of_each_variant() {
        assert_eq!(Error::Conflict("x".into()).status(), Some(409));
        let api = Error::Api {
            status: 502,
            detail: "down".into(),
        };
        assert_eq!(api.status(), Some(502));
        assert_eq!(api.to_string(), "HTTP 502: down");
        let connect = Error::Connect {
            url: "http://x".into(),
            reason: "refused".into(),
        };
        assert_eq!(connect.status(), None);
    }
}
