//! `torrents settings` through a real transmission-daemon: shown, set with
//! people's units (7d, 1M, 500K), cleared with `--clear`.

use serde_json::json;
use tm_testkit::TestTorrent;

use crate::harness::TestEnv;

/// Nothing listens there; the clients want a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn torrent_settings_are_shown_set_and_cleared() {
    let Some((_daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let file =
        TestTorrent::single_file(scratch.path(), "tuned.bin", 30_000, Some(TRACKER)).unwrap();
    let path = scratch.path().join("tuned.torrent");
    std::fs::write(&path, &file.bytes).unwrap();
    env.run(&["torrents", "add", path.to_str().unwrap(), "--paused"])
        .await
        .ok();
    let prefix = &file.info_hash[..8];

    let shown = env.run(&["torrents", "settings", prefix]).await.ok();
    for line in [
        "Ratio goal",
        "none",
        "Download limit",
        "unlimited",
        "Priority",
        "normal",
    ] {
        assert!(shown.stdout.contains(line), "{line}: {}", shown.stdout);
    }

    let set = env
        .run(&[
            "torrents",
            "settings",
            prefix,
            "--ratio",
            "2",
            "--seed-time",
            "7d",
            "--limit-down",
            "1M",
            "--limit-up",
            "500K",
            "--priority",
            "high",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(set["info_hash"], json!(file.info_hash));
    assert_eq!(set["seeding"]["ratio"], 2.0, "{set}");
    assert_eq!(set["seeding"]["seeding_time"], 604_800, "{set}");
    // Transmission keeps whole kB (1000 bytes): 1 MiB rounds up to 1049 kB.
    assert_eq!(set["download_limit"], 1_049_000, "{set}");
    assert_eq!(set["upload_limit"], 512_000, "{set}");
    assert_eq!(set["priority"], "high", "{set}");

    let cleared = env
        .run(&[
            "torrents",
            "settings",
            prefix,
            "--clear",
            "ratio,limit-down",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(cleared["seeding"]["ratio"], json!(null), "{cleared}");
    assert_eq!(cleared["seeding"]["seeding_time"], 604_800, "{cleared}");
    assert_eq!(cleared["download_limit"], json!(null), "{cleared}");
    assert_eq!(cleared["upload_limit"], 512_000, "{cleared}");
    let table = env.run(&["torrents", "settings", prefix]).await.ok();
    assert!(table.stdout.contains("500.0 KiB/s"), "{}", table.stdout);
    assert!(table.stdout.contains("7d 00h"), "{}", table.stdout);

    // Set and cleared at once, or a rate nobody can read: refused, unsent.
    env.run(&[
        "torrents", "settings", prefix, "--ratio", "1", "--clear", "ratio",
    ])
    .await
    .failed_with(2);
    env.run(&["torrents", "settings", prefix, "--limit-up", "fast"])
        .await
        .failed_with(2);
}
