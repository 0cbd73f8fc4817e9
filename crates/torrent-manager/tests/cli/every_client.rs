//! The CLI's torrent commands on every client kind and transport, against
//! the real daemons.

use std::time::Duration;

use tm_testkit::TestTorrent;

use crate::harness::{TestEnv, find, wait_until};

/// Nothing listens there; some clients want a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";
const SETTLE: Duration = Duration::from_secs(30);

async fn state(env: &TestEnv, hash: &str) -> Option<String> {
    let list = env.listing(&[]).await;
    Some(find(&list, hash)?["state"].as_str()?.to_string())
}

tm_testkit::for_every_client! {
    async fn torrent_commands(kind: ClientUnderTest) {
        let Some((running, env)) = TestEnv::for_client(kind).await else {
            return;
        };
        env.login_as("alice").await;
        env.add_running_box("box", &running, &["--default"]).await;
        let shown = env.run(&["servers", "show", "box", "-o", "json"]).await.ok().json();
        let labels = shown["capabilities"]["labels"].as_str().unwrap().to_string();

        let scratch = tempfile::tempdir().unwrap();
        let torrent = TestTorrent::single_file(scratch.path(), "cli.bin", 50_000, Some(TRACKER)).unwrap();
        let path = scratch.path().join("cli.torrent");
        std::fs::write(&path, &torrent.bytes).unwrap();
        let hash = torrent.info_hash.as_str();
        let added = env
            .run(&["torrents", "add", path.to_str().unwrap(), "--paused"])
            .await
            .ok();
        assert!(added.stdout.contains(&hash[..8]), "{added:?}");
        // Some clients check the (absent) data first.
        wait_until(SETTLE, || async { (state(&env, hash).await? == "paused").then_some(()) })
            .await
            .expect("added paused");

        env.run(&["torrents", "start", hash]).await.ok();
        wait_until(SETTLE, || async { (state(&env, hash).await? != "paused").then_some(()) })
            .await
            .expect("started");
        let reannounced = env.run(&["torrents", "reannounce", &hash[..8]]).await.ok();
        assert!(reannounced.stdout.contains("Torrent reannounce requested"), "{reannounced:?}");
        env.run(&["torrents", "stop", hash]).await.ok();
        wait_until(SETTLE, || async { (state(&env, hash).await? == "paused").then_some(()) })
            .await
            .expect("stopped");

        // Its (not yet downloaded) data moves to another directory of the client.
        let moved_dir = running.download_dir.join("moved");
        let moved_text = moved_dir.to_str().unwrap();
        if shown["capabilities"]["move"] == true {
            let moved = env.run(&["torrents", "move", &hash[..8], moved_text]).await.ok();
            assert!(moved.stdout.contains(&format!("Torrent data moved to {moved_text}")), "{moved:?}");
            let save_path = |list: serde_json::Value| Some(find(&list, hash)?["save_path"].as_str()?.trim_end_matches('/').to_string());
            wait_until(SETTLE, || async { (save_path(env.listing(&[]).await)? == moved_text).then_some(()) })
                .await
                .expect("the new save path shows");
        } else {
            // rqbit and the embedded engine: no move, and the command says so.
            let refused = env.run(&["torrents", "move", &hash[..8], moved_text]).await;
            assert_ne!(refused.code, Some(0), "{refused:?}");
            assert!(refused.stderr.contains("moving data"), "{refused:?}");
        }

        let files = env.run(&["torrents", "files", hash, "-o", "json"]).await.ok().json();
        assert!(files.to_string().contains("cli.bin"), "{files}");
        let trackers = env.run(&["torrents", "trackers", hash]).await.ok();
        assert!(trackers.stdout.contains(TRACKER), "{trackers:?}");

        let labelled = env.run(&["torrents", "labels", hash, "--add", "tv"]).await;
        if labels == "none" {
            assert_ne!(labelled.code, Some(0), "{labelled:?}");
            assert!(labelled.stderr.contains("label"), "{labelled:?}");
        } else {
            labelled.ok();
            let list = env.listing(&[]).await;
            assert_eq!(find(&list, hash).unwrap()["labels"], serde_json::json!(["tv"]));
        }

        env.run(&["torrents", "rm", hash, "--delete-data", "--yes"]).await.ok();
        assert!(find(&env.listing(&[]).await, hash).is_none());
    }
}
