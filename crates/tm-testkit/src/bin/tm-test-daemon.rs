//! tm-test-daemon: one real torrent client from the test kit, for the test
//! suites not written in Rust (the browser and Python tests), so that every
//! suite starts its clients the same way.
//!
//! `tm-test-daemon <kind>` starts it on free loopback ports in a temporary
//! directory, prints one JSON line — `{"server": <a POST /servers body that
//! reaches it>, "download_dir": …}` — and keeps it running until its
//! standard input closes (the parent exits or closes the pipe); then it
//! stops the client and removes its directory.
//!
//! Kinds: `transmission`, `rtorrent` (SCGI), `rtorrent-http` (behind nginx's
//! `/RPC2` with basic auth), `qbittorrent`, `deluge` (daemon
//! RPC) and `deluge-web`, both with the Label plugin, `deluge-bare`
//! (daemon RPC without it), and `rqbit` (librqbit's HTTP API with basic
//! auth, in this process).
//!
//! `tm-test-daemon files <dir>` serves `<dir>` from nginx with `autoindex`
//! and basic auth instead; its `server` is the HTTP location's fields
//! (`http_host`, `http_port`, `http_path`, `http_username`, `http_password`).

use serde_json::json;
use tm_testkit::{ClientUnderTest, DelugeDaemon, NginxFileServer, server_body};
use tokio::io::AsyncReadExt;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let kind = std::env::args().nth(1).unwrap_or_default();
    let client = match kind.as_str() {
        "transmission" => ClientUnderTest::Transmission,
        "rtorrent" => ClientUnderTest::RtorrentScgi,
        "rtorrent-http" => ClientUnderTest::RtorrentHttp,
        "qbittorrent" => ClientUnderTest::Qbittorrent,
        "deluge" => ClientUnderTest::DelugeRpc,
        "deluge-web" => ClientUnderTest::DelugeWeb,
        "rqbit" => ClientUnderTest::Rqbit,
        "files" => {
            let dir =
                std::path::PathBuf::from(std::env::args().nth(2).ok_or("files needs a folder")?);
            let nginx = NginxFileServer::start(&dir).await?;
            let location = json!({
                "http_host": "127.0.0.1",
                "http_port": nginx.port,
                "http_path": nginx.path,
                "http_username": nginx.username,
                "http_password": nginx.password,
            });
            println!(
                "{}",
                json!({"server": location, "download_dir": dir.display().to_string()})
            );
            return wait_for_the_parent().await;
        }
        "deluge-bare" => {
            let daemon = DelugeDaemon::start(false).await?;
            announce(&kind, &daemon.config(), &daemon.download_dir);
            return wait_for_the_parent().await;
        }
        other => {
            return Err(format!(
                "unknown kind {other:?}: transmission, rtorrent, rtorrent-http, qbittorrent, deluge, deluge-web, deluge-bare, rqbit or files"
            )
            .into());
        }
    };
    let running = client
        .start()
        .await
        .ok_or_else(|| format!("{} is not installed", client.binaries().join(" and ")))?;
    announce(&kind, &running.config, &running.download_dir);
    wait_for_the_parent().await
}

fn announce(kind: &str, config: &tm_backends::BackendConfig, download_dir: &std::path::Path) {
    println!(
        "{}",
        json!({
            "server": server_body(kind, config),
            "download_dir": download_dir.display().to_string(),
        })
    );
}

/// Returns once standard input closes; the caller then drops the client.
async fn wait_for_the_parent() -> Result<()> {
    let mut sink = [0u8; 64];
    let mut stdin = tokio::io::stdin();
    while stdin.read(&mut sink).await.map(|n| n > 0).unwrap_or(false) {}
    Ok(())
}
