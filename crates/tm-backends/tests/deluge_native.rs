//! Deluge's daemon RPC transport (TLS, zlib, rencode) against a real deluged.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tm_backends::{
    BackendConfig, Connection, DelugeConnection, DelugeNative, ErrorKind, HttpEndpoint, Login,
    Secret, TargetPolicy, Tls,
};
use tm_testkit::{DelugeDaemon, daemon_available, with_password};
use tokio::io::AsyncWriteExt;

/// Daemon-RPC settings for a port that is not deluged's (fault tests).
fn config(port: u16) -> BackendConfig {
    BackendConfig {
        name: "test-deluge".to_owned(),
        connection: Connection::Deluge(DelugeConnection::Rpc {
            host: "127.0.0.1".to_owned(),
            port,
            login: Login {
                username: "user".to_owned(),
                password: Secret::new("pass"),
            },
        }),
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
    let daemon = DelugeDaemon::start(false).await.unwrap();
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

    let wrong = with_password(&daemon.config(), "wrong");
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
    let mut daemon = DelugeDaemon::start(false).await.unwrap();
    let rpc = DelugeNative::new(&daemon.config(), "test-deluge").unwrap();
    rpc.call("daemon.info", vec![], no_kwargs()).await.unwrap();
    daemon.stop();
    daemon.resume().await.unwrap();
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

#[test]
fn only_the_daemon_rpc_is_accepted() {
    let web = BackendConfig {
        connection: Connection::Deluge(DelugeConnection::Web {
            endpoint: HttpEndpoint {
                host: "127.0.0.1".to_owned(),
                port: 8112,
                path: None,
                tls: Tls::Off,
            },
            password: Secret::new("pass"),
        }),
        ..config(8112)
    };
    let Err(err) = DelugeNative::new(&web, "web") else {
        panic!("deluge-web settings were taken for the daemon RPC");
    };
    assert_eq!(
        err.kind,
        ErrorKind::Invalid("Deluge over http is not Deluge's daemon RPC".to_owned()),
        "{err}"
    );
}
