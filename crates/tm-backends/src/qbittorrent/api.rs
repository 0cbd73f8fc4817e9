//! qBittorrent's WebAPI v2 session: cookie login, one re-login when the
//! session expired (403), or an API key sent on every call (no login);
//! form and multipart POSTs under `<base>/api/v2/`.
//!
//! Every call is a POST: qBittorrent accepts POST for all its actions (GET
//! only for some), and reads parameters from the form body. No `Origin` or
//! `Referer` is sent (its CSRF check passes requests without them), and
//! reqwest sends the `Host` we connect to (its Host-header check).

use std::sync::Mutex;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use serde::de::DeserializeOwned;

use crate::config::BackendConfig;
use crate::connection::{HttpEndpoint, Login, QbittorrentAuth};
use crate::error::{BackendError, ErrorKind, Result};
use crate::http::{HttpAuth, HttpChannel, HttpReply, decode_off_runtime};

const FORM: &str = "application/x-www-form-urlencoded";

/// A request body and its content type.
pub(super) struct Body {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

impl Body {
    /// `application/x-www-form-urlencoded` from name/value pairs.
    pub fn form(pairs: &[(&str, &str)]) -> Self {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            form.append_pair(name, value);
        }
        Self {
            bytes: form.finish().into_bytes(),
            content_type: FORM.to_owned(),
        }
    }
}

pub(super) struct QbittorrentApi {
    /// Sends basic auth with a login (as Sonarr does), the key with an API key.
    http: HttpChannel,
    /// For the cookie login; `None` with an API key or without credentials.
    login: Option<Login>,
    /// Whether `http` sends an API key (for what a refusal means).
    api_key: bool,
    /// `Cookie` header value from the last login (every cookie it set: 5.2
    /// names the session cookie `QBT_SID_<port>`, earlier versions `SID`).
    cookies: Mutex<Option<String>>,
    server: String,
}

impl QbittorrentApi {
    pub fn new(
        config: &BackendConfig,
        endpoint: &HttpEndpoint,
        auth: &QbittorrentAuth,
        server: &str,
    ) -> Result<Self> {
        let (http_auth, login) = match auth {
            QbittorrentAuth::Login(login) => {
                (Some(HttpAuth::Basic(login.clone())), Some(login.clone()))
            }
            QbittorrentAuth::ApiKey(key) => (Some(HttpAuth::Bearer(key.clone())), None),
            QbittorrentAuth::None => (None, None),
        };
        Ok(Self {
            http: HttpChannel::new(config, endpoint, http_auth, server)?,
            login,
            api_key: matches!(auth, QbittorrentAuth::ApiKey(_)),
            cookies: Mutex::new(None),
            server: server.to_owned(),
        })
    }

    pub fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    fn cookies(&self) -> Option<String> {
        self.cookies
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn set_cookies(&self, value: Option<String>) {
        *self
            .cookies
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = value;
    }

    /// Logs in and keeps the cookies. qBittorrent 4.x answers a wrong
    /// password with 200 `Fails.`, newer versions with 401.
    async fn login(&self, login: &Login) -> Result<()> {
        let body = Body::form(&[
            ("username", &login.username),
            ("password", login.password.expose()),
        ]);
        let reply = self
            .http
            .post_to("api/v2/auth/login", body.bytes, &body.content_type, None)
            .await?;
        match reply.status {
            StatusCode::OK => {}
            StatusCode::UNAUTHORIZED => {
                return Err(self.error(ErrorKind::AuthFailed(
                    "wrong username or password (HTTP 401)".to_owned(),
                )));
            }
            StatusCode::FORBIDDEN => {
                return Err(self.error(ErrorKind::AuthFailed(
                    "login refused (HTTP 403): this address is banned after too many \
                     failed logins"
                        .to_owned(),
                )));
            }
            _ => return Err(self.error(status_error(&reply, "auth/login"))),
        }
        match reply.body.trim_ascii() {
            b"Ok." => {}
            b"Fails." => {
                return Err(self.error(ErrorKind::AuthFailed(
                    "wrong username or password".to_owned(),
                )));
            }
            _ if reply.looks_like_html() => {
                return Err(self.error(ErrorKind::NotATorrentClient(
                    "the login answered an HTML page".to_owned(),
                )));
            }
            _ => {
                return Err(self.error(ErrorKind::NotATorrentClient(
                    "the login answered neither \"Ok.\" nor \"Fails.\"".to_owned(),
                )));
            }
        }
        let cookies: Vec<String> = reply
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .map(|pair| pair.trim().to_owned())
            .filter(|pair| pair.contains('='))
            .collect();
        self.set_cookies((!cookies.is_empty()).then(|| cookies.join("; ")));
        Ok(())
    }

    /// POSTs `body` to `api/v2/<path>`, logging in first when there is no
    /// session and once more when the session has expired (403). Returns
    /// the reply whatever its status, but 403 after a fresh login, or 401
    /// and 403 when there is no login to open a session with.
    pub async fn post(&self, path: &str, body: Body) -> Result<HttpReply> {
        let relative = format!("api/v2/{path}");
        let Some(login) = &self.login else {
            let reply = self
                .http
                .post_to(&relative, body.bytes, &body.content_type, None)
                .await?;
            if !matches!(
                reply.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ) {
                return Ok(reply);
            }
            let refused = if self.api_key {
                "the API key was refused"
            } else {
                "this WebUI wants a login: set a username and password, or an API key"
            };
            return Err(self.error(ErrorKind::AuthFailed(format!(
                "{path}: {refused} (HTTP {})",
                reply.status.as_u16()
            ))));
        };
        let mut logged_in = false;
        if self.cookies().is_none() {
            self.login(login).await?;
            logged_in = true;
        }
        loop {
            let cookies = self.cookies();
            let header = cookies.as_deref().map(|c| ("Cookie", c));
            let reply = self
                .http
                .post_to(&relative, body.bytes.clone(), &body.content_type, header)
                .await?;
            if reply.status != StatusCode::FORBIDDEN {
                return Ok(reply);
            }
            if logged_in {
                return Err(self.error(ErrorKind::AuthFailed(format!(
                    "{path}: access forbidden (HTTP 403) right after logging in"
                ))));
            }
            self.login(login).await?;
            logged_in = true;
        }
    }

    /// `post` with a form, expecting success (200, or 204 from WebAPI
    /// 2.11.8 on); the body as it came.
    pub async fn text(&self, path: &str, form: &[(&str, &str)]) -> Result<Bytes> {
        let reply = self.post(path, Body::form(form)).await?;
        if !reply.status.is_success() {
            return Err(self.error(status_error(&reply, path)));
        }
        Ok(reply.body)
    }

    /// `text`, decoded as JSON into `T` (off the async workers when large;
    /// serde_json's nesting limit and the reply cap bound the work).
    pub async fn json<T: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T> {
        let reply = self.post(path, Body::form(form)).await?;
        if reply.status != StatusCode::OK {
            return Err(self.error(status_error(&reply, path)));
        }
        let html = reply.looks_like_html();
        let decoded = decode_off_runtime(reply.body, |bytes| serde_json::from_slice::<T>(bytes))
            .await
            .map_err(|kind| self.error(kind))?;
        decoded.map_err(|e| {
            self.error(if html {
                ErrorKind::NotATorrentClient(format!("{path}: got an HTML page instead of JSON"))
            } else {
                ErrorKind::Malformed(format!(
                    "{path}: unexpected JSON (at line {}, column {})",
                    e.line(),
                    e.column()
                ))
            })
        })
    }
}

/// The error for a non-200 reply to `path`. Never quotes the body: the URL
/// may point at any HTTP service.
pub(super) fn status_error(reply: &HttpReply, path: &str) -> ErrorKind {
    match reply.status {
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
            ErrorKind::NotATorrentClient(format!(
                "{path}: HTTP {} (no qBittorrent WebAPI here)",
                reply.status.as_u16()
            ))
        }
        StatusCode::BAD_REQUEST | StatusCode::CONFLICT => ErrorKind::Rejected(format!(
            "{path}: invalid parameters (HTTP {})",
            reply.status.as_u16()
        )),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ErrorKind::Rejected(format!("{path}: not a valid torrent file (HTTP 415)"))
        }
        _ => match reply.check_status() {
            Ok(()) => ErrorKind::Malformed(format!("{path}: unexpected reply")),
            Err(kind) => kind,
        },
    }
}
