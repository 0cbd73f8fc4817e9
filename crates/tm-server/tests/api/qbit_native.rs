//! The qBittorrent API over a real qbittorrent-nox: its categories are
//! qBittorrent's own (not labels), checked in the daemon itself through
//! the adapter, and tags stay tags.

use std::time::Duration;

use reqwest::StatusCode;
use tm_backends::{Torrent, TorrentClient};
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, client_and_app, wait_until};
use crate::qbit_client::{FacadeOverClient, facade_over_client};
use crate::qbit_torrents::{add_file, hashes, info, one, tags_of};

/// The torrent as the daemon holds it.
async fn in_daemon(daemon: &dyn TorrentClient, hash: &str) -> Torrent {
    daemon.get(hash).await.unwrap().expect("in the daemon")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn categories_on_qbittorrent_are_its_own() {
    let Some((client, app)) = client_and_app(ClientUnderTest::Qbittorrent, |_| {}).await else {
        return;
    };
    let daemon = tm_backends::connect(&client.config).unwrap();
    let FacadeOverClient {
        app: _app,
        api,
        qbit,
        ..
    } = facade_over_client(&client, app, "qbt").await;

    let tv_dir = qbit
        .routed_category("tv", &client.download_dir, "qbt")
        .await;
    let tv = tv_dir.to_str().unwrap();
    qbit.ok(
        "/torrents/createCategory",
        &[("category", "films"), ("server", "qbt")],
    )
    .await;

    // Added in `tv`, stopped, with a tag.
    let episode = TestTorrent::single_file(&tv_dir, "episode.mkv", 150_000, None).unwrap();
    let hash = episode.info_hash.as_str();
    let added = add_file(
        &qbit,
        &episode,
        &[("category", "tv"), ("tags", "hd"), ("stopped", "true")],
    )
    .await;
    assert_eq!(added, "Ok.");

    // (a) qBittorrent itself holds the category; the tag is its tag.
    let held = in_daemon(daemon.as_ref(), hash).await;
    assert_eq!(held.category.as_deref(), Some("tv"));
    assert_eq!(held.labels, ["hd"], "the category is no tag");
    assert_eq!(held.save_path.trim_end_matches('/'), tv);
    let (status, ours) = api.get(&format!("/torrents/{hash}")).await;
    assert_eq!(status, StatusCode::OK, "{ours}");
    assert_eq!(ours["category"], "tv");
    assert_eq!(ours["labels"], serde_json::json!(["hd"]));

    // (b) Listed in the category, in qBittorrent's units.
    let in_tv = info(&qbit, &[("category", "tv")]).await;
    assert_eq!(hashes(&in_tv), [hash]);
    let listed = &in_tv[0];
    assert_eq!(listed["category"], "tv");
    assert_eq!(tags_of(listed), ["hd"]);
    assert_eq!(listed["size"], 150_000);
    let progress = listed["progress"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&progress), "{listed}");
    let added_on = listed["added_on"].as_i64().unwrap();
    assert!(
        added_on > 1_600_000_000 && added_on < 10_000_000_000,
        "seconds: {listed}"
    );
    assert!(
        listed["state"].as_str().unwrap().starts_with("stopped")
            || listed["state"].as_str().unwrap().starts_with("checking"),
        "{listed}"
    );
    assert!(info(&qbit, &[("category", "films")]).await.is_empty());

    // (c) setCategory moves it in qBittorrent; an unknown category is refused.
    qbit.ok(
        "/torrents/setCategory",
        &[("hashes", hash), ("category", "films")],
    )
    .await;
    let held = in_daemon(daemon.as_ref(), hash).await;
    assert_eq!(held.category.as_deref(), Some("films"));
    assert_eq!(held.labels, ["hd"]);
    assert_eq!(hashes(&info(&qbit, &[("category", "films")]).await), [hash]);
    assert!(info(&qbit, &[("category", "tv")]).await.is_empty());
    assert_eq!(
        qbit.post(
            "/torrents/setCategory",
            &[("hashes", hash), ("category", "nowhere")]
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        in_daemon(daemon.as_ref(), hash).await.category.as_deref(),
        Some("films")
    );
    // An empty name takes it out of every category.
    qbit.ok(
        "/torrents/setCategory",
        &[("hashes", hash), ("category", "")],
    )
    .await;
    assert_eq!(in_daemon(daemon.as_ref(), hash).await.category, None);
    assert_eq!(one(&qbit, hash).await.unwrap()["category"], "");
    qbit.ok(
        "/torrents/setCategory",
        &[("hashes", hash), ("category", "films")],
    )
    .await;

    // (d) Tags stay tags, beside the category.
    qbit.ok("/torrents/addTags", &[("hashes", hash), ("tags", "extra")])
        .await;
    let held = in_daemon(daemon.as_ref(), hash).await;
    let mut tags = held.labels.clone();
    tags.sort();
    assert_eq!(tags, ["extra", "hd"]);
    assert_eq!(held.category.as_deref(), Some("films"));
    let torrent = one(&qbit, hash).await.unwrap();
    assert_eq!(tags_of(&torrent), ["extra", "hd"]);
    assert_eq!(torrent["category"], "films");
    assert_eq!(
        qbit.json("/torrents/tags", &[]).await,
        serde_json::json!(["extra", "hd"])
    );

    // (e) Delete with the files: gone from qBittorrent and from the disk.
    qbit.ok(
        "/torrents/delete",
        &[("hashes", hash), ("deleteFiles", "true")],
    )
    .await;
    let gone = wait_until(Duration::from_secs(15), || async {
        let removed = daemon.get(hash).await.unwrap().is_none();
        (removed && !episode.data_path.exists()).then_some(())
    })
    .await;
    assert!(
        gone.is_some(),
        "{} still exists",
        episode.data_path.display()
    );
    assert!(info(&qbit, &[]).await.is_empty());
}

/// cross-seed adds with `skip_checking` onto data it knows is there; the
/// facade passes it to qBittorrent, which then trusts the data unread (here
/// of the right size but wrong bytes, which a check would refuse).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_checking_reaches_qbittorrent() {
    let Some((client, app)) = client_and_app(ClientUnderTest::Qbittorrent, |_| {}).await else {
        return;
    };
    let daemon = tm_backends::connect(&client.config).unwrap();
    let FacadeOverClient {
        app: _app,
        api: _,
        qbit,
        ..
    } = facade_over_client(&client, app, "qbt").await;
    let dir = qbit
        .routed_category("xs", &client.download_dir, "qbt")
        .await;
    let trusted = TestTorrent::single_file(&dir, "trusted.mkv", 100_000, None).unwrap();
    std::fs::write(&trusted.data_path, vec![0u8; 100_000]).unwrap();
    let fields = [
        ("category", "xs"),
        ("skip_checking", "true"),
        ("stopped", "true"),
    ];
    assert_eq!(add_file(&qbit, &trusted, &fields).await, "Ok.");
    let complete = wait_until(Duration::from_secs(20), || async {
        let held = daemon.get(&trusted.info_hash).await.unwrap()?;
        held.complete.then_some(held)
    })
    .await;
    assert!(complete.is_some(), "qBittorrent did not trust the data");
}
