//! Transmission's JSON RPC (legacy format, Transmission 3.x–4.x) with the
//! `X-Transmission-Session-Id` handshake.

use std::sync::Mutex;

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::BackendConfig;
use crate::error::{BackendError, ErrorKind, Result};
use crate::http::{HttpEndpoint, HttpReply};

const SESSION_HEADER: &str = "X-Transmission-Session-Id";

/// An answer, with `arguments` parsed straight into the caller's type.
#[derive(Deserialize)]
struct Answer<T> {
    arguments: Option<T>,
    result: Option<Value>,
}

pub(crate) struct TransmissionRpc {
    http: HttpEndpoint,
    /// Shared by every call; replaced whenever the daemon answers 409.
    session_id: Mutex<Option<String>>,
    server: String,
}

impl TransmissionRpc {
    pub fn new(config: &BackendConfig, server: &str) -> Result<Self> {
        Ok(Self {
            http: HttpEndpoint::new(config, server)?,
            session_id: Mutex::new(None),
            server: server.to_owned(),
        })
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
    pub async fn call_as<T: DeserializeOwned>(
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

        match serde_json::from_slice::<Answer<T>>(&reply.body) {
            Ok(answer) => {
                self.check_result(method, answer.result.as_ref(), &reply)?;
                Ok(answer.arguments)
            }
            Err(shape) => {
                // Only on failure: parse again, loosely, to say what is wrong.
                let answer: Value = serde_json::from_slice(&reply.body).map_err(|e| {
                    if reply.looks_like_html() {
                        self.error(ErrorKind::NotATorrentClient(format!(
                            "got an HTML page instead of JSON: {}",
                            reply.preview()
                        )))
                    } else {
                        self.error(ErrorKind::Malformed(format!(
                            "not JSON ({e}): {:?}",
                            reply.preview()
                        )))
                    }
                })?;
                self.check_result(method, answer.get("result"), &reply)?;
                Err(self.error(ErrorKind::Malformed(format!("{method}: {shape}"))))
            }
        }
    }

    /// A missing `result` means another JSON service; other than "success", a refusal.
    fn check_result(&self, method: &str, result: Option<&Value>, reply: &HttpReply) -> Result<()> {
        let result = result.and_then(Value::as_str).ok_or_else(|| {
            self.error(ErrorKind::NotATorrentClient(format!(
                "JSON without a \"result\": {}",
                reply.preview()
            )))
        })?;
        if result != "success" {
            return Err(self.error(ErrorKind::Rejected(format!("{method}: {result}"))));
        }
        Ok(())
    }
}
