//! `torrents move-to` and `jobs list|show|cancel`: a torrent seeded by
//! Transmission ("box") moves to rTorrent over a loopback tracker; a move
//! to a second Transmission, which cannot get a byte, is canceled.

use std::time::Duration;

use serde_json::Value;
use tm_testkit::{ClientUnderTest, Opentracker, TestTorrent, TransmissionDaemon, daemon_available};

use crate::harness::{TestEnv, find, wait_until};

/// Adds `torrent` (its data already in box's download directory) to "box"
/// and waits until box has all of it.
async fn seed(env: &TestEnv, torrent: &TestTorrent) {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("seed.torrent");
    std::fs::write(&path, &torrent.bytes).unwrap();
    env.run(&["torrents", "add", path.to_str().unwrap(), "--server", "box"])
        .await
        .ok();
    wait_until(Duration::from_secs(30), || async {
        let listing = env.listing(&["--server", "box"]).await;
        (find(&listing, &torrent.info_hash)?["complete"] == true).then_some(())
    })
    .await
    .expect("box has all the data");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_to_follows_the_job_to_the_end() {
    if !daemon_available("opentracker") {
        return;
    }
    let Some((daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let Some(rtorrent) = ClientUnderTest::RtorrentScgi.start().await else {
        return;
    };
    env.add_running_box("rt", &rtorrent, &[]).await;
    let untracked =
        TestTorrent::single_file(&daemon.download_dir, "moved.bin", 1 << 20, None).unwrap();
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let torrent = untracked.with_tracker(&tracker.announce_url());
    seed(&env, &torrent).await;
    // rTorrent hears of box only if box announced first.
    wait_until(Duration::from_secs(30), || async {
        let found = env
            .run(&["torrents", "trackers", &torrent.info_hash, "-o", "json"])
            .await
            .ok()
            .json();
        (found["trackers"][0]["status"] == "working").then_some(())
    })
    .await
    .expect("box announced to the tracker");

    let hash = &torrent.info_hash;
    // The torrent is on one server only: no --from needed.
    let job = env
        .run(&[
            "torrents",
            "move-to",
            &hash[..10],
            "--to",
            "rt",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        (&job["phase"], &job["progress"]),
        (&"done".into(), &1.0.into())
    );
    assert_eq!(
        (job["remove_source"].as_bool(), job["delete_data"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(
        std::fs::read(rtorrent.download_dir.join("moved.bin")).unwrap(),
        std::fs::read(&torrent.data_path).unwrap()
    );
    let on_box = env.listing(&["--server", "box"]).await;
    assert!(find(&on_box, hash).is_none(), "{on_box}");
    assert!(torrent.data_path.exists(), "box's data is kept");

    let id = job["id"].as_str().unwrap();
    let listed = env.run(&["jobs"]).await.ok().stdout;
    assert!(
        listed.contains(&id[..8]) && listed.contains("moved.bin"),
        "{listed}"
    );
    assert!(
        listed.contains("box") && listed.contains("rt") && listed.contains("succeeded"),
        "{listed}"
    );
    let shown = env.run(&["jobs", "show", &id[..8]]).await.ok().stdout;
    assert!(
        shown.contains("100.0% of 1.0 MiB") && shown.contains("removed once verified"),
        "{shown}"
    );
    let refused = env.run(&["jobs", "cancel", id]).await.failed_with(1);
    assert!(!refused.stderr.is_empty(), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_move_is_listed_and_canceled() {
    let Some((daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let other = TransmissionDaemon::start().await.expect("daemon starts");
    env.add_connected_box("other", &other, &[]).await;
    // No tracker answers and Transmission takes no peer by RPC: the move
    // stays running until canceled.
    let torrent = TestTorrent::single_file(
        &daemon.download_dir,
        "stuck.bin",
        100_000,
        Some("http://127.0.0.1:1/announce"),
    )
    .unwrap();
    seed(&env, &torrent).await;

    let usage = env
        .run(&[
            "torrents",
            "move-to",
            &torrent.info_hash,
            "--server",
            "box",
            "--to",
            "other",
            "--keep-source",
            "--delete-data",
        ])
        .await
        .failed_with(2);
    assert!(usage.stderr.contains("cannot be used with"), "{usage:?}");
    let started = env
        .run(&[
            "torrents",
            "move-to",
            &torrent.info_hash,
            "--from",
            "box",
            "--to",
            "other",
            "--no-wait",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(started["state"], "running", "{started}");
    let id = started["id"].as_str().unwrap();
    let jobs = env.run(&["jobs", "list", "-o", "json"]).await.ok().json();
    assert_eq!(jobs["jobs"][0]["id"], id, "{jobs}");

    env.run(&["jobs", "cancel", &id[..8]]).await.ok();
    let canceled: Value = wait_until(Duration::from_secs(30), || async {
        let job = env
            .run(&["jobs", "show", id, "-o", "json"])
            .await
            .ok()
            .json();
        (job["state"] != "running").then_some(job)
    })
    .await
    .expect("the job ends");
    assert_eq!(canceled["state"], "canceled", "{canceled}");
    let on_box = env.listing(&["--server", "box"]).await;
    assert!(find(&on_box, &torrent.info_hash).is_some(), "{on_box}");
}
