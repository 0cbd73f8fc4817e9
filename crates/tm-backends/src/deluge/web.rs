//! deluge-web's JSON-RPC (`POST /json`, `{method, params, id}`): a cookie
//! session opened with the web UI's one password, then bound to a daemon.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use reqwest::header::SET_COOKIE;
use serde_json::{Map, Value, json};

use super::reply::{NOT_AUTHENTICATED, ReplyError, UNKNOWN_METHOD, decode_reply};
use super::rpc::DelugeRpc;
use crate::config::{BackendConfig, Secret};
use crate::connection::HttpEndpoint;
use crate::error::{BackendError, ErrorKind, Result};
use crate::http::{HttpChannel, decode_off_runtime};

const SESSION_COOKIE: &str = "_session_id";

pub(crate) struct DelugeWeb {
    http: HttpChannel,
    password: Secret,
    /// The `_session_id` cookie's value, once logged in.
    session: Mutex<Option<String>>,
    next_id: AtomicU64,
    server: String,
}

impl DelugeWeb {
    pub fn new(
        config: &BackendConfig,
        endpoint: &HttpEndpoint,
        password: Secret,
        server: &str,
    ) -> Result<Self> {
        Ok(Self {
            // The password goes in `auth.login`, not in basic auth, which
            // deluge-web ignores.
            http: HttpChannel::new(config, endpoint, None, server)?,
            password,
            session: Mutex::new(None),
            next_id: AtomicU64::new(1),
            server: server.to_owned(),
        })
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// One request; transport and non-deluge-web answers are errors, the
    /// answer's own error object is left to the caller.
    async fn request(
        &self,
        method: &str,
        params: &[Value],
    ) -> Result<std::result::Result<Value, (i64, String)>> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::to_vec(&json!({ "method": method, "params": params, "id": id }))
            .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
        let cookie = self
            .session()
            .as_ref()
            .map(|value| format!("{SESSION_COOKIE}={value}"));
        let header = cookie.as_deref().map(|c| ("Cookie", c));
        let reply = self.http.post(body, "application/json", header).await?;
        reply.check_status().map_err(|kind| self.error(kind))?;
        if let Some(value) = session_cookie(&reply.headers) {
            *self.session() = Some(value);
        }
        let html = reply.looks_like_html();
        let decoded = decode_off_runtime(reply.body, decode_reply)
            .await
            .map_err(|kind| self.error(kind))?;
        match decoded {
            Ok(result) => Ok(Ok(result)),
            Err(ReplyError::Failed { code, message }) => Ok(Err((code, message))),
            Err(ReplyError::NotJson { .. }) if html => Err(self.error(
                ErrorKind::NotATorrentClient("got an HTML page instead of JSON".to_owned()),
            )),
            Err(ReplyError::NotJson { line, column }) => Err(self.error(ErrorKind::Malformed(
                format!("not JSON (at line {line}, column {column})"),
            ))),
            Err(ReplyError::NotDeluge) => Err(self.error(ErrorKind::NotATorrentClient(
                "JSON that is not a deluge-web answer".to_owned(),
            ))),
        }
    }

    /// A request whose error object is a refusal.
    async fn request_ok(&self, method: &str, params: &[Value]) -> Result<Value> {
        self.request(method, params)
            .await?
            .map_err(|(code, message)| self.refusal(method, code, &message))
    }

    fn refusal(&self, method: &str, code: i64, message: &str) -> BackendError {
        self.error(match code {
            NOT_AUTHENTICATED => ErrorKind::AuthFailed(format!("{method}: not authenticated")),
            UNKNOWN_METHOD if method.starts_with("auth.") || method.starts_with("web.") => {
                ErrorKind::NotATorrentClient(format!("deluge-web has no {method}"))
            }
            UNKNOWN_METHOD => ErrorKind::Rejected(format!("{method}: unknown method")),
            _ => ErrorKind::Rejected(format!("{method}: {message}")),
        })
    }

    /// Logs in with the password, then makes sure the session has a daemon.
    async fn login(&self) -> Result<()> {
        *self.session() = None;
        let accepted = self
            .request_ok("auth.login", &[json!(self.password.expose())])
            .await?;
        match accepted {
            Value::Bool(true) => {}
            Value::Bool(false) => {
                return Err(self.error(ErrorKind::AuthFailed(
                    "deluge-web refused the password".to_owned(),
                )));
            }
            _ => {
                return Err(self.error(ErrorKind::Malformed(
                    "auth.login did not answer true or false".to_owned(),
                )));
            }
        }
        if self.session().is_none() {
            return Err(self.error(ErrorKind::Malformed(format!(
                "auth.login set no {SESSION_COOKIE} cookie"
            ))));
        }
        self.connect_daemon().await
    }

    /// deluge-web connects to its default daemon once, when it starts, and
    /// never retries (real-clients.md §8.2): when that failed, or the daemon
    /// restarted since, connect it to the first host of its list.
    async fn connect_daemon(&self) -> Result<()> {
        if self.request_ok("web.connected", &[]).await? == Value::Bool(true) {
            return Ok(());
        }
        let hosts = self.request_ok("web.get_hosts", &[]).await?;
        let host_id = hosts
            .as_array()
            .and_then(|hosts| hosts.first())
            .and_then(|host| host.get(0))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                self.error(ErrorKind::Refused(
                    "deluge-web has no daemon in its host list".to_owned(),
                ))
            })?
            .to_owned();
        // A list of the daemon's methods on success, null when it failed.
        let methods = self.request_ok("web.connect", &[json!(host_id)]).await?;
        if methods.is_array() {
            Ok(())
        } else {
            Err(self.error(ErrorKind::Refused(
                "deluge-web could not connect to its daemon".to_owned(),
            )))
        }
    }
}

#[async_trait]
impl DelugeRpc for DelugeWeb {
    async fn call(
        &self,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value> {
        if !kwargs.is_empty() {
            return Err(self.error(ErrorKind::Invalid(format!(
                "{method}: deluge-web passes positional parameters only"
            ))));
        }
        if self.session().is_none() {
            self.login().await?;
        }
        let mut logged_in_again = false;
        let mut reconnected = false;
        loop {
            let (code, message) = match self.request(method, &args).await? {
                Ok(result) => return Ok(result),
                Err(failure) => failure,
            };
            match code {
                // The session expired, or deluge-web restarted.
                NOT_AUTHENTICATED if !logged_in_again => {
                    logged_in_again = true;
                    self.login().await?;
                }
                // deluge-web knows the daemon's methods only while connected.
                UNKNOWN_METHOD if !reconnected => {
                    reconnected = true;
                    if self.request_ok("web.connected", &[]).await? == Value::Bool(true) {
                        return Err(self.refusal(method, code, &message));
                    }
                    self.connect_daemon().await?;
                }
                _ => return Err(self.refusal(method, code, &message)),
            }
        }
    }
}

/// The session cookie's value among the reply's `Set-Cookie` headers; only
/// a value made of token characters is kept (it is sent back in a header).
fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|cookie| cookie.split(';').next())
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn finds_the_session_cookie() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("other=1; Path=/"));
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("_session_id=ab12cd345; expires=Wed, 02 Dec 2026; Path=/json"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("ab12cd345"));

        let mut odd = HeaderMap::new();
        odd.append(
            SET_COOKIE,
            HeaderValue::from_static("_session_id=a\"b; Path=/json"),
        );
        assert_eq!(session_cookie(&odd), None);
    }
}
