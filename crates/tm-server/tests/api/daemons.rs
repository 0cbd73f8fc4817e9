//! Real torrent clients behind the API: start one, register it as a server.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_backends::testkit::{
    NginxScgiProxy, RtorrentDaemon, ScgiListener, TestTorrent, TransmissionDaemon, daemon_available,
};
use tm_backends::{BackendConfig, Transport};

use crate::harness::Api;

/// The clients (and transports) every torrent test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daemon {
    Transmission,
    RtorrentScgi,
    RtorrentUnix,
    RtorrentHttp,
}

/// A running client; dropping it stops the processes.
pub struct Running {
    pub config: BackendConfig,
    /// Where the client saves downloads by default.
    pub download_dir: std::path::PathBuf,
    _transmission: Option<TransmissionDaemon>,
    _rtorrent: Option<RtorrentDaemon>,
    _nginx: Option<NginxScgiProxy>,
}

impl Daemon {
    /// Starts the client, or `None` when its binaries are missing outside CI.
    pub async fn start(self) -> Option<Running> {
        let binaries: &[&str] = match self {
            Daemon::Transmission => &["transmission-daemon"],
            Daemon::RtorrentScgi | Daemon::RtorrentUnix => &["rtorrent"],
            Daemon::RtorrentHttp => &["rtorrent", "nginx"],
        };
        if !binaries.iter().all(|b| daemon_available(b)) {
            return None;
        }
        Some(match self {
            Daemon::Transmission => {
                let daemon = TransmissionDaemon::start()
                    .await
                    .expect("transmission-daemon starts");
                Running {
                    config: daemon.config(),
                    download_dir: daemon.download_dir.clone(),
                    _transmission: Some(daemon),
                    _rtorrent: None,
                    _nginx: None,
                }
            }
            Daemon::RtorrentScgi | Daemon::RtorrentUnix | Daemon::RtorrentHttp => {
                let listener = if self == Daemon::RtorrentUnix {
                    ScgiListener::UnixSocket
                } else {
                    ScgiListener::Tcp
                };
                let daemon = RtorrentDaemon::start(listener)
                    .await
                    .expect("rtorrent starts");
                let nginx = match self {
                    Daemon::RtorrentHttp => Some(
                        NginxScgiProxy::start(daemon.scgi_port.expect("tcp scgi"))
                            .await
                            .expect("nginx starts"),
                    ),
                    _ => None,
                };
                let config = nginx
                    .as_ref()
                    .map_or_else(|| daemon.config(), |n| n.config());
                Running {
                    config,
                    download_dir: daemon.download_dir.clone(),
                    _transmission: None,
                    _rtorrent: Some(daemon),
                    _nginx: nginx,
                }
            }
        })
    }

    pub fn client_name(self) -> &'static str {
        match self {
            Daemon::Transmission => "Transmission",
            _ => "rTorrent",
        }
    }
}

/// The `POST /servers` body that reaches `config`.
pub fn server_body(name: &str, config: &BackendConfig) -> Value {
    let socket_path = match &config.transport {
        Transport::ScgiUnix { path } => Some(path.clone()),
        _ => None,
    };
    json!({
        "name": name,
        "server_type": config.kind.as_str(),
        "host": config.host,
        "port": config.port,
        "username": config.username,
        "password": config.password.as_ref().map(|p| p.expose().to_string()),
        "rpc_path": config.rpc_path,
        "use_ssl": config.use_ssl,
        "tls_accept_invalid_certs": config.accept_invalid_certs,
        "transport": config.transport.kind().as_str(),
        "socket_path": socket_path,
    })
}

/// Registers the client and waits until the server's first poll succeeded.
pub async fn register(api: &Api, name: &str, config: &BackendConfig) -> String {
    let (status, server) = api.post("/servers", server_body(name, config)).await;
    assert_eq!(status, StatusCode::OK, "{server}");
    let id = server["id"].as_str().unwrap().to_string();
    let path = format!("/servers/{id}");
    wait_until(Duration::from_secs(20), || async {
        let (_, server) = api.get(&path).await;
        (server["status"] == "connected").then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("server {name} never connected"));
    id
}

pub use tm_backends::testkit::wait_until;

/// Uploads a .torrent through the multipart endpoint.
pub async fn upload(api: &Api, query: &str, filename: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(filename.to_string())
        .mime_str("application/x-bittorrent")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    api.send(
        api.request(reqwest::Method::POST, &format!("/torrents/upload{query}"))
            .multipart(form),
    )
    .await
}

/// Uploads one small paused torrent to each of `server_ids` (with `query`
/// added to the upload's query) and answers their `{server_id, info_hash}`
/// references, as `POST /torrents/actions` takes them.
pub async fn paused_torrents_on(
    api: &Api,
    dir: &std::path::Path,
    server_ids: &[&str],
    query: &str,
) -> Vec<Value> {
    let mut refs = Vec::new();
    for (n, server) in server_ids.iter().enumerate() {
        let torrent = TestTorrent::single_file(
            dir,
            &format!("bulk{n}.bin"),
            30_000,
            Some("http://127.0.0.1:1/announce"),
        )
        .unwrap();
        let upload_query = format!("?server_id={server}&start=false{query}");
        let (status, body) = upload(api, &upload_query, "b.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        refs.push(json!({"server_id": server, "info_hash": torrent.info_hash}));
    }
    refs
}
