//! deluge-web's session handling, injected with a tiny fake deluge-web (no
//! daemon needed): a session that expires, a deluge-web that lost its
//! daemon, other JSON services, and a server that never answers.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tm_backends::{
    BackendConfig, Connection, DelugeConnection, ErrorKind, HttpEndpoint, Secret, Tls, connect,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn config(port: u16) -> BackendConfig {
    BackendConfig {
        name: "fake".to_owned(),
        connection: Connection::Deluge(DelugeConnection::Web {
            endpoint: HttpEndpoint {
                host: "127.0.0.1".to_owned(),
                port,
                path: None,
                tls: Tls::Off,
            },
            password: Secret::new("pw"),
        }),
        timeout: Duration::from_millis(500),
        egress: tm_backends::TargetPolicy::unrestricted(),
    }
}

/// One request as the fake server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    params: Value,
    cookie: Option<String>,
    content_type: Option<String>,
}

/// Reads one HTTP request (headers and a `Content-Length` body).
async fn read_request(socket: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let header = |name: &str| {
        head.lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_owned())
    };
    let length: usize = header("content-length")?.parse().ok()?;
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body: Value = serde_json::from_slice(&buf[head_end..head_end + length]).ok()?;
    Some(Seen {
        method: body["method"].as_str()?.to_owned(),
        params: body["params"].clone(),
        cookie: header("cookie"),
        content_type: header("content-type"),
    })
}

/// A fake deluge-web: `answer` gives each request's `(result, error, cookie
/// to set)`; every request is recorded.
async fn fake_web<F>(answer: F) -> (u16, Arc<Mutex<Vec<Seen>>>)
where
    F: Fn(&Seen) -> (Value, Value, Option<&'static str>) + Send + Sync + 'static,
{
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let answer = Arc::new(answer);
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answer = answer.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut socket).await else {
                    return;
                };
                let (result, error, cookie) = answer(&request);
                log.lock().unwrap().push(request);
                let body = json!({ "result": result, "error": error, "id": 1 }).to_string();
                let cookie = cookie
                    .map(|c| format!("Set-Cookie: _session_id={c}; Path=/json\r\n"))
                    .unwrap_or_default();
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{cookie}\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (port, seen)
}

fn methods(seen: &Mutex<Vec<Seen>>) -> Vec<String> {
    seen.lock()
        .unwrap()
        .iter()
        .map(|s| s.method.clone())
        .collect()
}

#[tokio::test]
async fn an_expired_session_logs_in_again_once() {
    let logins = Arc::new(Mutex::new(0));
    let counter = logins.clone();
    let (port, seen) = fake_web(move |request| {
        let not_authenticated = json!({"message": "Not authenticated", "code": 1});
        match request.method.as_str() {
            "auth.login" => {
                let mut logins = counter.lock().unwrap();
                *logins += 1;
                let cookie = if *logins == 1 { "first1" } else { "second2" };
                (
                    json!(request.params == json!(["pw"])),
                    Value::Null,
                    Some(cookie),
                )
            }
            "web.connected" => (json!(true), Value::Null, None),
            // The first session has expired on the server's side.
            _ if request.cookie.as_deref() != Some("_session_id=second2") => {
                (Value::Null, not_authenticated, None)
            }
            "daemon.get_version" => (json!("2.0.3"), Value::Null, None),
            "core.get_enabled_plugins" => (json!(["Label"]), Value::Null, None),
            _ => (
                Value::Null,
                json!({"message": "Unknown method", "code": 2}),
                None,
            ),
        }
    })
    .await;
    let client = connect(&config(port)).unwrap();
    let info = client.probe().await.unwrap();
    assert_eq!(info.version, "2.0.3");
    assert_eq!(*logins.lock().unwrap(), 2);
    assert_eq!(
        methods(&seen),
        [
            "auth.login",
            "web.connected",
            "daemon.get_version",
            "auth.login",
            "web.connected",
            "daemon.get_version",
            "core.get_enabled_plugins"
        ]
    );
    let requests = seen.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .all(|r| r.content_type.as_deref() == Some("application/json"))
    );
}

#[tokio::test]
async fn a_session_that_stays_refused_is_auth_failed() {
    let (port, seen) = fake_web(|request| match request.method.as_str() {
        "auth.login" => (json!(true), Value::Null, Some("abc")),
        "web.connected" => (json!(true), Value::Null, None),
        _ => (
            Value::Null,
            json!({"message": "Not authenticated", "code": 1}),
            None,
        ),
    })
    .await;
    let err = connect(&config(port)).unwrap().list().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    // One new login, not a loop.
    let logins = methods(&seen).iter().filter(|m| *m == "auth.login").count();
    assert_eq!(logins, 2);
}

#[tokio::test]
async fn a_disconnected_web_is_connected_to_its_first_host() {
    let connected = Arc::new(Mutex::new(false));
    let state = connected.clone();
    let (port, seen) = fake_web(move |request| {
        let mut connected = state.lock().unwrap();
        match request.method.as_str() {
            "auth.login" => (json!(true), Value::Null, Some("abc")),
            "web.connected" => (json!(*connected), Value::Null, None),
            "web.get_hosts" => (
                json!([
                    ["hostid1", "127.0.0.1", 58846, "user"],
                    ["hostid2", "127.0.0.1", 1, "u"]
                ]),
                Value::Null,
                None,
            ),
            "web.connect" if request.params == json!(["hostid1"]) => {
                *connected = true;
                (json!(["core.get_torrents_status"]), Value::Null, None)
            }
            "core.get_torrents_status" if *connected => (json!({}), Value::Null, None),
            _ => (
                Value::Null,
                json!({"message": "Unknown method", "code": 2}),
                None,
            ),
        }
    })
    .await;
    let client = connect(&config(port)).unwrap();
    assert!(client.list().await.unwrap().is_empty());
    assert_eq!(
        methods(&seen),
        [
            "auth.login",
            "web.connected",
            "web.get_hosts",
            "web.connect",
            "core.get_torrents_status"
        ]
    );
    // Connected, an unknown method is the daemon's refusal: no reconnecting.
    let err = client.free_space().await.unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Rejected("core.get_free_space: unknown method".to_owned())
    );
    assert_eq!(
        methods(&seen)[5..],
        ["core.get_free_space", "web.connected"]
    );
}

#[tokio::test]
async fn a_failed_daemon_connection_is_refused() {
    let (port, _) = fake_web(|request| match request.method.as_str() {
        "auth.login" => (json!(true), Value::Null, Some("abc")),
        "web.connected" => (json!(false), Value::Null, None),
        "web.get_hosts" => (json!([["hostid1", "127.0.0.1", 1, "u"]]), Value::Null, None),
        // deluge-web answers null when it cannot reach the daemon.
        "web.connect" => (Value::Null, Value::Null, None),
        _ => (
            Value::Null,
            json!({"message": "Unknown method", "code": 2}),
            None,
        ),
    })
    .await;
    let err = connect(&config(port)).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Refused(_)), "{err}");
}

#[tokio::test]
async fn other_json_services_are_not_quoted() {
    let (port, _) = fake_web(|_| (json!("internal-secret"), json!("internal-secret"), None)).await;
    let err = connect(&config(port)).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotATorrentClient(_)), "{err}");
    assert!(!err.to_string().contains("internal-secret"), "{err}");
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let started = std::time::Instant::now();
    let err = connect(&config(port)).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Timeout(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}
