//! deluged (peers on 127.0.0.4, RPC on 127.0.0.1, discovery off) and
//! deluge-web in front of it, as real-clients.md §8 runs them.

use std::io;
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::json;
use sha1::{Digest, Sha1};

use super::process::{DaemonProcess, tcp_ready};
use super::{daemon_command, free_port, temp_dir};
use crate::backend::{login, loopback_http, on_loopback};
use tm_backends::{BackendConfig, Connection, DelugeConnection, Login, Secret, Tls};

/// Deluge's peer address: one 127.0.0.x per client in a loopback swarm
/// (libtorrent connects once per IP).
const PEER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 4);

/// Deluge config files start with a version header object.
fn deluge_config(header: serde_json::Value, body: serde_json::Value) -> String {
    format!("{header}{body:#}")
}

pub struct DelugeDaemon {
    pub rpc_port: u16,
    pub peer_port: u16,
    pub username: String,
    pub password: String,
    pub download_dir: PathBuf,
    // Field order: the process dies before its directory is removed.
    process: DaemonProcess,
    dir: tempfile::TempDir,
}

impl DelugeDaemon {
    /// A fresh deluged, with the Label plugin enabled when `label_plugin`.
    pub async fn start(label_plugin: bool) -> io::Result<Self> {
        let dir = temp_dir("tm-deluge-")?;
        let config_dir = dir.path().join("config");
        let download_dir = dir.path().join("downloads");
        std::fs::create_dir_all(&config_dir)?;
        std::fs::create_dir_all(&download_dir)?;
        let rpc_port = free_port(Ipv4Addr::LOCALHOST)?;
        let peer_port = free_port(PEER_IP)?;
        let (username, password) = ("tester".to_owned(), "s3cret-pass".to_owned());
        let plugins: &[&str] = if label_plugin { &["Label"] } else { &[] };
        let core = json!({
            "allow_remote": false,
            "daemon_port": rpc_port,
            "listen_interface": PEER_IP.to_string(),
            "outgoing_interface": PEER_IP.to_string(),
            "listen_ports": [peer_port, peer_port],
            "random_port": false,
            "listen_random_port": null,
            "dht": false,
            "upnp": false,
            "natpmp": false,
            "utpex": false,
            "lsd": false,
            "new_release_check": false,
            "send_info": false,
            "download_location": download_dir,
            "torrentfiles_location": download_dir,
            "move_completed_path": download_dir,
            "enabled_plugins": plugins,
        });
        std::fs::write(
            config_dir.join("core.conf"),
            deluge_config(json!({"file": 1, "format": 1}), core),
        )?;
        // user:password:level (10: admin).
        let auth = config_dir.join("auth");
        std::fs::write(&auth, format!("{username}:{password}:10\n"))?;
        std::fs::set_permissions(&auth, std::fs::Permissions::from_mode(0o600))?;
        let process = spawn_daemon(dir.path(), rpc_port, &login(&username, &password)).await?;
        Ok(Self {
            rpc_port,
            peer_port,
            username,
            password,
            download_dir,
            process,
            dir,
        })
    }

    /// Kills the daemon; `resume` starts it again on the same ports.
    pub fn stop(&mut self) {
        self.process.stop();
    }

    /// Starts the daemon again after `stop`, with the same configuration.
    pub async fn resume(&mut self) -> io::Result<()> {
        let login = login(&self.username, &self.password);
        self.process = spawn_daemon(self.dir.path(), self.rpc_port, &login).await?;
        Ok(())
    }

    /// A scratch directory owned by this daemon's run (e.g. for data to seed).
    pub fn scratch_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Backend settings for the daemon's own RPC (TLS with its self-signed
    /// certificate, the daemon user).
    pub fn config(&self) -> BackendConfig {
        rpc_config(self.rpc_port, login(&self.username, &self.password))
    }
}

fn rpc_config(port: u16, login: Login) -> BackendConfig {
    on_loopback(
        "test-deluge",
        Connection::Deluge(DelugeConnection::Rpc {
            host: "127.0.0.1".to_owned(),
            port,
            login,
        }),
    )
}

/// Starts deluged on the configuration in `dir`/config and waits until its
/// RPC answers a login: an open port alone may be another program's (a
/// client of a parallel test bound to all addresses) or not yet speak TLS.
async fn spawn_daemon(dir: &Path, rpc_port: u16, login: &Login) -> io::Result<DaemonProcess> {
    let mut command = daemon_command("deluged");
    // -d: stay in the foreground; -q: no logging (deluge 2.0.3's logger
    // breaks on Python 3.11 and would print a traceback per line).
    command
        .arg("-d")
        .arg("-c")
        .arg(dir.join("config"))
        .arg("-u")
        .arg("127.0.0.1")
        .arg("-p")
        .arg(rpc_port.to_string())
        .arg("-q");
    let mut process = DaemonProcess::spawn("deluged", command, &dir.join("daemon.log"))?;
    let client = tm_backends::connect(&rpc_config(rpc_port, login.clone()))
        .map_err(|e| io::Error::other(e.to_string()))?;
    process
        .wait_ready(|| {
            let client = client.clone();
            async move {
                tcp_ready(format!("127.0.0.1:{rpc_port}")).await && client.probe().await.is_ok()
            }
        })
        .await?;
    Ok(process)
}

/// deluge-web, its host list holding one daemon, logged in with `password`.
pub struct DelugeWeb {
    pub port: u16,
    pub password: String,
    _process: DaemonProcess,
    _dir: tempfile::TempDir,
}

/// The id of the daemon in deluge-web's host list.
const HOST_ID: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

impl DelugeWeb {
    /// deluge-web for `daemon`, started once the daemon answers: deluge-web
    /// connects to its default daemon once, at start, and never retries.
    pub async fn start(daemon: &DelugeDaemon) -> io::Result<Self> {
        if !tcp_ready(format!("127.0.0.1:{}", daemon.rpc_port)).await {
            return Err(io::Error::other("deluged is not answering"));
        }
        Self::start_unchecked(daemon).await
    }

    /// deluge-web for `daemon`, whether the daemon answers or not: when it
    /// does not, deluge-web's one connection attempt fails and stays failed.
    pub async fn start_unchecked(daemon: &DelugeDaemon) -> io::Result<Self> {
        let dir = temp_dir("tm-deluge-web-")?;
        let config_dir = dir.path().join("config");
        std::fs::create_dir_all(&config_dir)?;
        let port = free_port(Ipv4Addr::LOCALHOST)?;
        let password = "web-pass".to_owned();
        let salt = "0123456789abcdef0123456789abcdef01234567";
        let pwd_sha1 =
            data_encoding::HEXLOWER.encode(&Sha1::digest(format!("{salt}{password}").as_bytes()));
        let web = json!({
            "enabled_plugins": [],
            "default_daemon": HOST_ID,
            "pwd_salt": salt,
            "pwd_sha1": pwd_sha1,
            "session_timeout": 3600,
            "sessions": {},
            "first_login": false,
            "base": "/",
            "interface": "127.0.0.1",
            "port": port,
            "https": false,
            "language": "",
            "theme": "gray",
            "sidebar_show_zero": false,
            "sidebar_multiple_filters": true,
            "show_session_speed": false,
            "show_sidebar": true,
            "pkey": "ssl/daemon.pkey",
            "cert": "ssl/daemon.cert",
        });
        std::fs::write(
            config_dir.join("web.conf"),
            deluge_config(json!({"file": 2, "format": 1}), web),
        )?;
        let hosts = json!({ "hosts": [[
            HOST_ID, "127.0.0.1", daemon.rpc_port, daemon.username, daemon.password
        ]] });
        std::fs::write(
            config_dir.join("hostlist.conf"),
            deluge_config(json!({"file": 3, "format": 1}), hosts),
        )?;
        let mut command = daemon_command("deluge-web");
        command
            .arg("-d")
            .arg("-c")
            .arg(&config_dir)
            .arg("-i")
            .arg("127.0.0.1")
            .arg("-p")
            .arg(port.to_string())
            .arg("-q");
        let mut process = DaemonProcess::spawn("deluge-web", command, &dir.path().join("web.log"))?;
        process
            .wait_ready(|| tcp_ready(format!("127.0.0.1:{port}")))
            .await?;
        Ok(Self {
            port,
            password,
            _process: process,
            _dir: dir,
        })
    }

    /// Backend settings for deluge-web's JSON-RPC (its password, no user).
    pub fn config(&self) -> BackendConfig {
        on_loopback(
            "test-deluge-web",
            Connection::Deluge(DelugeConnection::Web {
                endpoint: loopback_http(self.port, None, Tls::Off),
                password: Secret::new(self.password.clone()),
            }),
        )
    }
}
