//! Torrents through a real transmission-daemon, driven by the CLI.

use std::time::Duration;

use tm_testkit::TestTorrent;

use crate::harness::{TestEnv, find, wait_until};

/// Nothing listens there; the clients want a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn torrents_add_list_stop_start_rm() {
    let Some((_daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    // The server's totals and the client's free disk space.
    wait_until(Duration::from_secs(20), || async {
        let server = env
            .run(&["servers", "show", "box", "-o", "json"])
            .await
            .ok()
            .json();
        server["free_space"].is_u64().then_some(())
    })
    .await
    .expect("the free space is known");
    let shown = env.run(&["servers", "show", "box"]).await.ok();
    let free = shown
        .stdout
        .lines()
        .find(|l| l.contains("Free space"))
        .unwrap();
    assert!(free.ends_with("iB"), "{free}");
    assert!(shown.stdout.contains("down -, up -"), "{}", shown.stdout);

    // A .torrent file and a magnet link in one go.
    let scratch = tempfile::tempdir().unwrap();
    let file = TestTorrent::single_file(scratch.path(), "file.bin", 50_000, Some(TRACKER)).unwrap();
    let path = scratch.path().join("file.torrent");
    std::fs::write(&path, &file.bytes).unwrap();
    let magnet =
        TestTorrent::single_file(scratch.path(), "magnet.bin", 20_000, Some(TRACKER)).unwrap();
    let magnet_link = magnet.magnet(Some(TRACKER));
    let added = env
        .run(&[
            "torrents",
            "add",
            path.to_str().unwrap(),
            &magnet_link,
            "--paused",
            "--labels",
            "cli,test",
        ])
        .await
        .ok();
    assert!(added.stdout.contains(&file.info_hash[..8]), "{added:?}");
    assert!(added.stdout.contains(&magnet.info_hash[..8]), "{added:?}");
    assert!(added.stdout.contains("file.bin"), "{added:?}");

    // Listed, as JSON for scripts and as a table for people.
    let list = env.listing(&[]).await;
    let listed = find(&list, &file.info_hash).expect("the file is listed");
    assert_eq!(listed["labels"], serde_json::json!(["cli", "test"]));
    assert!(
        find(&list, &magnet.info_hash).is_some(),
        "the magnet is listed: {list}"
    );
    assert_eq!(listed["has_metainfo"], true);

    // The file's .torrent comes back byte for byte; the magnet's is not
    // stored (Transmission cannot hand it back).
    let saved = scratch.path().join("saved.torrent");
    let prefix = &file.info_hash[..8];
    env.run(&[
        "torrents",
        "metainfo",
        prefix,
        "-f",
        saved.to_str().unwrap(),
    ])
    .await
    .ok();
    assert_eq!(std::fs::read(&saved).unwrap(), file.bytes);
    let missing = env
        .run(&["torrents", "metainfo", &magnet.info_hash, "-f", "-"])
        .await
        .failed_with(1);
    assert!(missing.stderr.contains("metainfo"), "{missing:?}");
    let table = env.run(&["torrents"]).await.ok();
    let header = table.stdout.lines().next().unwrap_or_default();
    for column in ["NAME", "STATE", "DONE", "SIZE", "HASH"] {
        assert!(header.contains(column), "{column} in {header}");
    }
    let row = table
        .stdout
        .lines()
        .find(|line| line.contains(&file.info_hash[..8]))
        .expect("a row for the file");
    assert!(row.contains("48.8 KiB"), "human size: {row}");
    assert!(row.contains('%'), "progress in percent: {row}");
    let searched = env.listing(&["--search", "MAGNET"]).await;
    assert_eq!(searched.as_array().unwrap().len(), 1, "{searched}");

    // Adding it again fails with the server's reason, and exit code 1.
    let again = env
        .run(&["torrents", "add", path.to_str().unwrap()])
        .await
        .failed_with(1);
    assert!(again.stderr.contains("file.torrent"), "{again:?}");

    // Start, stop (once the client has checked for the data), start.
    let hash = file.info_hash.as_str();
    wait_until(Duration::from_secs(15), || async {
        let list = env.listing(&["--state", "paused"]).await;
        find(&list, hash).map(|_| ())
    })
    .await
    .expect("the first check ends");
    let started = env.run(&["torrents", "start", hash]).await.ok();
    assert!(started.stdout.contains("started"), "{started:?}");
    wait_until(Duration::from_secs(15), || async {
        let list = env.listing(&[]).await;
        find(&list, hash)
            .filter(|t| t["state"] != "paused")
            .map(|_| ())
    })
    .await
    .expect("it starts");
    env.run(&["torrents", "stop", hash, "--server", "box"])
        .await
        .ok();
    wait_until(Duration::from_secs(15), || async {
        let list = env.listing(&["--state", "paused"]).await;
        find(&list, hash).map(|_| ())
    })
    .await
    .expect("it stops");

    // Labels and the per-torrent views.
    let labels = env
        .run(&[
            "torrents", "labels", hash, "--add", "new", "--remove", "cli",
        ])
        .await
        .ok();
    assert_eq!(labels.stdout.trim(), "test, new");
    let trackers = env.run(&["torrents", "trackers", hash]).await.ok();
    assert!(trackers.stdout.contains(TRACKER), "{trackers:?}");
    let files = env
        .run(&["torrents", "files", hash, "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(files["files"][0]["path"], "file.bin");

    // Remove both; one unknown hash makes the command fail, the others still go.
    let unknown = "0".repeat(40);
    let removed = env
        .run(&["torrents", "rm", hash, &magnet.info_hash, &unknown])
        .await
        .failed_with(1);
    assert!(removed.stderr.contains(&unknown), "{removed:?}");
    let list = env.listing(&[]).await;
    assert_eq!(list, serde_json::json!([]));
}
