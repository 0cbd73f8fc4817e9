//! qbittorrent-nox (4.5 recipe) with its WebUI on 127.0.0.1 and a password
//! login, DHT/LSD/PeX/UPnP off, peers on 127.0.0.3 (for swarm tests).

use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::process::DaemonProcess;
use super::{daemon_command, free_port, temp_dir};
use crate::backend::{login, loopback_http, on_loopback};
use tm_backends::{BackendConfig, Connection, QbittorrentAuth, Tls};

/// The WebUI password `testpass` as qBittorrent stores it:
/// `base64(salt):base64(PBKDF2-HMAC-SHA512(password, salt, 100000, 64))`
/// (verified against 4.5.2).
const TESTPASS_PBKDF2: &str = "Reoo0K4GEsd/wVZ0Im1dDw==:J3wIWhDnf8qvgtoA6xYSQYgEeSiY7msS/\
                               lcweO0d5nO+TQWU0f+2UPv0pB/F8pSd+WIuH3BgB1BvkZTP6Pu0Bw==";

/// Peers listen here; Qt logs that it cannot find the address, libtorrent uses it.
pub const QBITTORRENT_PEER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 3);

pub struct QbittorrentDaemon {
    pub web_port: u16,
    pub peer_port: u16,
    pub username: String,
    pub password: String,
    /// The daemon's default save path.
    pub download_dir: PathBuf,
    // Field order: the process dies before its directory is removed.
    _process: DaemonProcess,
    dir: tempfile::TempDir,
}

impl QbittorrentDaemon {
    pub async fn start() -> io::Result<Self> {
        let dir = temp_dir("tm-qbittorrent-")?;
        let config_dir = dir.path().join("qBittorrent/config");
        let download_dir = dir.path().join("downloads");
        std::fs::create_dir_all(&config_dir)?;
        std::fs::create_dir_all(&download_dir)?;
        let web_port = free_port(Ipv4Addr::LOCALHOST)?;
        let peer_port = free_port(QBITTORRENT_PEER_IP)?;
        let (username, password) = ("testuser".to_owned(), "testpass".to_owned());
        // 4.5 has no --confirm-legal-notice: the notice is accepted here.
        // MaxAuthenticationFailCount=0: wrong-password tests must not ban us.
        let settings = format!(
            "[LegalNotice]\nAccepted=true\n\n\
             [BitTorrent]\n\
             Session\\DHTEnabled=false\nSession\\LSDEnabled=false\nSession\\PeXEnabled=false\n\
             Session\\Port={peer_port}\nSession\\InterfaceAddress={QBITTORRENT_PEER_IP}\n\
             Session\\DefaultSavePath={download}\nSession\\AnonymousModeEnabled=false\n\
             Session\\QueueingSystemEnabled=false\n\n\
             [Network]\nPortForwardingEnabled=false\n\n\
             [Preferences]\n\
             Connection\\ResolvePeerCountries=false\n\
             WebUI\\Enabled=true\nWebUI\\Address=127.0.0.1\nWebUI\\Port={web_port}\n\
             WebUI\\Username={username}\n\
             WebUI\\Password_PBKDF2=\"@ByteArray({TESTPASS_PBKDF2})\"\n\
             WebUI\\LocalHostAuth=true\nWebUI\\UseUPnP=false\n\
             WebUI\\CSRFProtection=true\nWebUI\\HostHeaderValidation=true\n\
             WebUI\\ServerDomains=*\nWebUI\\MaxAuthenticationFailCount=0\n",
            download = download_dir.display(),
        );
        std::fs::write(config_dir.join("qBittorrent.conf"), settings)?;
        let mut command = daemon_command("qbittorrent-nox");
        command.arg(format!("--profile={}", dir.path().display()));
        let mut process =
            DaemonProcess::spawn("qbittorrent-nox", command, &dir.path().join("daemon.log"))?;
        let mut daemon_config = config_for(web_port, &username, &password);
        daemon_config.timeout = Duration::from_secs(2);
        // Ready once a login works (the port opens a little before).
        process
            .wait_ready(|| {
                let config = daemon_config.clone();
                async move {
                    match tm_backends::connect(&config) {
                        Ok(client) => client.probe().await.is_ok(),
                        Err(_) => false,
                    }
                }
            })
            .await?;
        Ok(Self {
            web_port,
            peer_port,
            username,
            password,
            download_dir,
            _process: process,
            dir,
        })
    }

    /// A scratch directory owned by this daemon's run (e.g. for data to seed).
    pub fn scratch_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Backend settings for this daemon (WebUI root, the test login).
    pub fn config(&self) -> BackendConfig {
        config_for(self.web_port, &self.username, &self.password)
    }
}

fn config_for(web_port: u16, username: &str, password: &str) -> BackendConfig {
    on_loopback(
        "test-qbittorrent",
        Connection::Qbittorrent {
            endpoint: loopback_http(web_port, None, Tls::Off),
            auth: QbittorrentAuth::Login(login(username, password)),
        },
    )
}
