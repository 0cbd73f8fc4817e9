//! The qBittorrent adapter against a real qbittorrent-nox.

mod common;

use tm_backends::model::LabelSupport;
use tm_backends::testkit::{QbittorrentDaemon, TestTorrent, daemon_available};
use tm_backends::{ClientKind, ErrorKind, TorrentClient, TorrentState, connect};

use common::{add_paused, full_scenario, wait_for};

async fn start() -> Option<(QbittorrentDaemon, std::sync::Arc<dyn TorrentClient>)> {
    if !daemon_available("qbittorrent-nox") {
        return None;
    }
    let daemon = QbittorrentDaemon::start().await.unwrap();
    let client = connect(&daemon.config()).unwrap();
    Some((daemon, client))
}

#[tokio::test]
async fn scenario_over_http() {
    let Some((daemon, client)) = start().await else {
        return;
    };
    full_scenario(client, ClientKind::Qbittorrent, daemon.scratch_dir()).await;
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
    assert!(client.free_space().await.unwrap().is_some_and(|b| b > 0));
}

#[tokio::test]
async fn wrong_password_and_wrong_path() {
    let Some((daemon, _client)) = start().await else {
        return;
    };
    let mut wrong = daemon.config();
    wrong.password = Some("wrong".into());
    let err = connect(&wrong).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("test-qbittorrent (qBittorrent at http://127.0.0.1:"),
        "{err}"
    );

    let mut elsewhere = daemon.config();
    elsewhere.rpc_path = Some("/not-the-webui/".into());
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

/// Sets a category the way a user would, in qBittorrent itself (the
/// adapter has no call for it).
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
}
