//! Transmission's JSON RPC (legacy format, Transmission 3.x–4.x) with the
//! `X-Transmission-Session-Id` handshake.

use std::sync::Mutex;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::error::{BackendError, ErrorKind, Result};
use crate::http::{HttpChannel, decode_off_runtime};

use super::reply::{ReplyError, decode_reply};

const SESSION_HEADER: &str = "X-Transmission-Session-Id";

pub(crate) struct TransmissionRpc {
    http: HttpChannel,
    /// Shared by every call; replaced whenever the daemon answers 409.
    session_id: Mutex<Option<String>>,
    server: String,
}

impl TransmissionRpc {
    pub fn new(http: HttpChannel, server: &str) -> Self {
        Self {
            http,
            session_id: Mutex::new(None),
            server: server.to_owned(),
        }
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    fn session_id(&self) -> Option<String> {
        self.session_id
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Calls `method` and returns its `arguments`; a non-"success" result is `Rejected`.
    pub async fn call(&self, method: &str, arguments: Value) -> Result<Value> {
        Ok(self
            .call_as(method, arguments)
            .await?
            .unwrap_or_else(|| json!({})))
    }

    /// Like `call`, with the `arguments` (if any) parsed into `T` directly,
    /// without a `Value` tree in between.
    pub async fn call_as<T: DeserializeOwned + Send + 'static>(
        &self,
        method: &str,
        arguments: Value,
    ) -> Result<Option<T>> {
        let body = serde_json::to_vec(&json!({ "method": method, "arguments": arguments }))
            .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
        let mut retried = false;
        let reply = loop {
            let session_id = self.session_id();
            let header = session_id.as_deref().map(|id| (SESSION_HEADER, id));
            let reply = self
                .http
                .post(body.clone(), "application/json", header)
                .await?;
            if reply.status != StatusCode::CONFLICT {
                break reply;
            }
            let fresh = reply
                .headers
                .get(SESSION_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match fresh {
                Some(id) if !retried => {
                    *self
                        .session_id
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(id);
                    retried = true;
                }
                Some(_) => {
                    return Err(self.error(ErrorKind::Malformed(
                        "the daemon keeps rejecting its own session id (HTTP 409)".to_owned(),
                    )));
                }
                None => {
                    return Err(self.error(ErrorKind::NotATorrentClient(format!(
                        "HTTP 409 without {SESSION_HEADER}"
                    ))));
                }
            }
        };
        reply.check_status().map_err(|kind| self.error(kind))?;
        let html = reply.looks_like_html();
        let decoded = decode_off_runtime(reply.body, decode_reply::<T>)
            .await
            .map_err(|kind| self.error(kind))?;
        decoded.map_err(|error| {
            self.error(match error {
                ReplyError::NotJson { .. } if html => {
                    ErrorKind::NotATorrentClient("got an HTML page instead of JSON".to_owned())
                }
                ReplyError::NotJson { line, column } => {
                    ErrorKind::Malformed(format!("not JSON (at line {line}, column {column})"))
                }
                ReplyError::NotTransmission => ErrorKind::NotATorrentClient(
                    "JSON without a \"result\" and \"arguments\"".to_owned(),
                ),
                ReplyError::Rejected(result) => ErrorKind::Rejected(format!("{method}: {result}")),
                ReplyError::Shape { line, column } => ErrorKind::Malformed(format!(
                    "{method}: unexpected arguments (at line {line}, column {column})"
                )),
            })
        })
    }
}
