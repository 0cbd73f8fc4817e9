//! qBittorrent's API key (WebAPI 2.14, qBittorrent 5.2), against a
//! hand-written stand-in: Debian's qbittorrent-nox 4.5 has no API keys. The
//! stand-in answers only calls that carry `Authorization: Bearer <key>`, and
//! refuses every login, so a test passes only if the key goes on every call
//! and no login is tried.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tm_backends::{
    BackendConfig, ClientKind, Connection, ErrorKind, QbittorrentAuth, Secret, ServerSettings,
    TargetPolicy, Transport, connect,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "qbt_0123456789abcdefghijklmnopqrstuv";
const HASH: &str = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";

/// Starts the stand-in; returns its port and every request's head.
async fn webui_with_api_key() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let requests = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buf = [0; 4096];
            while !String::from_utf8_lossy(&request).contains("\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
            }
            let head = String::from_utf8_lossy(&request).into_owned();
            requests.lock().unwrap().push(head.clone());
            let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
            let authorised = head.to_ascii_lowercase().contains(&format!(
                "\r\nauthorization: bearer {}\r\n",
                KEY.to_ascii_lowercase()
            ));
            let (status, body) = match path.as_str() {
                "/api/v2/auth/login" => (200, "Fails.".to_owned()),
                _ if !authorised => (401, "Unauthorized".to_owned()),
                "/api/v2/app/webapiVersion" => (200, "2.14.1".to_owned()),
                "/api/v2/app/version" => (200, "v5.2.0".to_owned()),
                "/api/v2/torrents/info" => (
                    200,
                    format!(
                        r#"[{{"hash":"{HASH}","name":"x","state":"stoppedUP","progress":1,"total_size":1,"amount_left":0,"private":false}}]"#
                    ),
                ),
                _ => (204, String::new()),
            };
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (port, seen)
}

/// What the API's flat form holds for a qBittorrent with a password and no
/// username: the password is the API key.
fn config(port: u16, key: &str) -> BackendConfig {
    let connection = Connection::from_settings(ServerSettings {
        kind: ClientKind::Qbittorrent,
        transport: Transport::Http,
        host: "127.0.0.1".to_owned(),
        port,
        username: None,
        password: Some(Secret::new(key)),
        rpc_path: None,
        use_ssl: false,
        accept_invalid_certs: false,
        socket_path: None,
        engine: None,
    })
    .unwrap();
    assert_eq!(
        connection,
        Connection::Qbittorrent {
            endpoint: tm_backends::HttpEndpoint {
                host: "127.0.0.1".to_owned(),
                port,
                path: None,
                tls: tm_backends::Tls::Off,
            },
            auth: QbittorrentAuth::ApiKey(Secret::new(key)),
        }
    );
    BackendConfig {
        name: "keyed".to_owned(),
        connection,
        timeout: Duration::from_secs(5),
        egress: TargetPolicy::unrestricted(),
    }
}

#[tokio::test]
async fn the_key_goes_on_every_call_and_no_login_is_tried() {
    let (port, seen) = webui_with_api_key().await;
    let client = connect(&config(port, KEY)).unwrap();
    let info = client.probe().await.unwrap();
    assert_eq!(info.version, "5.2.0");
    assert_eq!(info.api_version.as_deref(), Some("2.14.1"));
    let listed = client.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].info_hash, HASH);
    client.stop(&[HASH.to_owned()]).await.unwrap();
    client.start(&[HASH.to_owned()]).await.unwrap();

    let requests = seen.lock().unwrap().clone();
    assert!(requests.len() >= 5, "{requests:?}");
    for request in &requests {
        let lower = request.to_ascii_lowercase();
        assert!(!lower.contains("auth/login"), "{request}");
        assert!(lower.contains("\r\nauthorization: bearer "), "{request}");
        assert!(!lower.contains("\r\ncookie:"), "{request}");
    }
    assert!(
        requests.iter().any(|r| r.contains("/api/v2/torrents/stop")),
        "{requests:?}"
    );
}

#[tokio::test]
async fn a_wrong_key_is_auth_failed_without_a_login() {
    let (port, seen) = webui_with_api_key().await;
    let err = connect(&config(port, "qbt_wrong"))
        .unwrap()
        .probe()
        .await
        .unwrap_err();
    let ErrorKind::AuthFailed(message) = &err.kind else {
        panic!("{err}");
    };
    assert!(
        message.contains("the API key was refused (HTTP 401)"),
        "{err}"
    );
    assert!(!err.to_string().contains("qbt_wrong"), "{err}");
    let requests = seen.lock().unwrap().clone();
    assert!(!requests.is_empty());
    assert!(
        requests.iter().all(|r| !r.contains("auth/login")),
        "{requests:?}"
    );
}
