//! The in-process tm-server and the HTTP calls measured against it.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tm_backends::BackendConfig;
use tm_testkit::{InProcessServer, server_body};

use crate::Result;
use crate::raw::Timed;

/// A logged-in keep-alive client of a server (in-process or not).
#[derive(Clone)]
pub(crate) struct Api {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
}

impl Api {
    /// An in-process tm-server (the test kit's) and a client logged in as
    /// its first user (the admin, allowed loopback targets).
    pub(crate) async fn start_server() -> Result<(InProcessServer, Api)> {
        let server = InProcessServer::start().await?;
        let api = Api::logged_in(&server.url).await?;
        Ok((server, api))
    }

    /// A client of the server at `base`, registered and logged in as a new
    /// user (the first one of a fresh server: its admin).
    pub(crate) async fn logged_in(base: &str) -> Result<Api> {
        Self::client(base)?
            .post("/auth/register", Self::credentials())
            .await?;
        Self::existing_user(base).await
    }

    /// A client of the server at `base` logged in as the user that
    /// `logged_in` registered (on this server or one sharing its database).
    pub(crate) async fn existing_user(base: &str) -> Result<Api> {
        let api = Self::client(base)?;
        api.post("/auth/login", Self::credentials()).await?;
        Ok(api)
    }

    fn client(base: &str) -> Result<Api> {
        Ok(Api {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .no_gzip()
                .build()?,
            base: base.to_owned(),
        })
    }

    fn credentials() -> Value {
        json!({"username": "bench", "password": "bench-password-1"})
    }

    /// Lets this user (an admin) register daemons on loopback.
    pub(crate) async fn allow_loopback_targets(&self) -> Result<()> {
        let me = self.get_json("/auth/me").await?;
        let user_id = me["user_id"].as_str().ok_or("no user id")?;
        self.put(
            &format!("/admin/users/{user_id}/targets"),
            json!({"allow_private_targets": true}),
        )
        .await?;
        Ok(())
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.send(reqwest::Method::POST, path, body).await
    }

    pub(crate) async fn put(&self, path: &str, body: Value) -> Result<Value> {
        self.send(reqwest::Method::PUT, path, body).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value> {
        let reply = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await?;
        let status = reply.status();
        let body: Value = reply.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("{method} {path}: HTTP {status}: {body}").into());
        }
        Ok(body)
    }

    pub(crate) async fn get_json(&self, path: &str) -> Result<Value> {
        Ok(self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// One timed GET to the last byte; also `X-Total-Count`. With
    /// `accept_encoding`, the body is as sent (compressed, not decoded).
    pub(crate) async fn get_timed(
        &self,
        path: &str,
        accept_encoding: Option<&str>,
    ) -> Result<(Timed, usize, bytes::Bytes)> {
        let start = Instant::now();
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(coding) = accept_encoding {
            request = request.header(reqwest::header::ACCEPT_ENCODING, coding);
        }
        let reply = request.send().await?.error_for_status()?;
        let total = reply
            .headers()
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(usize::MAX);
        let body = reply.bytes().await?;
        let elapsed = start.elapsed();
        Ok((
            Timed {
                elapsed,
                bytes: body.len(),
            },
            total,
            body,
        ))
    }

    /// The ETag of `path`'s answer (empty when it has none).
    pub(crate) async fn etag(&self, path: &str) -> Result<String> {
        let reply = self
            .http
            .head(format!("{}{path}", self.base))
            .send()
            .await?
            .error_for_status()?;
        Ok(reply
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned())
    }

    /// Uploads a .torrent to `server_id`, started.
    pub(crate) async fn upload(&self, server_id: &str, torrent: Vec<u8>) -> Result<()> {
        let file = reqwest::multipart::Part::bytes(torrent).file_name("bench.torrent");
        self.http
            .post(format!(
                "{}/torrents/upload?server_id={server_id}",
                self.base
            ))
            .multipart(reqwest::multipart::Form::new().part("file", file))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Registers a daemon as a server; returns its id.
    pub(crate) async fn register(&self, name: &str, config: &BackendConfig) -> Result<String> {
        let server = self.post("/servers", server_body(name, config)).await?;
        Ok(server["id"].as_str().ok_or("no server id")?.to_owned())
    }

    /// Waits until the server's snapshot holds `count` torrents; returns how long.
    pub(crate) async fn wait_for_count(&self, id: &str, count: usize) -> Result<Duration> {
        let start = Instant::now();
        loop {
            let server = self.get_json(&format!("/servers/{id}")).await?;
            if server["status"] == "connected" && server["torrent_count"] == count {
                return Ok(start.elapsed());
            }
            if start.elapsed() > Duration::from_secs(120) {
                return Err(format!("server {id} never reached {count} torrents: {server}").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

// ----------------------------------------------------------------------- main
