//! `torrents duplicates` and `torrents cross-seed` over a real
//! transmission-daemon registered twice (each entry lists the same torrents).

use std::time::Duration;

use tm_testkit::TestTorrent;

use crate::harness::{TestEnv, wait_until};

const TRACKER_A: &str = "http://127.0.0.1:1/announce";
const TRACKER_B: &str = "http://127.0.0.2:1/announce";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_and_cross_seed_groups() {
    let Some((daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    env.add_connected_box("again", &daemon, &[]).await;
    let show = TestTorrent::single_file(&daemon.download_dir, "show.mkv", 40_000, Some(TRACKER_A))
        .unwrap();
    let reissued = show.with_source("B", Some(TRACKER_B));
    let scratch = tempfile::tempdir().unwrap();
    for (name, torrent) in [("a.torrent", &show), ("b.torrent", &reissued)] {
        let path = scratch.path().join(name);
        std::fs::write(&path, &torrent.bytes).unwrap();
        env.run(&["torrents", "add", path.to_str().unwrap(), "--server", "box"])
            .await
            .ok();
    }

    let found = wait_until(Duration::from_secs(30), || async {
        let json = env
            .run(&["torrents", "duplicates", "-o", "json"])
            .await
            .ok()
            .json();
        (json["total"] == 2).then_some(json)
    })
    .await
    .expect("both torrents on both server entries");
    assert_eq!(
        found["groups"][0]["copies"].as_array().unwrap().len(),
        2,
        "{found}"
    );
    let table = env.run(&["torrents", "duplicates"]).await.ok().stdout;
    assert!(
        table.contains("SERVER") && table.contains("again") && table.contains("box"),
        "{table}"
    );
    assert!(
        table.contains(&show.info_hash[..8]) && table.contains(&reissued.info_hash[..8]),
        "{table}"
    );

    let groups = wait_until(Duration::from_secs(30), || async {
        let json = env
            .run(&["torrents", "cross-seed", "-o", "json"])
            .await
            .ok()
            .json();
        (json["pending"] == 0 && json["groups"].as_array()?.len() == 1).then_some(json)
    })
    .await
    .expect("the file lists are fetched");
    assert_eq!(groups["groups"][0]["files"], 1, "{groups}");
    let table = env.run(&["torrents", "cross-seed"]).await.ok().stdout;
    assert!(
        table.contains("TRACKER") && table.contains("127.0.0.2") && table.contains("show.mkv"),
        "{table}"
    );
}
