//! Transmission's JSON RPC (legacy format, Transmission 3.x–4.x) with the
//! `X-Transmission-Session-Id` handshake.

use std::sync::Mutex;

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::BackendConfig;
use crate::error::{BackendError, ErrorKind, Result};
use crate::http::{HttpEndpoint, decode_off_runtime};

const SESSION_HEADER: &str = "X-Transmission-Session-Id";

/// An answer, with `arguments` parsed straight into the caller's type.
struct Answer<T> {
    arguments: Option<T>,
    /// Whether `arguments` was there at all (Transmission always sends it).
    has_arguments: bool,
    result: Option<Value>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Answer<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw<T> {
            arguments: Option<Option<T>>,
            result: Option<Value>,
        }
        let raw = Raw::<T>::deserialize(deserializer)?;
        Ok(Self {
            has_arguments: raw.arguments.is_some(),
            arguments: raw.arguments.flatten(),
            result: raw.result,
        })
    }
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

/// Why a reply is not a successful Transmission answer. Only the `result` of
/// an answer shaped like Transmission's is quoted: anything else may come
/// from another service, whose answer must not reach the user (H-2).
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyError {
    NotJson {
        line: usize,
        column: usize,
    },
    /// JSON, but no `result` string next to an `arguments` object.
    NotTransmission,
    /// `result` other than "success" (at most `MAX_RESULT_CHARS` of it).
    Rejected(String),
    /// A Transmission answer whose `arguments` are not what was asked for.
    Shape {
        line: usize,
        column: usize,
    },
}

/// Transmission's refusals are short sentences ("duplicate torrent").
const MAX_RESULT_CHARS: usize = 200;

/// Decodes a reply: its `arguments` (if any) parsed into `T` directly,
/// without a `Value` tree in between. serde_json's recursion limit (128)
/// bounds the nesting.
pub fn decode_reply<T: DeserializeOwned>(body: &[u8]) -> Result<Option<T>, ReplyError> {
    match serde_json::from_slice::<Answer<T>>(body) {
        Ok(answer) => {
            check_result(answer.result.as_ref(), answer.has_arguments)?;
            Ok(answer.arguments)
        }
        Err(shape) => {
            // Only on failure: parse again, loosely, to say what is wrong.
            let answer: Value = serde_json::from_slice(body).map_err(|e| ReplyError::NotJson {
                line: e.line(),
                column: e.column(),
            })?;
            let has_arguments = answer.get("arguments").is_some_and(Value::is_object);
            check_result(answer.get("result"), has_arguments)?;
            Err(ReplyError::Shape {
                line: shape.line(),
                column: shape.column(),
            })
        }
    }
}

/// A missing `result` or `arguments` means another JSON service; a result
/// other than "success", a refusal.
fn check_result(result: Option<&Value>, has_arguments: bool) -> Result<(), ReplyError> {
    match result.and_then(Value::as_str) {
        Some("success") if has_arguments => Ok(()),
        Some(result) if has_arguments => Err(ReplyError::Rejected(
            result.chars().take(MAX_RESULT_CHARS).collect(),
        )),
        _ => Err(ReplyError::NotTransmission),
    }
}
