//! A seedbox's finished files: a real nginx serving a folder with
//! `autoindex` and basic auth as the server's HTTP location.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::NginxFileServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{Api, Db, TestApp};

const BIG: usize = 20 * 1024 * 1024;
const NESTED: &str = "caf\u{e9} & bar.txt";

/// Bytes that differ at every offset, so a shifted range shows.
fn big_file() -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..BIG)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

fn seedbox_files(root: &Path) -> Vec<u8> {
    let big = big_file();
    std::fs::write(root.join("big.bin"), &big).unwrap();
    std::fs::write(root.join("notes.txt"), b"hello").unwrap();
    std::fs::create_dir(root.join("Season 1")).unwrap();
    std::fs::write(root.join("Season 1").join(NESTED), b"nested file").unwrap();
    big
}

fn encode(path: &str) -> String {
    path.split('/')
        .map(|s| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn download(api: &Api, server: &str, path: &str, range: Option<&str>) -> reqwest::Response {
    let mut request = api.request(
        reqwest::Method::GET,
        &format!("/servers/{server}/download/{}", encode(path)),
    );
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    request.send().await.expect("answered")
}

/// Sends a request line as written, so no client normalises `..` away.
async fn raw_get(app_base: &str, key: &str, target: &str) -> (u16, String) {
    let address = app_base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

fn names(listing: &Value) -> Vec<(String, bool, Option<u64>)> {
    listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["is_dir"].as_bool().unwrap(),
                e["size"].as_u64(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seedbox_files_are_listed_and_downloaded_through_nginx() {
    let files = tempfile::tempdir().unwrap();
    let big = seedbox_files(files.path());
    let nginx = NginxFileServer::start(files.path()).await.expect("nginx");
    let Some(app) = TestApp::try_spawn(Db::Sqlite, |c| c.allow_private_targets = true).await else {
        return;
    };
    let alice = app.user("alice").await;
    let key = alice.create_key("files").await;
    let (status, server) = alice
        .post(
            "/servers",
            json!({"name": "box", "server_type": "transmission", "host": "127.0.0.1", "port": 9,
                   "rpc_path": "/transmission/rpc", "http_host": "127.0.0.1", "http_port": nginx.port,
                   "http_path": nginx.path, "http_username": nginx.username,
                   "http_password": nginx.password}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{server}");
    let id = server["id"].as_str().unwrap().to_owned();

    // The root and a nested folder whose names need encoding.
    let (status, root) = alice.get(&format!("/servers/{id}/files")).await;
    assert_eq!(status, StatusCode::OK, "{root}");
    assert_eq!(root["server_name"], "box");
    assert_eq!(root["path"], "");
    assert_eq!(
        names(&root),
        vec![
            ("Season 1".to_owned(), true, None),
            ("big.bin".to_owned(), false, Some(BIG as u64)),
            ("notes.txt".to_owned(), false, Some(5)),
        ]
    );
    assert!(root["entries"][1]["modified"].is_string(), "{root}");
    let (status, nested) = alice
        .get(&format!("/servers/{id}/files?path=Season%201"))
        .await;
    assert_eq!(status, StatusCode::OK, "{nested}");
    assert_eq!(nested["path"], "Season 1");
    assert_eq!(names(&nested), vec![(NESTED.to_owned(), false, Some(11))]);
    assert_eq!(nested["entries"][0]["path"], format!("Season 1/{NESTED}"));

    // 20 MiB byte-identical, then resumed from the middle.
    let response = download(&alice, &id, "big.bin", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-length"],
        BIG.to_string().as_str()
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"big.bin\"; filename*=UTF-8''big%2Ebin"
    );
    assert!(
        response.bytes().await.unwrap() == big[..],
        "the file is byte-identical"
    );
    let from = 7_654_321;
    let response = download(&alice, &id, "big.bin", Some(&format!("bytes={from}-"))).await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        response.headers()["content-range"],
        format!("bytes {from}-{}/{BIG}", BIG - 1).as_str()
    );
    assert!(
        response.bytes().await.unwrap() == big[from..],
        "the rest is identical"
    );
    let response = download(&alice, &id, &format!("Season 1/{NESTED}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(&response.bytes().await.unwrap()[..], b"nested file");

    // Missing files are 404 file_not_found, not 500.
    let (status, body) = alice
        .send(alice.request(
            reqwest::Method::GET,
            &format!("/servers/{id}/download/nope.bin"),
        ))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("file_not_found"))
    );

    let response = download(&alice, &id, "Season 1", None).await;
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "a folder is not a file"
    );

    // Traversal in every form is refused before anything reaches nginx.
    let seen = nginx.requests().len();
    for target in [
        format!("/servers/{id}/download/../../etc/passwd"),
        format!("/servers/{id}/download/%2e%2e/%2e%2e/etc/passwd"),
        format!("/servers/{id}/download/..%2f..%2fetc%2fpasswd"),
        format!("/servers/{id}/download/Season%201/%252e%252e/big.bin"),
        format!("/servers/{id}/download//etc/passwd"),
        format!("/servers/{id}/download/%2Fetc%2Fpasswd"),
        format!("/servers/{id}/download/a%5c..%5cb"),
        format!("/servers/{id}/files?path=.."),
        format!("/servers/{id}/files?path=%2Fetc"),
        format!("/servers/{id}/files?path=Season%201/%2e%2e"),
    ] {
        let (status, answer) = raw_get(&app.base, &key, &target).await;
        assert_eq!(status, 400, "{target}: {answer}");
        assert!(answer.contains("invalid_input"), "{target}: {answer}");
    }
    assert_eq!(nginx.requests().len(), seen, "{:?}", nginx.requests());

    // A wrong password: a clear 502 that does not repeat it.
    let (status, _) = alice
        .put(
            &format!("/servers/{id}"),
            json!({"http_password": "wrong-secret"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = alice.get(&format!("/servers/{id}/files")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["code"], "seedbox_auth_failed");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("http_password"), "{detail}");
    assert!(
        !detail.contains("wrong-secret") && !detail.contains(&nginx.password),
        "{detail}"
    );

    // No HTTP location: 400; another user's server: 404.
    let plain = alice.create_server("plain").await;
    let (status, body) = alice
        .get(&format!("/servers/{}/files", plain["id"].as_str().unwrap()))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("no_http_location"))
    );
    let bob = app.user("bob").await;
    let (status, body) = bob.get(&format!("/servers/{id}/files")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("server_not_found"))
    );
    let response = download(&bob, &id, "big.bin", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// The egress policy is checked on each request, not only when the server
/// is saved: a user whose private targets are withdrawn cannot reach the
/// loopback web server any more, and nothing reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_egress_policy_applies_to_every_listing_and_download() {
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("notes.txt"), b"hello").unwrap();
    let nginx = NginxFileServer::start(files.path()).await.expect("nginx");
    let Some(app) = TestApp::try_spawn(Db::Sqlite, |_| {}).await else {
        return;
    };
    let admin = app.user("admin").await;
    let carol = app.user("carol").await;
    let (_, me) = carol.get("/auth/me").await;
    let grant = format!("/admin/users/{}/targets", me["user_id"].as_str().unwrap());
    let (status, _) = admin
        .put(&grant, json!({"allow_private_targets": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, server) = carol
        .post(
            "/servers",
            json!({"name": "box", "server_type": "transmission", "host": "127.0.0.1", "port": 9,
                   "http_port": nginx.port, "http_path": nginx.path,
                   "http_username": nginx.username, "http_password": nginx.password}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{server}");
    let id = server["id"].as_str().unwrap();
    let (status, listing) = carol.get(&format!("/servers/{id}/files")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the client's host serves the files: {listing}"
    );

    admin
        .put(&grant, json!({"allow_private_targets": false}))
        .await;
    let seen = nginx.requests().len();
    let (status, body) = carol.get(&format!("/servers/{id}/files")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden_target"))
    );
    let response = download(&carol, id, "notes.txt", None).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(nginx.requests().len(), seen);
}
