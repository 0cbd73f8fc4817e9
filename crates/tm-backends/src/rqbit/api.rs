//! rqbit's HTTP API: GETs that read, POSTs that act, and its JSON errors
//! (`{"error_kind", "human_readable", "status", ...}`) mapped to error
//! kinds. Replies are capped by `crate::http` (`MAX_REPLY_BYTES`) and
//! decoded with serde_json's nesting limit, off the async workers when large.

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::BackendConfig;
use crate::connection::{HttpEndpoint, Login};
use crate::error::{BackendError, ErrorKind, Result};
use crate::http::{HttpAuth, HttpChannel, HttpReply, decode_off_runtime};

/// At most this much of rqbit's own error text is shown.
const MAX_MESSAGE_CHARS: usize = 300;

pub(super) struct RqbitApi {
    http: HttpChannel,
    server: String,
}

/// rqbit's error body (`ApiError`'s serialisation), the fields used.
#[derive(Debug, Deserialize)]
struct ErrorReply {
    #[serde(default)]
    error_kind: String,
    #[serde(default)]
    human_readable: String,
}

impl RqbitApi {
    pub fn new(
        config: &BackendConfig,
        endpoint: &HttpEndpoint,
        login: Option<&Login>,
        server: &str,
    ) -> Result<Self> {
        Ok(Self {
            http: HttpChannel::new(
                config,
                endpoint,
                login.cloned().map(HttpAuth::Basic),
                server,
            )?,
            server: server.to_owned(),
        })
    }

    pub fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    /// GET `path`; a 404 of rqbit's `torrent_not_found` is `Ok(None)`.
    pub async fn get_json<T: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
    ) -> Result<Option<T>> {
        let reply = self.http.get_from(path).await?;
        if self.missing(&reply, path)? {
            return Ok(None);
        }
        self.decode(reply, path).await.map(Some)
    }

    /// GET `path` as raw bytes (the .torrent); `None` when not found.
    pub async fn get_bytes(&self, path: &str) -> Result<Option<bytes::Bytes>> {
        let reply = self.http.get_from(path).await?;
        if self.missing(&reply, path)? {
            return Ok(None);
        }
        Ok(Some(reply.body))
    }

    /// POST `body` to `path`; `None` when the torrent is not found.
    pub async fn post(&self, path: &str, body: Vec<u8>, content_type: &str) -> Result<Option<()>> {
        let reply = self.http.post_to(path, body, content_type, None).await?;
        if self.missing(&reply, path)? {
            return Ok(None);
        }
        Ok(Some(()))
    }

    /// POST `body` to `path`, expecting raw bytes back.
    pub async fn post_for_bytes(
        &self,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<bytes::Bytes> {
        let reply = self.http.post_to(path, body, content_type, None).await?;
        if self.missing(&reply, path)? {
            return Err(self.error(ErrorKind::Rejected(format!("{}: not found", route(path)))));
        }
        Ok(reply.body)
    }

    /// `Ok(false)`: a success; `Ok(true)`: rqbit does not have the
    /// torrent; else the error the reply stands for.
    fn missing(&self, reply: &HttpReply, path: &str) -> Result<bool> {
        if reply.status.is_success() {
            return Ok(false);
        }
        let rqbit = serde_json::from_slice::<ErrorReply>(&reply.body).ok();
        if reply.status == StatusCode::NOT_FOUND
            && rqbit
                .as_ref()
                .is_some_and(|e| e.error_kind == "torrent_not_found")
        {
            return Ok(true);
        }
        Err(self.error(status_error(reply, rqbit.as_ref(), path)))
    }

    async fn decode<T: DeserializeOwned + Send + 'static>(
        &self,
        reply: HttpReply,
        path: &str,
    ) -> Result<T> {
        let html = reply.looks_like_html();
        let decoded = decode_off_runtime(reply.body, |bytes| serde_json::from_slice::<T>(bytes))
            .await
            .map_err(|kind| self.error(kind))?;
        decoded.map_err(|e| {
            self.error(if html {
                ErrorKind::NotATorrentClient(format!(
                    "{}: got an HTML page instead of JSON",
                    route(path)
                ))
            } else {
                ErrorKind::Malformed(format!(
                    "{}: unexpected JSON (at line {}, column {})",
                    route(path),
                    e.line(),
                    e.column()
                ))
            })
        })
    }
}

/// The path without its query, for messages.
fn route(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// The error for a failed reply. rqbit's own text is quoted only when the
/// body is rqbit's JSON error (never a body of another service), shortened.
fn status_error(reply: &HttpReply, rqbit: Option<&ErrorReply>, path: &str) -> ErrorKind {
    let path = route(path);
    let said = rqbit
        .map(|e| {
            e.human_readable
                .chars()
                .take(MAX_MESSAGE_CHARS)
                .collect::<String>()
        })
        .filter(|text| !text.is_empty());
    match (reply.status, said) {
        (StatusCode::UNAUTHORIZED, _) => ErrorKind::AuthFailed(
            "wrong username or password, or rqbit wants a login (HTTP 401)".to_owned(),
        ),
        (StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED, None) => {
            ErrorKind::NotATorrentClient(format!(
                "{path}: HTTP {} (no rqbit API here, or it is read-only)",
                reply.status.as_u16()
            ))
        }
        (StatusCode::PAYLOAD_TOO_LARGE, _) => {
            ErrorKind::Rejected(format!("{path}: the .torrent is larger than rqbit accepts"))
        }
        (status, Some(text)) if status.is_client_error() || status.is_server_error() => {
            ErrorKind::Rejected(format!("{path}: {text} (HTTP {})", status.as_u16()))
        }
        _ => match reply.check_status() {
            Ok(()) => ErrorKind::Malformed(format!("{path}: unexpected reply")),
            Err(kind) => kind,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> (HttpReply, Option<ErrorReply>) {
        let reply = HttpReply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: bytes::Bytes::from(body.to_owned()),
        };
        let rqbit = serde_json::from_slice(&reply.body).ok();
        (reply, rqbit)
    }

    fn kind_of(status: u16, body: &str) -> ErrorKind {
        let (reply, rqbit) = reply(status, body);
        status_error(&reply, rqbit.as_ref(), "torrents/abc/start?x=1")
    }

    #[test]
    fn rqbit_errors_map_to_kinds_and_other_bodies_are_never_quoted() {
        let unauthorized =
            r#"{"error_kind":"unauthorized","human_readable":"unauthorized","status":401}"#;
        assert!(matches!(
            kind_of(401, unauthorized),
            ErrorKind::AuthFailed(_)
        ));
        assert!(matches!(kind_of(401, ""), ErrorKind::AuthFailed(_)));
        let failed = r#"{"error_kind":"internal_error","human_readable":"torrent is already live","status":400}"#;
        assert_eq!(
            kind_of(400, failed),
            ErrorKind::Rejected("torrents/abc/start: torrent is already live (HTTP 400)".into())
        );
        let foreign = kind_of(404, "<html>secret page</html>");
        assert!(matches!(&foreign, ErrorKind::NotATorrentClient(m) if !m.contains("secret")));
        let foreign = kind_of(500, "token=hunter2");
        assert!(!foreign.to_string().contains("hunter2"), "{foreign}");
        let long = format!(
            r#"{{"error_kind":"internal_error","human_readable":"{}"}}"#,
            "x".repeat(5000)
        );
        assert!(kind_of(500, &long).to_string().len() < 400);
    }
}
