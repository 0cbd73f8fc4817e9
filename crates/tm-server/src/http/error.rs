//! The one place where core errors become HTTP answers.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tm_api_types::{ErrorBody, ErrorCode};
use tm_backends::ErrorKind;

use crate::core::Error;

impl Error {
    /// The status and machine code of each error: the one mapping to HTTP.
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Error::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidInput),
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidInput),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            Error::ForbiddenTarget(_) => (StatusCode::FORBIDDEN, ErrorCode::ForbiddenTarget),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Error::ServerNotFound => (StatusCode::NOT_FOUND, ErrorCode::ServerNotFound),
            Error::TorrentNotFound => (StatusCode::NOT_FOUND, ErrorCode::TorrentNotFound),
            Error::JobNotFound => (StatusCode::NOT_FOUND, ErrorCode::JobNotFound),
            Error::RssFeedNotFound => (StatusCode::NOT_FOUND, ErrorCode::RssFeedNotFound),
            Error::AlreadyOnServer(_) => (StatusCode::CONFLICT, ErrorCode::DuplicateTorrent),
            Error::Incomplete(_) => (StatusCode::CONFLICT, ErrorCode::Incomplete),
            Error::MetainfoMissing(_) => (StatusCode::CONFLICT, ErrorCode::MetainfoMissing),
            Error::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            Error::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::TooLarge),
            Error::Backend(error) => backend_status_and_code(error.kind()),
            Error::ServerUnavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServerUnavailable,
            ),
            Error::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            Error::QuotaExceeded(_) => (StatusCode::FORBIDDEN, ErrorCode::QuotaExceeded),
            Error::TooManyStreams(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::QuotaExceeded),
            Error::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
            Error::NoHttpLocation => (StatusCode::BAD_REQUEST, ErrorCode::NoHttpLocation),
            Error::NoHttpMapping => (StatusCode::BAD_REQUEST, ErrorCode::NoHttpMapping),
            Error::OutsideHttpRoot(_) => (StatusCode::CONFLICT, ErrorCode::OutsideHttpRoot),
            Error::FileNotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::FileNotFound),
            Error::SeedboxAuthFailed(_) => (StatusCode::BAD_GATEWAY, ErrorCode::SeedboxAuthFailed),
            Error::SeedboxUnreachable(_) => {
                (StatusCode::BAD_GATEWAY, ErrorCode::SeedboxUnreachable)
            }
            Error::SeedboxTimeout(_) => (StatusCode::GATEWAY_TIMEOUT, ErrorCode::SeedboxTimeout),
            Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError),
        }
    }
}

fn backend_status_and_code(kind: &ErrorKind) -> (StatusCode, ErrorCode) {
    match kind {
        ErrorKind::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::TorrentNotFound),
        ErrorKind::Duplicate(_) => (StatusCode::CONFLICT, ErrorCode::DuplicateTorrent),
        ErrorKind::Unsafe(_) => (StatusCode::CONFLICT, ErrorCode::UnsafeDelete),
        ErrorKind::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::ForbiddenTarget),
        ErrorKind::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidInput),
        ErrorKind::Rejected(_) => (StatusCode::BAD_REQUEST, ErrorCode::ClientRejected),
        ErrorKind::Unsupported(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ClientUnsupported,
        ),
        ErrorKind::Refused(_) | ErrorKind::Timeout(_) | ErrorKind::Network(_) => {
            (StatusCode::BAD_GATEWAY, ErrorCode::ClientUnreachable)
        }
        ErrorKind::AuthFailed(_) => (StatusCode::BAD_GATEWAY, ErrorCode::ClientAuthFailed),
        ErrorKind::NotATorrentClient(_) | ErrorKind::Malformed(_) => {
            (StatusCode::BAD_GATEWAY, ErrorCode::ClientMalformed)
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let detail = self.public_detail();
        let mut response = (status, Json(ErrorBody { detail, code })).into_response();
        let headers = response.headers_mut();
        match &self {
            Error::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Error::RateLimited { retry_after, .. } => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after.as_secs()),
                );
            }
            _ => {}
        }
        response
    }
}
