//! `GET /torrents/duplicates` and `GET /torrents/cross-seed` over real
//! clients: the same torrent on Transmission and rTorrent is one duplicate
//! group; two torrents of the same data with different trackers (and so
//! different info hashes) are one cross-seed group once their file lists
//! are fetched, and a rule can test both counts. Nobody sees another user's.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, TwoServers, register, seed, two_servers, wait_until};
use crate::harness::{Api, on_both_databases, spawn};
use crate::rules::cmp;

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER_A: &str = "http://127.0.0.1:1/announce";
const TRACKER_B: &str = "http://127.0.0.2:1/announce";

/// Which torrents a rule with `condition` would touch now: (server id,
/// info hash), sorted.
async fn previewed(api: &Api, condition: Value) -> Vec<(String, String)> {
    let (status, rule) = api
        .post(
            "/rules",
            json!({"name": "fleet", "enabled": false, "interval_seconds": 60,
                "conditions": condition, "actions": [{"type": "stop"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    let id = rule["id"].as_str().unwrap();
    let (status, preview) = api.post(&format!("/rules/{id}/preview"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    let mut matches: Vec<(String, String)> = preview["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (text(&m["server_id"]), text(&m["info_hash"])))
        .collect();
    matches.sort();
    assert_eq!(api.delete(&format!("/rules/{id}")).await.0, StatusCode::OK);
    matches
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_torrent_on_two_servers_is_one_duplicate() {
    let Some(TwoServers {
        app,
        alice,
        clients: [transmission, rtorrent],
        ids: [on_transmission, on_rtorrent],
    }) = two_servers(
        (ClientUnderTest::Transmission, "tr"),
        (ClientUnderTest::RtorrentScgi, "rt"),
    )
    .await
    else {
        return;
    };
    let bob = app.user("bob").await;
    let dup = TestTorrent::single_file(
        &transmission.download_dir,
        "dup.bin",
        60_000,
        Some(TRACKER_A),
    )
    .unwrap();
    TestTorrent::single_file(&rtorrent.download_dir, "dup.bin", 60_000, Some(TRACKER_A)).unwrap();
    let single = TestTorrent::single_file(
        &transmission.download_dir,
        "single.bin",
        30_000,
        Some(TRACKER_A),
    )
    .unwrap();
    seed(&alice, &on_transmission, &dup, "").await;
    seed(&alice, &on_rtorrent, &dup, "").await;
    seed(&alice, &on_transmission, &single, "").await;

    let (status, found) = alice.get("/torrents/duplicates").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["total"], 1, "{found}");
    let group = &found["groups"][0];
    assert_eq!(
        (&group["info_hash"], &group["name"], &group["size"]),
        (&json!(dup.info_hash), &json!("dup.bin"), &json!(60_000)),
        "{group}"
    );
    let copies = group["copies"].as_array().unwrap();
    let servers: Vec<(&Value, &Value, &Value)> = copies
        .iter()
        .map(|c| (&c["server_id"], &c["server_name"], &c["server_type"]))
        .collect();
    assert_eq!(
        servers,
        [
            (&json!(on_rtorrent), &json!("rt"), &json!("rtorrent")),
            (
                &json!(on_transmission),
                &json!("tr"),
                &json!("transmission")
            )
        ]
    );
    for copy in copies {
        assert_eq!(
            (&copy["state"], &copy["progress"]),
            (&json!("seeding"), &json!(100.0)),
            "{copy}"
        );
        assert!(
            copy["save_path"].as_str().is_some_and(|p| !p.is_empty()),
            "{copy}"
        );
    }

    // A rule counts the copies of each torrent: both copies match.
    let on = |server: &str, torrent: &TestTorrent| (server.to_owned(), torrent.info_hash.clone());
    let mut both = vec![on(&on_transmission, &dup), on(&on_rtorrent, &dup)];
    both.sort();
    assert_eq!(previewed(&alice, cmp("copies", "ge", json!(2))).await, both);
    assert_eq!(
        previewed(&alice, cmp("copies", "eq", json!(1))).await,
        [on(&on_transmission, &single)]
    );

    // Bob sees none of Alice's torrents.
    assert_eq!(
        bob.get("/torrents/duplicates").await.1,
        json!({"groups": [], "total": 0})
    );
}

on_both_databases! {
    async fn the_same_content_under_two_trackers_is_one_cross_seed_group(db: Db) {
        let Some(client) = ClientUnderTest::Transmission.start().await else {
            eprintln!("skipped: transmission-daemon is not installed");
            return;
        };
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let server_id = register(&alice, "box", &client.config).await;
        let dir = &client.download_dir;
        let first = TestTorrent::single_file(dir, "show.mkv", 80_000, Some(TRACKER_A)).unwrap();
        // The same file, re-issued by another tracker: another info hash.
        let second = first.with_source("B", Some(TRACKER_B));
        assert_ne!(first.info_hash, second.info_hash);
        let other = TestTorrent::single_file(dir, "other.mkv", 80_000, Some(TRACKER_A)).unwrap();
        for torrent in [&first, &second, &other] {
            seed(&alice, &server_id, torrent, "").await;
        }

        let groups = wait_until(Duration::from_secs(30), || async {
            let (_, found) = alice.get("/torrents/cross-seed").await;
            (found["pending"] == 0).then_some(found)
        })
        .await
        .expect("every file list fetched");
        assert_eq!(groups["groups"].as_array().unwrap().len(), 1, "{groups}");
        let group = &groups["groups"][0];
        assert_eq!((&group["size"], &group["files"]), (&json!(80_000), &json!(1)), "{group}");
        let mut members: Vec<(String, Value)> = group["torrents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                assert_eq!((&t["server_id"], &t["server_name"], &t["name"], &t["state"]), (&json!(server_id), &json!("box"), &json!("show.mkv"), &json!("seeding")), "{t}");
                (t["info_hash"].as_str().unwrap().to_owned(), t["tracker"].clone())
            })
            .collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        let mut expected = vec![
            (first.info_hash.clone(), json!("127.0.0.1")),
            (second.info_hash.clone(), json!("127.0.0.2")),
        ];
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(members, expected, "{group}");

        // A rule sees the same content under another torrent.
        let on = |torrent: &TestTorrent| (server_id.clone(), torrent.info_hash.clone());
        let mut both = vec![on(&first), on(&second)];
        both.sort();
        assert_eq!(previewed(&alice, cmp("cross_seeds", "ge", json!(1))).await, both);
        assert_eq!(previewed(&alice, cmp("cross_seeds", "eq", json!(0))).await, [on(&other)]);

        // Bob sees nothing of Alice's.
        assert_eq!(bob.get("/torrents/cross-seed").await.1, json!({"groups": [], "pending": 0}));

        // A torrent that leaves takes its file list along: no group is left.
        let (status, removed) = alice.delete(&format!("/torrents/{}?server_id={server_id}", second.info_hash)).await;
        assert_eq!(status, StatusCode::OK, "{removed}");
        let emptied = wait_until(Duration::from_secs(30), || async {
            let (_, found) = alice.get("/torrents/cross-seed").await;
            (found["groups"] == json!([])).then_some(())
        })
        .await;
        assert!(emptied.is_some(), "{}", alice.get("/torrents/cross-seed").await.1);
        let hash = &second.info_hash;
        let forgotten = wait_until(Duration::from_secs(10), || async {
            (app.count_file_lists(hash).await == 0).then_some(())
        })
        .await;
        assert!(forgotten.is_some(), "the file list of {hash} is still stored");
        assert_eq!(app.count_file_lists(&first.info_hash).await, 1);
    }
}
