//! Placement on add: `server_id: "auto"` follows the user's placement rules
//! on real Transmission daemons, skips a stopped server, spreads by a
//! strategy; `server_ids` adds to several servers with one outcome each.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::harness::{Api, Db, TestApp, on_both_databases};

/// A tracker that refuses connections keeps the swarm out of the test.
const TRACKER: &str = "http://127.0.0.1:1/announce";

on_both_databases! {
    async fn rules_are_stored_and_checked(db: Db) {
        let Some(app) = TestApp::try_spawn(db, |_| {}).await else {
            return;
        };
        // The first user is the admin, who may register loopback servers.
        let api = app.user("alice").await;
        let mine = api.create_server("mine").await["id"].as_str().unwrap().to_string();
        let bob = app.user("bob").await;

        let (status, empty) = api.get("/placement").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(empty, json!({"rules": []}));

        let rules = json!({"rules": [
            {"name": "tv", "match": {"labels": ["tv"], "tracker": "Tracker.Example.org"},
             "target": {"server_id": mine}},
            {"name": "big", "match": {"min_size": 1000, "client": "transmission"},
             "target": {"strategy": "most_free_space"}}
        ]});
        let (status, stored) = api.put("/placement", rules).await;
        assert_eq!(status, StatusCode::OK, "{stored}");
        assert_eq!(stored["rules"][0]["match"]["tracker"], "tracker.example.org");
        assert_eq!(stored["rules"][1]["target"]["server_ids"], json!([]));
        let (_, read) = api.get("/placement").await;
        assert_eq!(read, stored);
        let (_, bobs) = bob.get("/placement").await;
        assert_eq!(bobs, json!({"rules": []}), "rules are per user");
        let (status, body) = bob
            .put("/placement", json!({"rules": [{"name": "x", "target": {"server_id": mine}}]}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("not one of your servers"), "{body}");

        for (bad, why) in [
            (json!({"rules": [{"name": "x", "match": {"colour": "red"}, "target": {"server_id": mine}}]}), "colour"),
            (json!({"rules": [{"name": "x", "target": {"server_id": "nope"}}]}), "not one of your servers"),
            (json!({"rules": [{"name": "x", "target": {"strategy": "cheapest"}}]}), ""),
            (json!({"rules": [{"name": "x", "target": {"strategy": "round_robin", "server_ids": [mine, mine]}}]}), "listed twice"),
            (json!({"rules": [{"name": "x", "match": {"min_size": 5, "max_size": 1}, "target": {"server_id": mine}}]}), "min_size"),
            (json!({"rules": [{"name": "x", "target": {"server_id": mine}}, {"name": "x", "target": {"server_id": mine}}]}), "named 'x'"),
            (json!({"rules": [{"name": " ", "target": {"server_id": mine}}]}), "name"),
        ] {
            let (status, body) = api.put("/placement", bad.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad} -> {body}");
            assert!(body["detail"].as_str().unwrap().contains(why), "{body}");
        }
        let (_, unchanged) = api.get("/placement").await;
        assert_eq!(unchanged, stored, "a refused PUT changes nothing");
    }
}

fn torrent(dir: &std::path::Path, name: &str) -> TestTorrent {
    TestTorrent::single_file(dir, name, 40_000, Some(TRACKER)).unwrap()
}

fn torrent_part(torrent: &TestTorrent) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(torrent.bytes.clone())
        .file_name(format!("{}.torrent", torrent.name))
        .mime_str("application/x-bittorrent")
        .unwrap()
}

/// Uploads with `query` and answers the body, asserting success.
async fn placed(api: &Api, query: &str, torrent: &TestTorrent) -> Value {
    let (status, body) = upload(api, query, "t.torrent", torrent.bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_places_by_the_rules_on_real_servers() {
    let (Some(a), Some(b), Some(c)) = (
        ClientUnderTest::Transmission.start().await,
        ClientUnderTest::Transmission.start().await,
        ClientUnderTest::Transmission.start().await,
    ) else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |config| {
        config.client_timeout = Duration::from_secs(2);
    })
    .await
    .expect("sqlite");
    let api = app.user("alice").await;
    let a_id = register(&api, "A", &a.config).await;
    let b_id = register(&api, "B", &b.config).await;
    let c_id = register(&api, "C", &c.config).await;
    let (status, _) = api
        .put(&format!("/servers/{a_id}"), json!({"is_default": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let rules = json!({"rules": [
        {"name": "tv", "match": {"labels": ["tv"]}, "target": {"server_id": b_id}},
        {"name": "turns", "match": {"labels": ["rr"]},
         "target": {"strategy": "round_robin", "server_ids": [a_id, c_id]}},
        {"name": "roomy", "match": {"labels": ["space"], "tracker": "127.0.0.1"},
         "target": {"strategy": "most_free_space"}},
        {"name": "calm", "match": {"labels": ["calm"]},
         "target": {"strategy": "fewest_active", "server_ids": [a_id, c_id]}},
        {"name": "huge", "match": {"min_size": 1_000_000_000_000u64}, "target": {"server_id": c_id}}
    ]});
    let (status, body) = api.put("/placement", rules).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let scratch = tempfile::tempdir().unwrap();

    // The label tv goes to B, as the rule says.
    let tv = placed(
        &api,
        "?server_id=auto&start=false&labels=tv",
        &torrent(scratch.path(), "tv.bin"),
    )
    .await;
    assert_eq!(tv["server_id"], json!(b_id), "{tv}");
    assert_eq!(tv["placement"]["rule"], "tv", "{tv}");
    let (status, on_b) = api
        .get(&format!(
            "/torrents/{}?server_id={b_id}",
            tv["info_hash"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{on_b}");

    // A batch is placed as one, and says so.
    let form = reqwest::multipart::Form::new()
        .part(
            "files",
            torrent_part(&torrent(scratch.path(), "batch1.bin")),
        )
        .part(
            "files",
            torrent_part(&torrent(scratch.path(), "batch2.bin")),
        );
    let (status, batch) = api
        .send(
            api.request(
                reqwest::Method::POST,
                "/torrents/upload/batch?server_id=auto&start=false&labels=tv",
            )
            .multipart(form),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{batch}");
    assert_eq!(
        (batch["server_id"].clone(), batch["success_count"].clone()),
        (json!(b_id), json!(2)),
        "{batch}"
    );
    assert_eq!(batch["placement"]["rule"], "tv", "{batch}");

    // round_robin alternates between its servers.
    let mut turns = Vec::new();
    for n in 0..3 {
        let body = placed(
            &api,
            "?server_id=auto&start=false&labels=rr",
            &torrent(scratch.path(), &format!("rr{n}.bin")),
        )
        .await;
        assert_eq!(body["placement"]["rule"], "turns", "{body}");
        assert!(
            body["placement"]["reason"]
                .as_str()
                .unwrap()
                .contains("round_robin"),
            "{body}"
        );
        turns.push(body["server_id"].as_str().unwrap().to_string());
    }
    assert_ne!(turns[0], turns[1]);
    assert_eq!(turns[0], turns[2]);
    assert!(turns.iter().all(|s| s == &a_id || s == &c_id), "{turns:?}");

    // most_free_space picks a healthy server and says so; the tracker host matches.
    let roomy = placed(
        &api,
        "?server_id=auto&start=false&labels=space",
        &torrent(scratch.path(), "space.bin"),
    )
    .await;
    assert_eq!(roomy["placement"]["rule"], "roomy", "{roomy}");
    assert!(
        roomy["placement"]["reason"]
            .as_str()
            .unwrap()
            .contains("most_free_space"),
        "{roomy}"
    );

    // fewest_active: C gets two running torrents, A has only paused ones.
    for n in 0..2 {
        let busy = placed(
            &api,
            &format!("?server_id={c_id}&start=true"),
            &torrent(scratch.path(), &format!("busy{n}.bin")),
        )
        .await;
        assert_eq!(busy["server_id"], json!(c_id), "{busy}");
        let path = format!(
            "/torrents/{}?server_id={c_id}",
            busy["info_hash"].as_str().unwrap()
        );
        wait_until(Duration::from_secs(30), || async {
            let (_, t) = api.get(&path).await;
            ["downloading", "seeding", "checking"]
                .contains(&t["state"].as_str().unwrap_or_default())
                .then_some(())
        })
        .await
        .expect("the busy torrent runs");
    }
    let calm = placed(
        &api,
        "?server_id=auto&start=false&labels=calm",
        &torrent(scratch.path(), "calm.bin"),
    )
    .await;
    assert_eq!(calm["server_id"], json!(a_id), "{calm}");
    assert_eq!(calm["placement"]["rule"], "calm", "{calm}");
    assert!(
        calm["placement"]["reason"]
            .as_str()
            .unwrap()
            .contains("fewest_active chose 'A'"),
        "{calm}"
    );

    // A magnet link has no known size: no size rule, the default server.
    let magnet = torrent(scratch.path(), "magnet.bin").magnet(None);
    let (status, fallback) = api
        .post(
            "/torrents",
            json!({"uri": magnet, "server_id": "auto", "start": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{fallback}");
    assert_eq!(fallback["server_id"], json!(a_id), "{fallback}");
    assert_eq!(fallback["placement"]["rule"], Value::Null);
    assert!(
        fallback["placement"]["reason"]
            .as_str()
            .unwrap()
            .contains("default"),
        "{fallback}"
    );

    // One add to three servers answers three outcomes; a server not yours fails alone.
    let several = torrent(scratch.path(), "several.bin").magnet(Some(TRACKER));
    let (status, outcomes) = api
        .post(
            "/torrents",
            json!({"uri": several, "server_ids": [a_id, b_id, c_id, "nope"], "start": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    assert_eq!(outcomes["total"], 4, "{outcomes}");
    assert_eq!(outcomes["success_count"], 3, "{outcomes}");
    let list = outcomes["outcomes"].as_array().unwrap();
    for (outcome, (id, name)) in list.iter().zip([(&a_id, "A"), (&b_id, "B"), (&c_id, "C")]) {
        assert_eq!(outcome["server_id"], json!(id), "{outcome}");
        assert_eq!(outcome["server_name"], name, "{outcome}");
        assert_eq!(outcome["success"], true, "{outcome}");
        assert!(outcome["info_hash"].is_string(), "{outcome}");
    }
    assert_eq!(list[3]["success"], false);
    assert_eq!(list[3]["message"], "Server not found");

    // B stops: once the poller sees it failing, tv goes to the next candidate.
    let b_address = b.config.clone();
    drop(b);
    wait_until(Duration::from_secs(30), || async {
        let (_, server) = api.get(&format!("/servers/{b_id}")).await;
        (server["status"] == "failing").then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("B at {b_address:?} never shown failing"));
    let moved_on = placed(
        &api,
        "?server_id=auto&start=false&labels=tv",
        &torrent(scratch.path(), "tv2.bin"),
    )
    .await;
    assert_eq!(moved_on["server_id"], json!(a_id), "{moved_on}");
    let reason = moved_on["placement"]["reason"].as_str().unwrap();
    assert!(reason.contains("'B' is down"), "{reason}");
    assert!(reason.contains("rule 'tv' matched"), "{reason}");
}
