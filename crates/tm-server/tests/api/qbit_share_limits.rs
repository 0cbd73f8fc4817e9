//! Share limits set through the qBittorrent-compatible API are enforced for
//! every client kind, as qBittorrent does: a complete torrent past its limit
//! is stopped (and stopped again if started while still past it), by
//! "share limits" in the activity log. rTorrent has no share limits of its
//! own; Transmission's are not set by us. A rule can set the same limits.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, client_and_app, register, wait_until};
use crate::harness::{Db, spawn};
use crate::qbit_client::{FacadeOverClient, facade_over_client};
use crate::qbit_torrents::{add_file, one};
use crate::rules::{cmp, history, seeding};

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

async fn share_limits_stop_torrents(daemon: ClientUnderTest) {
    let Some((client, app)) = client_and_app(daemon, |_| {}).await else {
        return;
    };
    let FacadeOverClient {
        app: _app,
        api,
        qbit,
        ..
    } = facade_over_client(&client, app, "box").await;
    let dir = qbit
        .routed_category("tv", &client.download_dir, "box")
        .await;
    let limited = TestTorrent::single_file(&dir, "limited.mkv", 60_000, Some(TRACKER)).unwrap();
    let free = TestTorrent::single_file(&dir, "free.mkv", 60_000, Some(TRACKER)).unwrap();
    for torrent in [&limited, &free] {
        assert_eq!(add_file(&qbit, torrent, &[("category", "tv")]).await, "Ok.");
    }
    let state = |hash: String| {
        let qbit = &qbit;
        async move {
            one(qbit, &hash)
                .await
                .map(|t| t["state"].as_str().unwrap_or("").to_string())
        }
    };
    for torrent in [&limited, &free] {
        let seeding = wait_until(Duration::from_secs(30), || async {
            let state = state(torrent.info_hash.clone()).await?;
            matches!(state.as_str(), "uploading" | "stalledUP").then_some(())
        })
        .await;
        assert!(seeding.is_some(), "{} never seeded", torrent.info_hash);
    }

    // A ratio limit of 0 is reached at once: the torrent is stopped.
    let limits = [
        ("hashes", limited.info_hash.as_str()),
        ("ratioLimit", "0"),
        ("seedingTimeLimit", "-2"),
    ];
    qbit.ok("/torrents/setShareLimits", &limits).await;
    let stopped = wait_until(Duration::from_secs(20), || async {
        (state(limited.info_hash.clone()).await? == "stoppedUP").then_some(())
    })
    .await;
    assert!(
        stopped.is_some(),
        "stopped at its limit: {:?}",
        one(&qbit, &limited.info_hash).await
    );
    let free_state = state(free.info_hash.clone()).await.unwrap();
    assert!(
        matches!(free_state.as_str(), "uploading" | "stalledUP"),
        "{free_state}"
    );

    // The activity log says who stopped it and why, and records the limits.
    let (_, activity) = api
        .get(&format!("/activity?info_hash={}", limited.info_hash))
        .await;
    let items = activity["items"].as_array().unwrap();
    let stop = items
        .iter()
        .find(|i| i["action"] == "stop")
        .unwrap_or_else(|| panic!("{activity}"));
    assert_eq!(
        (&stop["actor"]["kind"], &stop["actor"]["name"]),
        (&json!("system"), &json!("share limits")),
        "{stop}"
    );
    assert!(
        items.iter().any(|i| i["action"] == "share_limits"),
        "{activity}"
    );

    // With no limit any more, a start holds.
    let unlimited = [
        ("hashes", limited.info_hash.as_str()),
        ("ratioLimit", "-1"),
        ("seedingTimeLimit", "-1"),
    ];
    qbit.ok("/torrents/setShareLimits", &unlimited).await;
    qbit.ok("/torrents/start", &[("hashes", limited.info_hash.as_str())])
        .await;
    let started = wait_until(Duration::from_secs(20), || async {
        let state = state(limited.info_hash.clone()).await?;
        matches!(state.as_str(), "uploading" | "stalledUP").then_some(())
    })
    .await;
    assert!(started.is_some(), "started again");
    tokio::time::sleep(Duration::from_secs(7)).await;
    let state_now = state(limited.info_hash.clone()).await.unwrap();
    assert!(
        matches!(state_now.as_str(), "uploading" | "stalledUP"),
        "{state_now}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_limits_stop_torrents_on_transmission() {
    share_limits_stop_torrents(ClientUnderTest::Transmission).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_limits_stop_torrents_on_rtorrent() {
    share_limits_stop_torrents(ClientUnderTest::RtorrentScgi).await;
}

/// The rule action `set_share_limits` sets the same limits: the rule records
/// them, then the torrent is stopped at its limit like one set through the
/// qBittorrent API (here on Deluge, whose own limits are not used).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_sets_share_limits_that_stop_the_torrent() {
    let Some(client) = ClientUnderTest::DelugeRpc.start().await else {
        return;
    };
    let app = spawn!(Db::Sqlite, |_| {});
    let api = app.user("alice").await;
    let server_id = register(&api, "box", &client.config).await;
    let hashes = seeding(
        &api,
        &client,
        &server_id,
        &[("goal.bin", "goal"), ("other.bin", "")],
    )
    .await;
    let (goal, other) = (hashes[0].as_str(), hashes[1].as_str());

    let bad = json!({"name": "bad", "conditions": {"all": []},
        "actions": [{"type": "set_share_limits", "ratio": -1.0}]});
    let (status, body) = api.post("/rules", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let rule = json!({
        "name": "seeding goal", "interval_seconds": 1,
        "conditions": cmp("label", "contains", json!("goal")),
        "actions": [{"type": "set_share_limits", "ratio": 0.0, "seeding_time": 90}],
    });
    let (status, created) = api.post("/rules", rule).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_str().unwrap();
    let stopped = wait_until(Duration::from_secs(30), || async {
        let (_, t) = api.get(&format!("/torrents/{goal}")).await;
        (t["state"] == "paused").then_some(())
    })
    .await;
    assert!(stopped.is_some(), "stopped at the limit the rule set");
    let (_, t) = api.get(&format!("/torrents/{other}")).await;
    assert_eq!(t["state"], "seeding", "{t}");

    let recorded = history(&api, id).await;
    assert_eq!(recorded["total"], 1, "{recorded}");
    assert_eq!(
        recorded["entries"][0]["action"],
        "set_share_limits ratio 0, seeding 90 s, inactive none"
    );
    let (_, activity) = api.get(&format!("/activity?info_hash={goal}")).await;
    let items = activity["items"].as_array().unwrap();
    let set = items.iter().find(|i| i["action"] == "share_limits");
    let set = set.unwrap_or_else(|| panic!("{activity}"));
    assert_eq!(
        (
            &set["actor"]["kind"],
            &set["actor"]["name"],
            &set["message"]
        ),
        (
            &json!("rule"),
            &json!("seeding goal"),
            &json!("ratio 0, seeding 2 min, inactive none")
        ),
        "{set}"
    );
    let stop = items.iter().find(|i| i["action"] == "stop");
    let stop = stop.unwrap_or_else(|| panic!("{activity}"));
    assert_eq!(stop["actor"]["name"], "share limits", "{stop}");
}
