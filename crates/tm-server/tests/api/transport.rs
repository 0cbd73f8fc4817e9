//! What the server accepts before any handler: Host names (DNS rebinding,
//! audit M-10), slow clients (M-11), the docs' CSP and the files it creates
//! (L-16).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{Db, TestApp};

async fn sqlite_app(tweak: impl FnOnce(&mut tm_server::Config)) -> TestApp {
    TestApp::try_spawn(Db::Sqlite, tweak).await.expect("sqlite")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_host_names_are_refused() {
    let app = sqlite_app(|c| c.public_origins = vec!["https://tm.example.org".into()]).await;
    let api = app.client();
    let rebound = api
        .request(reqwest::Method::POST, "/auth/register")
        .header("host", "evil.test:8144")
        .header("origin", "http://evil.test:8144")
        .json(&json!({"username": "eve", "password": "password-eve"}));
    let (status, body) = api.send(rebound).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("evil.test"),
        "{body}"
    );
    let health = |host: &'static str| {
        api.request(reqwest::Method::GET, "/health")
            .header("host", host)
    };
    assert_eq!(api.send(health("evil.test")).await.0, StatusCode::FORBIDDEN);
    for host in [
        "localhost:8144",
        "127.0.0.1",
        "[::1]:1",
        "tm.example.org",
        "192.0.2.10:8144",
    ] {
        assert_eq!(api.send(health(host)).await.0, StatusCode::OK, "{host}");
    }
    // The configured public origin may also write with cookies.
    let from_public = api
        .request(reqwest::Method::POST, "/auth/register")
        .header("host", "tm.example.org")
        .header("origin", "https://tm.example.org")
        .json(&json!({"username": "alice", "password": "password-alice"}));
    assert_eq!(api.send(from_public).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_header_senders_are_cut_off() {
    let app = sqlite_app(|c| c.header_read_timeout = Duration::from_secs(1)).await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket
            .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A")
            .await
            .unwrap();
        slow.push(tokio::spawn(async move {
            let started = Instant::now();
            let mut buffer = [0u8; 1024];
            // Trickle a header byte every 200 ms; the server must hang up anyway.
            loop {
                tokio::select! {
                    read = socket.read(&mut buffer) => {
                        if matches!(read, Ok(0) | Err(_)) { return started.elapsed(); }
                    }
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {
                        if socket.write_all(b"a").await.is_err() { return started.elapsed(); }
                    }
                }
            }
        }));
    }
    // Connections that send nothing at all are cut off too.
    for _ in 0..20 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        slow.push(tokio::spawn(async move {
            let started = Instant::now();
            let mut buffer = [0u8; 64];
            while let Ok(1..) = socket.read(&mut buffer).await {}
            started.elapsed()
        }));
    }
    let started = Instant::now();
    let (status, _) = tokio::time::timeout(Duration::from_secs(1), app.client().get("/health"))
        .await
        .expect("/health answers while slow clients hang around");
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(1));
    for socket in slow {
        let closed_after = tokio::time::timeout(Duration::from_secs(5), socket)
            .await
            .expect("the server closes a slow connection")
            .unwrap();
        assert!(closed_after < Duration::from_secs(4), "{closed_after:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_body_is_abandoned() {
    let app = sqlite_app(|c| c.body_idle_timeout = Duration::from_secs(1)).await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    socket
        .write_all(b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user")
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut answer))
        .await
        .expect("the server gives up on the body")
        .ok();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_for_a_free_slot() {
    let app = sqlite_app(|c| {
        c.max_connections = 3;
        c.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(tokio::net::TcpStream::connect(&address).await.unwrap());
    }
    let started = Instant::now();
    let (status, _) = tokio::time::timeout(Duration::from_secs(5), app.client().get("/health"))
        .await
        .expect("served once the idle connections time out");
    assert_eq!(status, StatusCode::OK);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "the fourth connection waited for a slot: {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_docs_have_a_content_security_policy() {
    let app = sqlite_app(|_| {}).await;
    let response = reqwest::get(format!("{}/docs/", app.base)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
}

/// The page names the modules of the torrents page up front, so the
/// browser fetches them in parallel rather than one import level at a time;
/// the other pages' modules load when opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_preloads_the_modules_it_starts_with() {
    let app = sqlite_app(|_| {}).await;
    let page = reqwest::get(format!("{}/", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let preloads: Vec<&str> = page
        .split("<link rel=\"modulepreload\" href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    for module in [
        "main.js",
        "api.js",
        "table.js",
        "views/torrents.js",
        "views/torrent-columns.js",
    ] {
        let module = format!("/app/{module}");
        assert!(
            preloads.contains(&module.as_str()),
            "{module}: {preloads:?}"
        );
    }
    for module in ["views/admin.js", "views/login.js", "views/details-files.js"] {
        let module = format!("/app/{module}");
        assert!(
            !preloads.contains(&module.as_str()),
            "{module}: {preloads:?}"
        );
    }
    let main = page
        .find("/app/main.js\"></script>")
        .expect("the entry module");
    assert!(
        page.find("modulepreload").unwrap() < main,
        "preloads come first"
    );
    for module in preloads {
        let response = reqwest::get(format!("{}{module}", app.base)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{module}");
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_directory_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data_dir = parent.path().join("new").join("data");
    let dir = data_dir.clone();
    let app = sqlite_app(move |c| c.data_dir = dir).await;
    app.user("alice").await; // writes: the WAL exists
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data_dir), 0o700);
    assert_eq!(mode(data_dir.parent().unwrap()), 0o700);
    for file in [
        "torrent-manager.db",
        "torrent-manager.db-wal",
        "torrent-manager.db-shm",
        "master.key",
    ] {
        let path = data_dir.join(file);
        assert!(path.exists(), "{file}");
        assert_eq!(mode(&path), 0o600, "{file}");
    }
}
