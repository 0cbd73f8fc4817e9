//! Bulk actions on torrents picked by label, state, server or all, and file
//! priorities for many files at once.

use std::time::Duration;

use serde_json::Value;
use tm_testkit::TestTorrent;

use crate::harness::{TestEnv, find, wait_until};

const TRACKER: &str = "http://127.0.0.1:1/announce";

/// Waits until `check` holds for the listing.
async fn wait_for_listing(env: &TestEnv, what: &str, check: impl Fn(&Value) -> bool) {
    wait_until(Duration::from_secs(20), || async {
        check(&env.listing(&[]).await).then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("{what}: not within 20 s"));
}

fn state_of(list: &Value, hash: &str) -> String {
    find(list, hash).map_or_else(|| "gone".into(), |t| t["state"].as_str().unwrap().into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selectors_pick_the_torrents_of_bulk_actions() {
    let Some((_daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };

    let scratch = tempfile::tempdir().unwrap();
    let mut hashes = Vec::new();
    for (name, label) in [("one", "batch"), ("two", "batch"), ("three", "other")] {
        let torrent =
            TestTorrent::single_file(scratch.path(), name, 20_000, Some(TRACKER)).unwrap();
        let path = scratch.path().join(format!("{name}.torrent"));
        std::fs::write(&path, &torrent.bytes).unwrap();
        env.run(&[
            "torrents",
            "add",
            path.to_str().unwrap(),
            "--paused",
            "--labels",
            label,
        ])
        .await
        .ok();
        hashes.push(torrent.info_hash);
    }
    let all_paused = |list: &Value| hashes.iter().all(|h| state_of(list, h) == "paused");
    wait_for_listing(&env, "the first checks end", all_paused).await;

    // --labels picks two of the three, in one request.
    let started = env
        .run(&["torrents", "start", "--labels", "batch", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(started["success_count"], 2, "{started}");
    wait_for_listing(&env, "two start", |list| {
        state_of(list, &hashes[0]) != "paused"
            && state_of(list, &hashes[1]) != "paused"
            && state_of(list, &hashes[2]) == "paused"
    })
    .await;
    let reannounced = env
        .run(&["torrents", "reannounce", "--all", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(reannounced["success_count"], 3, "{reannounced}");
    env.run(&["torrents", "stop", "--all"]).await.ok();
    wait_for_listing(&env, "all stop", all_paused).await;

    // Labels on a selection.
    let labelled = env
        .run(&["torrents", "labels", "--label", "batch", "--add", "extra"])
        .await
        .ok();
    assert_eq!(labelled.stdout.lines().count(), 2, "{labelled:?}");
    let list = env.listing(&["--labels", "extra"]).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert!(find(&list, &hashes[2]).is_none(), "{list}");

    // Removing by selector asks first; no answer, nothing removed.
    let refused = env
        .run_with_input(&["torrents", "rm", "--state", "paused"], "n\n")
        .await
        .failed_with(1);
    assert!(refused.stderr.contains("Remove 3 torrent"), "{refused:?}");
    assert!(refused.stderr.contains("--yes"), "{refused:?}");
    assert_eq!(env.listing(&[]).await.as_array().unwrap().len(), 3);
    env.run(&["torrents", "rm", "--labels", "other", "--yes"])
        .await
        .ok();
    env.run_with_input(&["torrents", "rm", "--server", "box"], "y\n")
        .await
        .ok();
    assert_eq!(env.listing(&[]).await, serde_json::json!([]));

    // Hashes and selectors do not mix.
    env.run(&["torrents", "stop", &hashes[0], "--all"])
        .await
        .failed_with(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_priorities_for_many_files() {
    let Some((_daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };

    let scratch = tempfile::tempdir().unwrap();
    let files = [
        ("a.bin", 10_000),
        ("b.bin", 10_000),
        ("c.bin", 10_000),
        ("d.bin", 10_000),
    ];
    let torrent = TestTorrent::multi_file(scratch.path(), "album", &files, Some(TRACKER)).unwrap();
    let path = scratch.path().join("album.torrent");
    std::fs::write(&path, &torrent.bytes).unwrap();
    env.run(&["torrents", "add", path.to_str().unwrap(), "--paused"])
        .await
        .ok();
    let prefix = &torrent.info_hash[..8];

    let priorities = |files: &Value| -> Vec<String> {
        let mut files: Vec<&Value> = files["files"].as_array().unwrap().iter().collect();
        files.sort_by_key(|f| f["index"].as_u64());
        files
            .iter()
            .map(|f| f["priority"].as_str().unwrap().to_string())
            .collect()
    };
    let set = env
        .run(&[
            "torrents",
            "files",
            prefix,
            "--priority",
            "skip",
            "--files",
            "0,2-3",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(priorities(&set), ["skip", "normal", "skip", "skip"]);
    let all = env
        .run(&[
            "torrents",
            "files",
            prefix,
            "--priority",
            "high",
            "--all-files",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(priorities(&all), ["high"; 4]);
    // The table says so too.
    let table = env.run(&["torrents", "files", prefix]).await.ok();
    assert_eq!(table.stdout.matches("high").count(), 4, "{table:?}");

    for args in [
        &["torrents", "files", prefix, "--priority", "low"][..],
        &["torrents", "files", prefix, "--files", "1"],
        &[
            "torrents",
            "files",
            prefix,
            "--priority",
            "low",
            "--files",
            "3-1",
        ],
        &[
            "torrents",
            "files",
            prefix,
            "--priority",
            "urgent",
            "--all-files",
        ],
    ] {
        env.run(args).await.failed_with(2);
    }
}
