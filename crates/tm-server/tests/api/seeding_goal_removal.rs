//! Seeding goals that remove: a ratio goal of 0 is reached at once, and the
//! automation removes the torrent through the hardened removal — with
//! `remove_with_data` exactly its own files go, with `remove` they stay —
//! on a real Transmission (which holds the goal natively and stops the
//! torrent itself first) and a real rTorrent.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tm_testkit::{ClientUnderTest, TestTorrent};

use crate::daemons::{register, seed, wait_until};
use crate::harness::{Api, Db, on_both_databases, spawn};

/// Nothing answers there; rTorrent (with DHT off) drops torrents without one.
const TRACKER: &str = "http://127.0.0.1:1/announce";

async fn set_goal(api: &Api, server: &str, hash: &str, action: &str) {
    let path = format!("/torrents/{hash}/settings?server_id={server}");
    let (status, set) = api
        .put(&path, json!({"seeding": {"ratio": 0, "action": action}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["seeding"]["action"], action, "{set}");
}

async fn gone(api: &Api, server: &str, hash: &str) -> bool {
    wait_until(Duration::from_secs(40), || async {
        let (status, _) = api
            .get(&format!("/torrents/{hash}?server_id={server}"))
            .await;
        (status == StatusCode::NOT_FOUND).then_some(())
    })
    .await
    .is_some()
}

async fn goals_remove_torrents(daemon: ClientUnderTest, db: Db) {
    let Some(client) = daemon.start().await else {
        return;
    };
    let app = spawn!(db);
    let api = app.user("alice").await;
    let server = register(&api, "box", &client.config).await;
    let dir = &client.download_dir;
    let neighbour = dir.join("neighbour.txt");
    std::fs::write(&neighbour, b"not the torrent's").unwrap();
    let doomed = TestTorrent::multi_file(
        dir,
        "Doomed",
        &[("a.bin", 40_000), ("sub/b.bin", 20_000)],
        Some(TRACKER),
    )
    .unwrap();
    let kept = TestTorrent::single_file(dir, "kept.bin", 30_000, Some(TRACKER)).unwrap();
    seed(&api, &server, &doomed, "").await;
    seed(&api, &server, &kept, "").await;

    set_goal(&api, &server, &doomed.info_hash, "remove_with_data").await;
    set_goal(&api, &server, &kept.info_hash, "remove").await;
    assert!(
        gone(&api, &server, &doomed.info_hash).await,
        "not removed at its goal"
    );
    assert!(
        gone(&api, &server, &kept.info_hash).await,
        "not removed at its goal"
    );
    let deleted = wait_until(Duration::from_secs(10), || async {
        (!doomed.data_path.exists()).then_some(())
    })
    .await;
    assert!(
        deleted.is_some(),
        "{} still there",
        doomed.data_path.display()
    );
    assert!(kept.data_path.exists(), "remove keeps the data");
    assert_eq!(std::fs::read(&neighbour).unwrap(), b"not the torrent's");

    // Recorded as removals by the share limits, with what happened to the data.
    for (hash, data) in [(&doomed.info_hash, "deleted"), (&kept.info_hash, "kept")] {
        let (_, activity) = api.get(&format!("/activity?info_hash={hash}")).await;
        let items = activity["items"].as_array().unwrap();
        let removal = items
            .iter()
            .find(|i| i["action"] == "remove")
            .unwrap_or_else(|| panic!("no removal recorded: {activity}"));
        assert_eq!(removal["success"], true, "{removal}");
        assert_eq!(removal["actor"]["name"], "share limits", "{removal}");
        assert!(
            removal["message"]
                .as_str()
                .unwrap_or_default()
                .contains(if data == "deleted" {
                    "data removed"
                } else {
                    "removed"
                }),
            "{removal}"
        );
    }
}

on_both_databases! {
    async fn transmission_torrents_are_removed_at_their_goal(db: Db) {
        goals_remove_torrents(ClientUnderTest::Transmission, db).await;
    }

    async fn rtorrent_torrents_are_removed_at_their_goal(db: Db) {
        goals_remove_torrents(ClientUnderTest::RtorrentScgi, db).await;
    }
}
