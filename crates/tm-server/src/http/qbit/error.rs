//! The one place where core errors become qBittorrent's answers: plain
//! text, with the status codes its clients test for.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tm_backends::ErrorKind;

use crate::core::Error;

/// An error of a `/api/v2` call.
#[derive(Debug)]
pub struct QbitError(pub Error);

pub type QbitResult<T> = Result<T, QbitError>;

impl From<Error> for QbitError {
    fn from(error: Error) -> Self {
        QbitError(error)
    }
}

impl QbitError {
    pub fn bad_request(detail: &str) -> Self {
        QbitError(Error::BadRequest(detail.into()))
    }

    fn status(&self) -> StatusCode {
        match &self.0 {
            // qBittorrent answers 403 to anyone not logged in.
            Error::Unauthorized(_) | Error::Forbidden(_) | Error::RateLimited { .. } => {
                StatusCode::FORBIDDEN
            }
            Error::Invalid(_)
            | Error::BadRequest(_)
            | Error::ServerNotFound
            | Error::NoHttpLocation
            | Error::NoHttpMapping => StatusCode::BAD_REQUEST,
            Error::NotFound(_)
            | Error::TorrentNotFound
            | Error::JobNotFound
            | Error::RssFeedNotFound
            | Error::FileNotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_)
            | Error::AlreadyOnServer(_)
            | Error::Incomplete(_)
            | Error::OutsideHttpRoot(_)
            | Error::MetainfoMissing(_) => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Backend(error) => match error.kind() {
                ErrorKind::NotFound(_) => StatusCode::NOT_FOUND,
                ErrorKind::Duplicate(_) | ErrorKind::Unsafe(_) => StatusCode::CONFLICT,
                ErrorKind::Invalid(_) | ErrorKind::Rejected(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            },
            Error::ServerUnavailable(_)
            | Error::Unavailable(_)
            | Error::SeedboxAuthFailed(_)
            | Error::SeedboxUnreachable(_)
            | Error::SeedboxTimeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::ForbiddenTarget(_) | Error::QuotaExceeded(_) => StatusCode::FORBIDDEN,
            Error::TooManyStreams(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn text(&self) -> String {
        match &self.0 {
            Error::Unauthorized(_) => "Forbidden".into(),
            Error::RateLimited { .. } => {
                "Your IP address has been banned after too many failed authentication attempts."
                    .into()
            }
            Error::TorrentNotFound => "Torrent hash not found".into(),
            other => other.public_detail(),
        }
    }
}

impl IntoResponse for QbitError {
    fn into_response(self) -> Response {
        (
            self.status(),
            [(header::CONTENT_TYPE, "text/plain; charset=UTF-8")],
            self.text(),
        )
            .into_response()
    }
}

/// qBittorrent's plain-text success answer.
pub fn ok_text() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=UTF-8")], "Ok.").into_response()
}

/// What `auth/login` and `torrents/add` answer when nothing was done.
pub fn fails_text() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=UTF-8")],
        "Fails.",
    )
        .into_response()
}
