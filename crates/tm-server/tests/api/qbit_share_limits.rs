//! Share limits set through the qBittorrent-compatible API are enforced for
//! every client kind, as qBittorrent does: a complete torrent past its limit
//! is stopped (and stopped again if started while still past it), by
//! "share limits" in the activity log. rTorrent has no share limits of its
//! own; Transmission's are not set by us.

use std::time::Duration;

use serde_json::json;
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, wait_until};
use crate::qbit_client::{FacadeOverClient, facade_over_client};
use crate::qbit_torrents::{add_file, one};

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

async fn share_limits_stop_torrents(daemon: ClientUnderTest) {
    let Some(client) = daemon.start().await else {
        return;
    };
    let FacadeOverClient {
        app: _app,
        api,
        qbit,
        ..
    } = facade_over_client(&client, "box").await;
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
