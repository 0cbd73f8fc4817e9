//! `tracker_status` in the list and its filter, on a real Transmission and
//! rTorrent with a real opentracker that knows one torrent and refuses the
//! other ("not authorized": unregistered), which the built-in rule
//! "remove unregistered torrents" then removes.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::{Opentracker, TestTorrent, daemon_available};

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::harness::{Db, TestApp};

async fn known_and_refused(daemon: ClientUnderTest, known_status: Option<&str>) {
    if !daemon_available("opentracker") {
        return;
    }
    let Some(client) = daemon.start().await else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let api = app.user("alice").await;
    let server_id = register(&api, "box", &client.config).await;
    let scratch = tempfile::tempdir().unwrap();
    let make = |name| TestTorrent::single_file(scratch.path(), name, 100_000, None).unwrap();
    let (known, refused) = (make("known.bin"), make("refused.bin"));
    let tracker = Opentracker::start(std::slice::from_ref(&known.info_hash))
        .await
        .unwrap();
    let query = format!("?server_id={server_id}&start=true");
    for torrent in [&known, &refused] {
        let torrent = torrent.with_tracker(&tracker.announce_url());
        let (status, added) = upload(&api, &query, "t.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
    }
    let listed = |hash: &str, list: &Value| {
        list.as_array()
            .and_then(|l| l.iter().find(|t| t["info_hash"] == hash).cloned())
    };
    let unregistered = wait_until(Duration::from_secs(60), || async {
        let (_, list) = api.get("/torrents").await;
        let known_now = listed(&known.info_hash, &list)?;
        let refused_now = listed(&refused.info_hash, &list)?;
        (known_now["tracker_status"].as_str() == known_status
            && refused_now["tracker_status"] == "unregistered")
            .then_some(refused_now)
    })
    .await
    .expect("the refusal is listed as unregistered");
    let message = unregistered["tracker_message"].as_str().unwrap();
    assert!(
        message.contains("not authorized"),
        "the tracker's own words: {unregistered}"
    );
    assert_eq!(unregistered["error_kind"], "tracker", "{unregistered}");

    let hashes = |list: Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["info_hash"].as_str().unwrap().to_string())
            .collect()
    };
    let filtered = |filter: &'static str| {
        let api = &api;
        async move {
            hashes(
                api.get(&format!("/torrents?tracker_status={filter}"))
                    .await
                    .1,
            )
        }
    };
    assert_eq!(filtered("unregistered").await, [refused.info_hash.as_str()]);
    assert!(filtered("tracker_down,error").await.is_empty());
    let mut both = filtered("unregistered,%20working").await;
    both.sort();
    let mut expected = vec![refused.info_hash.clone()];
    if known_status == Some("working") {
        assert_eq!(filtered("working").await, [known.info_hash.as_str()]);
        expected.push(known.info_hash.clone());
    }
    expected.sort();
    assert_eq!(both, expected);
    let (status, body) = api.get("/torrents?tracker_status=gone").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("unregistered, tracker_down or error"),
        "{body}"
    );

    // The built-in recipe removes the unregistered torrent, and only it.
    let (_, recipes) = api.get("/rules/recipes").await;
    let recipe = recipes["recipes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "remove_unregistered")
        .expect("the recipe is offered");
    let mut rule = recipe["rule"].clone();
    rule["interval_seconds"] = serde_json::json!(1);
    let (status, created) = api.post("/rules", rule).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let removed = wait_until(Duration::from_secs(20), || async {
        let (_, list) = api.get("/torrents").await;
        listed(&refused.info_hash, &list).is_none().then_some(list)
    })
    .await
    .expect("the rule removes the unregistered torrent");
    assert!(listed(&known.info_hash, &removed).is_some(), "{removed}");
    let rule_id = created["id"].as_str().unwrap();
    let (_, activity) = api.get(&format!("/activity?rule_id={rule_id}")).await;
    assert_eq!(activity["items"][0]["action"], "remove", "{activity}");
    assert_eq!(
        activity["items"][0]["info_hash"],
        refused.info_hash.as_str()
    );

    // The tracker drops the torrent it knew. A stop and start always
    // announces (a manual reannounce inside the tracker's interval may be
    // ignored); the rule, still running, removes it too.
    tracker.accept_only(&[]).unwrap();
    let known_hash = &known.info_hash;
    for action in ["stop", "start"] {
        let path = format!("/torrents/{known_hash}/{action}?server_id={server_id}");
        let (status, body) = api.post(&path, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    wait_until(Duration::from_secs(60), || async {
        let (_, list) = api.get("/torrents").await;
        listed(known_hash, &list).is_none().then_some(())
    })
    .await
    .expect("the rule removes the torrent the tracker dropped");
    let (_, activity) = api.get(&format!("/activity?rule_id={rule_id}")).await;
    assert_eq!(activity["items"][0]["action"], "remove", "{activity}");
    assert_eq!(activity["items"][0]["info_hash"], known_hash.as_str());
}

/// Transmission lists only a tracker's answers: a working tracker is not
/// in its list (`null`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transmission_lists_an_unregistered_torrent() {
    known_and_refused(ClientUnderTest::Transmission, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rtorrent_lists_working_and_unregistered_torrents() {
    known_and_refused(ClientUnderTest::RtorrentScgi, Some("working")).await;
}
