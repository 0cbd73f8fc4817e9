//! One test layer for every client. Real daemons for integration tests: each
//! one runs on free loopback ports in its own temporary directory, is polled
//! until ready (no sleeps), and is killed when dropped. Nothing is installed:
//! the binaries must be on `PATH` (Debian: transmission-daemon, rtorrent,
//! nginx, opentracker, qbittorrent-nox, deluged, deluge-web); the rqbit
//! server is librqbit's HTTP API in the process.
//!
//! [`ClientUnderTest`] lists every client kind and transport the conformance
//! tests run on, and [`for_every_client!`] runs a scenario on each; with the
//! feature `server`, [`InProcessServer`] is tm-server on a free port.

mod backend;
mod clients;
mod deluge;
mod embedded;
mod nginx;
mod opentracker;
mod process;
mod qbittorrent;
mod rqbit;
mod rtorrent;
#[cfg(feature = "server")]
mod server;
mod torrent_maker;
mod transmission;

pub use backend::{server_body, trusting_any_certificate, with_password, with_path};
pub use clients::{ClientUnderTest, RunningClient};
pub use deluge::{DelugeDaemon, DelugeWeb};
pub use embedded::{EMBEDDED_PEER_IP, EmbeddedEngine};
pub use nginx::{NginxBalancer, NginxFileServer, NginxPathProxy, NginxScgiProxy};
pub use opentracker::Opentracker;
pub use qbittorrent::{QBITTORRENT_PEER_IP, QbittorrentDaemon};
pub use rqbit::{RQBIT_PEER_IP, RqbitServer};
pub use rtorrent::{RtorrentDaemon, ScgiListener};
#[cfg(feature = "server")]
pub use server::InProcessServer;
pub use torrent_maker::TestTorrent;
pub use transmission::TransmissionDaemon;

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;

/// Whether a test needing `binary` should run. A missing binary skips the
/// test (with a note on stderr) unless the `CI` variable is set: under CI it
/// returns `true`, so starting the daemon fails and the test fails loudly.
pub fn daemon_available(binary: &str) -> bool {
    if find_binary(binary).is_some() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        return true;
    }
    eprintln!("skipping: {binary} is not installed (set CI=1 to make this a failure)");
    false
}

/// `binary` on `PATH`, or in the sbin directories (nginx lives in /usr/sbin,
/// which a non-root `PATH` often lacks).
fn find_binary(binary: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file())
}

/// A command running `binary`, found as `daemon_available` finds it.
fn daemon_command(binary: &str) -> std::process::Command {
    std::process::Command::new(find_binary(binary).unwrap_or_else(|| PathBuf::from(binary)))
}

/// Polls `probe` every 100 ms until it gives a value, or `within` passes (`None`).
pub async fn wait_until<T, F, Fut>(within: std::time::Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if tokio::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A TCP port free on `ip` right now (the OS picks it).
pub fn free_port(ip: Ipv4Addr) -> io::Result<u16> {
    Ok(TcpListener::bind((ip, 0))?.local_addr()?.port())
}

/// A fresh temporary directory that other users (daemons dropping to
/// `nobody`) can enter.
pub(crate) fn temp_dir(prefix: &str) -> io::Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new().prefix(prefix).tempdir()?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
    Ok(dir)
}
