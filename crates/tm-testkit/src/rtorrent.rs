//! rtorrent without a terminal (`system.daemon.set = true`), SCGI on
//! 127.0.0.1 or a unix socket, peers bound to 127.0.0.2 (rTorrent will not
//! connect to a peer on its own IP, so it must not share 127.0.0.1 with a seed).

use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use super::process::{DaemonProcess, tcp_ready};
use super::{daemon_command, free_port, temp_dir};
use crate::backend::on_loopback;
use tm_backends::{BackendConfig, Connection, RtorrentConnection};

/// The peer address rTorrent binds to.
pub const RTORRENT_PEER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// Where rTorrent listens for SCGI (it opens one listener).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScgiListener {
    Tcp,
    UnixSocket,
}

pub struct RtorrentDaemon {
    /// SCGI TCP port on 127.0.0.1 (`ScgiListener::Tcp` only).
    pub scgi_port: Option<u16>,
    /// SCGI unix socket (`ScgiListener::UnixSocket` only).
    pub socket_path: Option<PathBuf>,
    pub peer_port: u16,
    /// `directory.default`.
    pub download_dir: PathBuf,
    _process: DaemonProcess,
    dir: tempfile::TempDir,
}

impl RtorrentDaemon {
    pub async fn start(listener: ScgiListener) -> io::Result<Self> {
        let dir = temp_dir("tm-rtorrent-")?;
        let session_dir = dir.path().join("session");
        let download_dir = dir.path().join("downloads");
        std::fs::create_dir_all(&session_dir)?;
        std::fs::create_dir_all(&download_dir)?;
        let peer_port = free_port(RTORRENT_PEER_IP)?;
        let (scgi_port, socket_path, scgi_line) = match listener {
            ScgiListener::Tcp => {
                let port = free_port(Ipv4Addr::LOCALHOST)?;
                (
                    Some(port),
                    None,
                    format!("network.scgi.open_port = 127.0.0.1:{port}"),
                )
            }
            ScgiListener::UnixSocket => {
                let path = dir.path().join("rpc.sock");
                let line = format!("network.scgi.open_local = {}", path.display());
                (None, Some(path), line)
            }
        };
        let rc = format!(
            "directory.default.set = {downloads}\n\
             session.path.set = {session}\n\
             network.bind_address.set = {RTORRENT_PEER_IP}\n\
             network.port_range.set = {peer_port}-{peer_port}\n\
             network.port_random.set = no\n\
             {scgi_line}\n\
             network.xmlrpc.size_limit.set = 16M\n\
             dht.mode.set = disable\n\
             protocol.pex.set = no\n\
             trackers.use_udp.set = no\n\
             system.daemon.set = true\n",
            downloads = download_dir.display(),
            session = session_dir.display(),
        );
        let rc_path = dir.path().join("rtorrent.rc");
        std::fs::write(&rc_path, rc)?;

        let mut command = daemon_command("rtorrent");
        command
            .arg("-n")
            .arg("-o")
            .arg(format!("import={}", rc_path.display()))
            .current_dir(dir.path())
            .env("HOME", dir.path());
        let mut process =
            DaemonProcess::spawn("rtorrent", command, &dir.path().join("rtorrent.log"))?;
        match (&scgi_port, &socket_path) {
            (Some(port), _) => {
                let port = *port;
                process
                    .wait_ready(|| tcp_ready(format!("127.0.0.1:{port}")))
                    .await?;
            }
            (None, Some(path)) => {
                process
                    .wait_ready(|| {
                        let path = path.clone();
                        async move { tokio::net::UnixStream::connect(path).await.is_ok() }
                    })
                    .await?;
            }
            (None, None) => return Err(io::Error::other("rtorrent has no SCGI listener")),
        }
        Ok(Self {
            scgi_port,
            socket_path,
            peer_port,
            download_dir,
            _process: process,
            dir,
        })
    }

    pub fn scratch_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Calls `method` with string parameters the way other front ends do
    /// (e.g. ruTorrent's `d.directory_base.set`); the answer as debug text.
    pub async fn call(&self, method: &str, params: &[&str]) -> Result<String, String> {
        tm_backends::rtorrent_call(&self.config(), method, params).await
    }

    /// Backend settings talking SCGI directly to this daemon.
    pub fn config(&self) -> BackendConfig {
        let way = match (&self.socket_path, self.scgi_port) {
            (Some(path), _) => RtorrentConnection::ScgiUnix {
                path: path.display().to_string(),
            },
            (None, port) => RtorrentConnection::Scgi {
                host: "127.0.0.1".to_owned(),
                port: port.unwrap_or(0),
            },
        };
        on_loopback("test-rtorrent", Connection::Rtorrent(way))
    }
}
