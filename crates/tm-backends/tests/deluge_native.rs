//! Deluge's daemon RPC transport (TLS, zlib, rencode) against a real deluged.

use std::fs::File;
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tm_backends::testkit::{daemon_available, free_port};
use tm_backends::{
    BackendConfig, ClientKind, DelugeNative, ErrorKind, Secret, TargetPolicy, Transport,
};
use tokio::io::AsyncWriteExt;

/// deluged on 127.0.0.1 with one admin user, DHT/UPnP/NAT-PMP/PEX/LSD off
/// (real-clients.md §8.1); killed when dropped.
struct Deluged {
    rpc_port: u16,
    child: Child,
    // After `child`: the process dies before its directory is removed.
    dir: tempfile::TempDir,
}

impl Deluged {
    async fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("tm-deluged-")
            .tempdir()
            .unwrap();
        let config_dir = dir.path().join("config");
        let download_dir = dir.path().join("downloads");
        std::fs::create_dir_all(&config_dir).unwrap();
        std::fs::create_dir_all(&download_dir).unwrap();
        let rpc_port = free_port(Ipv4Addr::LOCALHOST).unwrap();
        // Peers on their own loopback address (real-clients.md §10.1).
        let peer_port = free_port(Ipv4Addr::new(127, 0, 0, 4)).unwrap();
        let core = json!({
            "allow_remote": false,
            "daemon_port": rpc_port,
            "listen_interface": "127.0.0.4",
            "outgoing_interface": "127.0.0.4",
            "listen_ports": [peer_port, peer_port],
            "random_port": false,
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
            "enabled_plugins": []
        });
        std::fs::write(
            config_dir.join("core.conf"),
            format!("{{\"file\": 1, \"format\": 1}}{core}"),
        )
        .unwrap();
        let auth = config_dir.join("auth");
        std::fs::write(&auth, "user:pass:10\n").unwrap();
        std::fs::set_permissions(&auth, std::fs::Permissions::from_mode(0o600)).unwrap();
        let child = spawn(dir.path(), rpc_port);
        let mut daemon = Self {
            rpc_port,
            child,
            dir,
        };
        daemon.wait_ready().await;
        daemon
    }

    fn config(&self) -> BackendConfig {
        config(self.rpc_port)
    }

    /// Kills the daemon and starts it again on the same port and config.
    async fn restart(&mut self) {
        self.stop();
        self.child = spawn(self.dir.path(), self.rpc_port);
        self.wait_ready().await;
    }

    /// Ready once a login works (it listens ~1 s after start).
    async fn wait_ready(&mut self) {
        let mut config = self.config();
        config.timeout = Duration::from_secs(2);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let rpc = DelugeNative::new(&config, "readiness").unwrap();
            let Err(err) = rpc.call("daemon.info", vec![], Map::new()).await else {
                return;
            };
            let log = std::fs::read_to_string(self.dir.path().join("daemon.log"));
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("deluged exited with {status}: {log:?}");
            }
            assert!(
                Instant::now() < deadline,
                "deluged not ready ({err}): {log:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Deluged {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(dir: &Path, rpc_port: u16) -> Child {
    let log = File::create(dir.join("daemon.log")).unwrap();
    // -d: stay in the foreground; -q: no logging (deluge 2.0.3's logger
    // breaks on Python 3.11, real-clients.md §8.1).
    Command::new("deluged")
        .arg("-d")
        .arg("-q")
        .arg("-c")
        .arg(PathBuf::from(dir).join("config"))
        .args(["-u", "127.0.0.1", "-p", &rpc_port.to_string()])
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// The daemon's user on 127.0.0.1:`port`, over Deluge's own RPC.
fn config(port: u16) -> BackendConfig {
    BackendConfig {
        name: "test-deluge".to_owned(),
        kind: ClientKind::Deluge,
        host: "127.0.0.1".to_owned(),
        port,
        username: Some("user".to_owned()),
        password: Some(Secret::new("pass")),
        rpc_path: None,
        use_ssl: false,
        transport: Transport::DelugeRpc,
        accept_invalid_certs: false,
        timeout: Duration::from_secs(10),
        egress: TargetPolicy::unrestricted(),
    }
}

fn no_kwargs() -> Map<String, Value> {
    Map::new()
}

#[tokio::test]
async fn calls_results_and_errors() {
    if !daemon_available("deluged") {
        return;
    }
    let daemon = Deluged::start().await;
    let rpc = DelugeNative::new(&daemon.config(), "test-deluge").unwrap();

    let version = rpc.call("daemon.info", vec![], no_kwargs()).await.unwrap();
    assert_eq!(version, json!("2.0.3"));

    let fields = json!(["name", "state", "progress"]);
    let status = rpc
        .call(
            "core.get_torrents_status",
            vec![json!({}), fields],
            no_kwargs(),
        )
        .await
        .unwrap();
    assert_eq!(status, json!({}));

    let err = rpc
        .call("core.no_such_method", vec![], no_kwargs())
        .await
        .unwrap_err();
    let ErrorKind::Rejected(message) = &err.kind else {
        panic!("{err}");
    };
    assert_eq!(
        message,
        "core.no_such_method: AttributeError: RPC call on invalid function: core.no_such_method"
    );

    // Still connected after the daemon's exception.
    let dht = rpc
        .call("core.get_config_value", vec![json!("dht")], no_kwargs())
        .await
        .unwrap();
    assert_eq!(dht, json!(false));

    let mut wrong = daemon.config();
    wrong.password = Some(Secret::new("wrong"));
    let err = DelugeNative::new(&wrong, "test-deluge")
        .unwrap()
        .call("daemon.info", vec![], no_kwargs())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::AuthFailed("BadLoginError: Password does not match".to_owned()),
        "{err}"
    );
    assert!(!err.to_string().contains("Traceback"), "{err}");
}

#[tokio::test]
async fn reconnects_after_the_daemon_restarts() {
    if !daemon_available("deluged") {
        return;
    }
    let mut daemon = Deluged::start().await;
    let rpc = DelugeNative::new(&daemon.config(), "test-deluge").unwrap();
    rpc.call("daemon.info", vec![], no_kwargs()).await.unwrap();
    daemon.restart().await;
    let version = rpc.call("daemon.info", vec![], no_kwargs()).await.unwrap();
    assert_eq!(version, json!("2.0.3"));
}

#[tokio::test]
async fn a_port_speaking_something_else_fails_quickly() {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let config = config(port);
    let started = Instant::now();
    let err = DelugeNative::new(&config, "test-deluge")
        .unwrap()
        .call("daemon.info", vec![], no_kwargs())
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::Network(_) | ErrorKind::Malformed(_)),
        "{err}"
    );
    assert!(!err.to_string().contains("Bad Request"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "{err}");
}

#[tokio::test]
async fn a_silent_port_times_out() {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut config = config(port);
    config.timeout = Duration::from_millis(300);
    let err = DelugeNative::new(&config, "silent")
        .unwrap()
        .call("daemon.info", vec![], no_kwargs())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout(config.timeout), "{err}");
    drop(listener);
}

#[tokio::test]
async fn the_egress_policy_is_applied() {
    let mut config = config(1);
    config.egress = TargetPolicy::public_only();
    let Err(err) = DelugeNative::new(&config, "private") else {
        panic!("a loopback target was accepted");
    };
    assert!(matches!(err.kind, ErrorKind::Forbidden(_)), "{err}");
}
