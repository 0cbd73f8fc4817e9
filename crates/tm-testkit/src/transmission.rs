//! transmission-daemon on 127.0.0.1 with RPC auth, DHT/LPD/PEX/uTP off.

use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::process::{DaemonProcess, tcp_ready};
use super::{daemon_command, free_port, temp_dir};
use crate::backend::{login, loopback_http, on_loopback};
use tm_backends::{BackendConfig, Connection, Tls};

pub struct TransmissionDaemon {
    pub rpc_port: u16,
    pub peer_port: u16,
    pub username: String,
    pub password: String,
    /// The daemon's default download directory.
    pub download_dir: PathBuf,
    // Field order: the process dies before its directory is removed.
    _process: DaemonProcess,
    dir: tempfile::TempDir,
}

impl TransmissionDaemon {
    pub async fn start() -> io::Result<Self> {
        let dir = temp_dir("tm-transmission-")?;
        let config_dir = dir.path().join("config");
        let download_dir = dir.path().join("downloads");
        std::fs::create_dir_all(&config_dir)?;
        std::fs::create_dir_all(&download_dir)?;
        let rpc_port = free_port(Ipv4Addr::LOCALHOST)?;
        let peer_port = free_port(Ipv4Addr::LOCALHOST)?;
        let (username, password) = ("tester".to_owned(), "s3cret-pass".to_owned());
        // Written fresh every run: the daemon replaces the password with a hash.
        let settings = json!({
            "bind-address-ipv4": "127.0.0.1",
            "bind-address-ipv6": "::1",
            "blocklist-enabled": false,
            "dht-enabled": false,
            "download-dir": download_dir,
            "incomplete-dir-enabled": false,
            "lpd-enabled": false,
            "message-level": 2,
            "peer-port": peer_port,
            "peer-port-random-on-start": false,
            "pex-enabled": false,
            "port-forwarding-enabled": false,
            "rename-partial-files": false,
            "rpc-authentication-required": true,
            "rpc-bind-address": "127.0.0.1",
            "rpc-enabled": true,
            "rpc-host-whitelist-enabled": false,
            "rpc-password": password,
            "rpc-port": rpc_port,
            "rpc-username": username,
            "rpc-whitelist-enabled": false,
            "scrape-paused-torrents-enabled": false,
            "start-added-torrents": true,
            "utp-enabled": false,
            "watch-dir-enabled": false
        });
        std::fs::write(config_dir.join("settings.json"), settings.to_string())?;
        let process = spawn(dir.path(), rpc_port).await?;
        Ok(Self {
            rpc_port,
            peer_port,
            username,
            password,
            download_dir,
            _process: process,
            dir,
        })
    }

    /// Kills the daemon, lets `while_stopped` change its configuration
    /// directory (e.g. delete a torrent's files there), and starts it again
    /// on the same ports: another tool's doing, unseen by RPC.
    pub async fn restart(&mut self, while_stopped: impl FnOnce(&Path)) -> io::Result<()> {
        self._process.stop();
        while_stopped(&self.dir.path().join("config"));
        self._process = spawn(self.dir.path(), self.rpc_port).await?;
        Ok(())
    }

    /// A scratch directory owned by this daemon's run (e.g. for data to seed).
    pub fn scratch_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Backend settings for this daemon (HTTP with the right credentials).
    pub fn config(&self) -> BackendConfig {
        on_loopback(
            "test-transmission",
            Connection::Transmission {
                endpoint: loopback_http(self.rpc_port, None, Tls::Off),
                login: Some(login(&self.username, &self.password)),
            },
        )
    }
}

/// Starts the daemon on the configuration in `dir`/config and waits for RPC.
async fn spawn(dir: &Path, rpc_port: u16) -> io::Result<DaemonProcess> {
    let mut command = daemon_command("transmission-daemon");
    command
        .arg("-f")
        .arg("-g")
        .arg(dir.join("config"))
        .arg("--log-info");
    let mut process =
        DaemonProcess::spawn("transmission-daemon", command, &dir.join("daemon.log"))?;
    process
        .wait_ready(|| tcp_ready(format!("127.0.0.1:{rpc_port}")))
        .await?;
    Ok(process)
}
