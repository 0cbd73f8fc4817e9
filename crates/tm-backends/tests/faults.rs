//! Transport failures, injected with tiny fake servers (no daemon needed):
//! nothing listening, a server that never answers, one that answers garbage.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use tm_backends::testkit::free_port;
use tm_backends::{BackendConfig, ClientKind, ErrorKind, Secret, Transport, connect};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TIMEOUT: Duration = Duration::from_millis(400);

fn config(kind: ClientKind, port: u16, transport: Transport) -> BackendConfig {
    BackendConfig {
        name: "fake".to_owned(),
        kind,
        host: "127.0.0.1".to_owned(),
        port,
        username: Some("user".to_owned()),
        password: Some(Secret::new("pw")),
        rpc_path: None,
        use_ssl: false,
        transport,
        accept_invalid_certs: false,
        timeout: TIMEOUT,
        egress: tm_backends::TargetPolicy::unrestricted(),
    }
}

/// Every way to reach a client over TCP.
fn tcp_configs(port: u16) -> [BackendConfig; 3] {
    [
        config(ClientKind::Transmission, port, Transport::Http),
        config(ClientKind::Rtorrent, port, Transport::Http),
        config(ClientKind::Rtorrent, port, Transport::Scgi),
    ]
}

/// Accepts connections; each gets `reply` after its request arrives
/// (`None`: the connection is held open and never answered).
async fn fake_server(reply: Option<&'static [u8]>) -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0; 65536];
                let _ = socket.read(&mut buf).await;
                match reply {
                    Some(bytes) => {
                        let _ = socket.write_all(bytes).await;
                        let _ = socket.shutdown().await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn nothing_listening_is_refused() {
    let port = free_port(Ipv4Addr::LOCALHOST).unwrap();
    let unix = config(
        ClientKind::Rtorrent,
        0,
        Transport::ScgiUnix {
            path: "/nonexistent/rtorrent.sock".to_owned(),
        },
    );
    for config in tcp_configs(port).into_iter().chain([unix]) {
        let err = connect(&config).unwrap().probe().await.unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Refused(_)), "{err}");
        assert!(err.to_string().starts_with("fake ("), "{err}");
    }
}

#[tokio::test]
async fn silent_server_times_out_within_the_configured_timeout() {
    let port = fake_server(None).await;
    for config in tcp_configs(port) {
        let started = Instant::now();
        let err = connect(&config).unwrap().list().await.unwrap_err();
        let elapsed = started.elapsed();
        assert_eq!(err.kind, ErrorKind::Timeout(TIMEOUT), "{err}");
        assert!(
            elapsed >= TIMEOUT && elapsed < TIMEOUT + Duration::from_secs(2),
            "{elapsed:?}"
        );
    }
}

#[tokio::test]
async fn garbage_is_malformed() {
    let port = fake_server(Some(b"HELLO GARBAGE\r\n\r\n\x00\x01\x02")).await;
    for config in tcp_configs(port) {
        let err = connect(&config).unwrap().probe().await.unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Malformed(_)), "{err}");
    }
}

#[tokio::test]
async fn http_ok_with_a_garbage_body_is_malformed() {
    let port = fake_server(Some(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{{{<<<???",
    ))
    .await;
    for config in &tcp_configs(port)[..2] {
        let err = connect(config).unwrap().probe().await.unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Malformed(_)), "{err}");
    }
}

#[tokio::test]
async fn scgi_reply_with_a_server_error_status_is_malformed() {
    let port = fake_server(Some(
        b"Status: 500 Internal\r\nContent-Type: text/xml\r\n\r\n",
    ))
    .await;
    let config = config(ClientKind::Rtorrent, port, Transport::Scgi);
    let err = connect(&config).unwrap().probe().await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Malformed(m) if m.contains("500")),
        "{err}"
    );
}

#[test]
fn transmission_over_scgi_is_unsupported() {
    let config = config(ClientKind::Transmission, 1, Transport::Scgi);
    let err = connect(&config).err().expect("must fail");
    assert!(matches!(err.kind, ErrorKind::Unsupported(_)), "{err}");
}
