//! The qBittorrent adapter against a real qbittorrent-nox.

mod common;

use tm_backends::model::LabelSupport;
use tm_backends::{
    Connection, ErrorKind, HttpEndpoint, Login, QbittorrentAuth, Tls, TorrentClient, TorrentState,
    connect,
};
use tm_testkit::{QbittorrentDaemon, TestTorrent, daemon_available, with_password, with_path};

use common::{add_paused, wait_for};

async fn start() -> Option<(QbittorrentDaemon, std::sync::Arc<dyn TorrentClient>)> {
    if !daemon_available("qbittorrent-nox") {
        return None;
    }
    let daemon = QbittorrentDaemon::start().await.unwrap();
    let client = connect(&daemon.config()).unwrap();
    Some((daemon, client))
}

#[tokio::test]
async fn probe_finds_version_and_capabilities() {
    let Some((_daemon, client)) = start().await else {
        return;
    };
    let info = client.probe().await.unwrap();
    assert!(
        info.version.starts_with(|c: char| c.is_ascii_digit()),
        "{info:?}"
    );
    assert!(
        info.api_version
            .as_deref()
            .is_some_and(|v| v.starts_with("2."))
    );
    let caps = info.capabilities;
    assert_eq!(caps.labels, LabelSupport::Many);
    assert!(caps.category && caps.incremental_list && caps.delete_data);
    assert!(!caps.low_file_priority);
    // Measured by qBittorrent in the background, moments after it starts.
    let mut free = None;
    for _ in 0..50 {
        free = client.free_space().await.unwrap();
        if free.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(free.is_some_and(|b| b > 0), "{free:?}");
}

#[tokio::test]
async fn wrong_password_and_wrong_path() {
    let Some((daemon, _client)) = start().await else {
        return;
    };
    let wrong = with_password(&daemon.config(), "wrong");
    let err = connect(&wrong).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("test-qbittorrent (qBittorrent at http://127.0.0.1:"),
        "{err}"
    );

    let elsewhere = with_path(&daemon.config(), "/not-the-webui/");
    let err = connect(&elsewhere).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotATorrentClient(_)), "{err}");
}

#[tokio::test]
async fn incremental_list_reports_changes_and_removals() {
    let Some((daemon, client)) = start().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let first = TestTorrent::single_file(dir, "one.bin", 1000, None).unwrap();
    let second = TestTorrent::single_file(dir, "two.bin", 1000, None).unwrap();
    client.add(add_paused(&first, dir, &[])).await.unwrap();

    let initial = client.list_changes().await.unwrap();
    assert!(initial.full);
    assert_eq!(initial.torrents.len(), 1);
    assert_eq!(initial.torrents[0].info_hash, first.info_hash);

    client.add(add_paused(&second, dir, &[])).await.unwrap();
    client.remove(&first.info_hash, false).await.unwrap();
    let changes = client.list_changes().await.unwrap();
    assert!(!changes.full);
    assert_eq!(changes.removed, vec![first.info_hash.clone()]);
    let added = changes
        .torrents
        .iter()
        .find(|t| t.info_hash == second.info_hash)
        .expect("the new torrent is a change");
    assert_eq!(added.name, "two.bin");
    assert!(
        changes
            .torrents
            .iter()
            .all(|t| t.info_hash != first.info_hash)
    );

    // A state change comes as a partial object, merged into the cache.
    client
        .start(std::slice::from_ref(&second.info_hash))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let changes = client.list_changes().await.unwrap();
        if let Some(t) = changes
            .torrents
            .iter()
            .find(|t| t.state == TorrentState::Seeding)
        {
            assert_eq!(t.name, "two.bin");
            assert_eq!(t.size, 1000);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never seeding");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

/// Sets a category the way a user would, in qBittorrent itself (not
/// through the adapter, whose reading is under test).
async fn set_category(daemon: &QbittorrentDaemon, hash: &str, category: &str) {
    let base = format!("http://127.0.0.1:{}/api/v2", daemon.web_port);
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{base}/auth/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("username", &daemon.username),
            ("password", &daemon.password),
        ]))
        .send()
        .await
        .unwrap();
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    for (path, fields) in [
        ("torrents/createCategory", vec![("category", category)]),
        (
            "torrents/setCategory",
            vec![("hashes", hash), ("category", category)],
        ),
    ] {
        let reply = http
            .post(format!("{base}/{path}"))
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form(&fields))
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success(), "{path}: {}", reply.status());
    }
}

#[tokio::test]
async fn category_is_reported_apart_from_labels() {
    let Some((daemon, client)) = start().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let torrent = TestTorrent::single_file(dir, "cat.bin", 1000, None).unwrap();
    let hash = client
        .add(add_paused(&torrent, dir, &["tagged"]))
        .await
        .unwrap();
    set_category(&daemon, &hash, "shows").await;
    let seen = client.get(&hash).await.unwrap().unwrap();
    assert_eq!(seen.category.as_deref(), Some("shows"));
    assert_eq!(seen.labels, vec!["tagged"]);
    // Replacing the labels leaves the category alone.
    client.set_labels(&hash, &["new".to_owned()]).await.unwrap();
    let seen = client.get(&hash).await.unwrap().unwrap();
    assert_eq!(seen.labels, vec!["new"]);
    assert_eq!(seen.category.as_deref(), Some("shows"));
    let listed = client.list().await.unwrap();
    assert_eq!(listed[0].category.as_deref(), Some("shows"));
}

#[tokio::test]
async fn categories_are_written_with_the_add_and_after() {
    let Some((daemon, client)) = start().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let torrent = TestTorrent::single_file(dir, "filed.bin", 1000, None).unwrap();
    let mut add = add_paused(&torrent, dir, &["tagged"]);
    // A category qBittorrent does not know yet: the adapter creates it.
    add.category = Some("tv".to_owned());
    let hash = client.add(add).await.unwrap();
    let seen = client.get(&hash).await.unwrap().unwrap();
    assert_eq!(seen.category.as_deref(), Some("tv"));
    assert_eq!(seen.labels, vec!["tagged"]);

    client.set_category(&hash, Some("movies")).await.unwrap();
    let seen = client.get(&hash).await.unwrap().unwrap();
    assert_eq!(seen.category.as_deref(), Some("movies"));
    assert_eq!(seen.labels, vec!["tagged"], "tags are not categories");
    // Again into a category that exists by now.
    client.set_category(&hash, Some("tv")).await.unwrap();
    assert_eq!(
        client
            .get(&hash)
            .await
            .unwrap()
            .unwrap()
            .category
            .as_deref(),
        Some("tv")
    );
    client.set_category(&hash, None).await.unwrap();
    assert_eq!(client.get(&hash).await.unwrap().unwrap().category, None);

    let missing = "0".repeat(40);
    let err = client.set_category(&missing, Some("tv")).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotFound(_)), "{err}");
}

#[tokio::test]
async fn adding_twice_is_a_duplicate() {
    let Some((daemon, client)) = start().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let torrent = TestTorrent::single_file(dir, "dup.bin", 1000, None).unwrap();
    // Twice at once: one wins, the other sees a duplicate.
    let (a, b) = tokio::join!(
        client.add(add_paused(&torrent, dir, &[])),
        client.add(add_paused(&torrent, dir, &[]))
    );
    let outcomes = [a, b];
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
    let err = outcomes.into_iter().find_map(Result::err).unwrap();
    assert_eq!(err.kind, ErrorKind::Duplicate(torrent.info_hash.clone()));
    // And once more, after it is in place.
    let err = client
        .add(add_paused(&torrent, dir, &[]))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Duplicate(torrent.info_hash.clone()));
    wait_for(client.as_ref(), &torrent.info_hash, "listed", |_| true).await;
    // Not a torrent: refused before qBittorrent sees it (it would answer 415).
    let err = client
        .add(tm_backends::AddTorrent::plain(
            tm_backends::TorrentSource::File(b"[LegalNotice]".to_vec()),
            false,
        ))
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Invalid(_)), "{err}");
}

/// A hand-written stand-in for a qBittorrent 5.2 (fault injection: session
/// expiry and the 5.x names cannot be produced with 4.5): the first session
/// expires after two calls, the cookie is `QBT_SID_<port>`. Returns the port and
/// every request's head.
async fn expiring_webui(login_status: u16) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let requests = seen.clone();
    tokio::spawn(async move {
        let (mut logins, mut first_session_calls) = (0, 0);
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buf = [0; 4096];
            while !String::from_utf8_lossy(&request).contains("\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
            }
            let head = String::from_utf8_lossy(&request).into_owned();
            requests.lock().unwrap().push(head.clone());
            let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
            // The first session serves two calls, then expires.
            let first_session = head.contains(&format!("QBT_SID_{port}=session1"));
            if first_session {
                first_session_calls += 1;
            }
            let live = head.contains(&format!("QBT_SID_{port}=session2"))
                || (first_session && first_session_calls <= 2);
            let hash = "ab".repeat(20);
            let (status, extra, body) = match path.as_str() {
                "/api/v2/auth/login" => {
                    logins += 1;
                    let cookie =
                        format!("Set-Cookie: QBT_SID_{port}=session{logins}; HttpOnly; path=/\r\n");
                    (login_status, cookie, "Ok.".to_owned())
                }
                _ if !live => (403, String::new(), "Forbidden".to_owned()),
                "/api/v2/app/webapiVersion" => (200, String::new(), "2.11.3".to_owned()),
                "/api/v2/app/version" => (200, String::new(), "v5.2.0".to_owned()),
                "/api/v2/torrents/info" => (
                    200,
                    String::new(),
                    format!(
                        r#"[{{"hash":"{hash}","name":"x","state":"stoppedUP","progress":1,"total_size":1,"amount_left":0,"private":false}}]"#
                    ),
                ),
                // WebAPI 2.11.8+ answers actions with 204 No Content.
                _ => (204, String::new(), String::new()),
            };
            let reply = format!(
                "HTTP/1.1 {status} X\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (port, seen)
}

fn fake_config(port: u16) -> tm_backends::BackendConfig {
    tm_backends::BackendConfig {
        name: "fake".to_owned(),
        connection: Connection::Qbittorrent {
            endpoint: HttpEndpoint {
                host: "127.0.0.1".to_owned(),
                port,
                path: None,
                tls: Tls::Off,
            },
            auth: QbittorrentAuth::Login(Login {
                username: "user".to_owned(),
                password: "pw".into(),
            }),
        },
        timeout: std::time::Duration::from_secs(5),
        egress: tm_backends::TargetPolicy::unrestricted(),
    }
}

#[tokio::test]
async fn expired_session_logs_in_again_and_5x_names_are_used() {
    let (port, seen) = expiring_webui(200).await;
    let client = connect(&fake_config(port)).unwrap();
    let info = client.probe().await.unwrap();
    assert_eq!(info.version, "5.2.0");
    assert_eq!(info.api_version.as_deref(), Some("2.11.3"));
    let hash = "ab".repeat(20);
    let torrent = client.get(&hash).await.unwrap().unwrap();
    assert_eq!(torrent.state, TorrentState::Paused);
    client.stop(std::slice::from_ref(&hash)).await.unwrap();
    client.start(std::slice::from_ref(&hash)).await.unwrap();

    let requests = seen.lock().unwrap().clone();
    let paths: Vec<&str> = requests
        .iter()
        .map(|r| r.split(' ').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        paths.iter().filter(|p| p.ends_with("auth/login")).count(),
        2
    );
    assert!(paths.contains(&"/api/v2/torrents/stop"), "{paths:?}");
    assert!(paths.contains(&"/api/v2/torrents/start"), "{paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with("pause") || p.ends_with("resume"))
    );
    for request in &requests {
        let lower = request.to_ascii_lowercase();
        assert!(
            lower.contains(&format!("\r\nhost: 127.0.0.1:{port}\r\n")),
            "{request}"
        );
        assert!(!lower.contains("\r\norigin:") && !lower.contains("\r\nreferer:"));
    }
}

#[tokio::test]
async fn a_401_login_is_auth_failed() {
    let (port, _) = expiring_webui(401).await;
    let err = connect(&fake_config(port))
        .unwrap()
        .probe()
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
}

/// qBittorrent 4.x lists no privacy: `get` reads it per torrent, and lists
/// reuse what was read.
#[tokio::test]
async fn privacy_is_read_for_single_torrents() {
    use sha1::Digest as _;
    let Some((daemon, client)) = start().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let data = vec![7u8; 1000];
    std::fs::write(dir.join("private.bin"), &data).unwrap();
    let piece_hash = sha1::Sha1::digest(&data);
    let mut bytes =
        b"d4:infod6:lengthi1000e4:name11:private.bin12:piece lengthi16384e6:pieces20:".to_vec();
    bytes.extend_from_slice(&piece_hash);
    bytes.extend_from_slice(b"7:privatei1eee");
    let hash = client
        .add(tm_backends::AddTorrent {
            save_path: Some(dir.display().to_string()),
            ..tm_backends::AddTorrent::plain(tm_backends::TorrentSource::File(bytes), false)
        })
        .await
        .unwrap();
    assert!(client.get(&hash).await.unwrap().unwrap().is_private);
    assert!(client.list().await.unwrap()[0].is_private);
}

#[tokio::test]
async fn skip_checking_trusts_the_data() {
    let Some((daemon, client)) = start().await else {
        return;
    };
    common::skip_checking_trusts_the_data(client.as_ref(), daemon.scratch_dir()).await;
}
