//! tm-test-daemon: one real torrent client from the test kit, for the test
//! suites that are not written in Rust (the browser and Python tests), so
//! every client is started one way.
//!
//! `tm-test-daemon <kind>` starts it on free loopback ports in a temporary
//! directory, prints one JSON line — `{"server": <a POST /servers body that
//! reaches it>, "download_dir": …, "scratch_dir": …}` — and keeps it running
//! until its standard input closes (the parent exits or closes the pipe);
//! then it stops the daemon and removes its directory.
//!
//! Kinds: `transmission`, `rtorrent`, `qbittorrent`, `deluge` (daemon RPC,
//! Label plugin on), `deluge-bare` (daemon RPC, no Label plugin),
//! `deluge-web` (deluge-web in front of its own deluged, Label plugin on).

use std::path::Path;

use serde_json::{Value, json};
use tm_backends::testkit::{
    DelugeDaemon, DelugeWeb, QbittorrentDaemon, RtorrentDaemon, ScgiListener, TransmissionDaemon,
};
use tm_backends::{BackendConfig, Transport};
use tokio::io::AsyncReadExt;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Whatever must live as long as the daemon does.
type Running = Box<dyn std::any::Any>;

#[tokio::main]
async fn main() -> Result<()> {
    let kind = std::env::args().nth(1).unwrap_or_default();
    let (running, config, download_dir, scratch_dir): (Running, _, _, _) = match kind.as_str() {
        "transmission" => {
            let d = TransmissionDaemon::start().await?;
            let (c, dl, s) = (d.config(), d.download_dir.clone(), d.scratch_dir().to_owned());
            (Box::new(d), c, dl, s)
        }
        "rtorrent" => {
            let d = RtorrentDaemon::start(ScgiListener::Tcp).await?;
            let (c, dl, s) = (d.config(), d.download_dir.clone(), d.scratch_dir().to_owned());
            (Box::new(d), c, dl, s)
        }
        "qbittorrent" => {
            let d = QbittorrentDaemon::start().await?;
            let (c, dl, s) = (d.config(), d.download_dir.clone(), d.scratch_dir().to_owned());
            (Box::new(d), c, dl, s)
        }
        "deluge" | "deluge-bare" => {
            let d = DelugeDaemon::start(kind == "deluge").await?;
            let (c, dl, s) = (d.config(), d.download_dir.clone(), d.scratch_dir().to_owned());
            (Box::new(d), c, dl, s)
        }
        "deluge-web" => {
            let d = DelugeDaemon::start(true).await?;
            let web = DelugeWeb::start(&d).await?;
            let (c, dl, s) = (web.config(), d.download_dir.clone(), d.scratch_dir().to_owned());
            (Box::new((web, d)), c, dl, s)
        }
        other => {
            return Err(format!(
                "unknown kind {other:?}: transmission, rtorrent, qbittorrent, deluge, deluge-bare or deluge-web"
            )
            .into());
        }
    };
    println!(
        "{}",
        json!({
            "server": server_body(&kind, &config),
            "download_dir": path_text(&download_dir),
            "scratch_dir": path_text(&scratch_dir),
        })
    );
    // Until the parent goes away.
    let mut sink = [0u8; 64];
    let mut stdin = tokio::io::stdin();
    while stdin.read(&mut sink).await.map(|n| n > 0).unwrap_or(false) {}
    drop(running);
    Ok(())
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

/// The `POST /servers` body that reaches `config`.
fn server_body(name: &str, config: &BackendConfig) -> Value {
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
        "password": config.password.as_ref().map(|p| p.expose().to_owned()),
        "rpc_path": config.rpc_path,
        "use_ssl": config.use_ssl,
        "tls_accept_invalid_certs": config.accept_invalid_certs,
        "transport": config.transport.kind().as_str(),
        "socket_path": socket_path,
    })
}
