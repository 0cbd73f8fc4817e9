//! Changes made through one instance that every instance must show at
//! once: a kept .torrent (`has_metainfo`), a server renamed or removed.

use std::time::Duration;

use crate::daemons::wait_until;
use crate::instances::{SharedServer, listed_where, paused_torrent, shared_server};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torrent_file_kept_through_one_instance_is_flagged_on_every_instance() {
    let Some(SharedServer {
        apis,
        server_id,
        apps: _apps,
        client: _client,
    }) = shared_server(2, |_| {}).await
    else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    // One upload through each instance: one of them owns the server, so
    // both the owner and the mirror learn of a file the other kept.
    for (through, name) in [(0, "first.bin"), (1, "second.bin")] {
        let hash = paused_torrent(&apis[through], &server_id, scratch.path(), name).await;
        for api in &apis {
            listed_where(api, &hash, Duration::from_secs(5), |t| {
                t["has_metainfo"] == true
            })
            .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_renamed_or_removed_through_one_instance_is_so_on_every_instance_at_once() {
    let Some(SharedServer {
        apis,
        server_id,
        apps: _apps,
        client: _client,
    }) = shared_server(2, |_| {}).await
    else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let hash = paused_torrent(&apis[0], &server_id, scratch.path(), "renamed.bin").await;
    listed_where(&apis[1], &hash, Duration::from_secs(5), |_| true).await;

    // Without the word, the other instance would reload its servers only
    // every 30 s.
    let path = format!("/servers/{server_id}");
    let (status, body) = apis[0].put(&path, json!({"name": "renamed"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    listed_where(&apis[1], &hash, Duration::from_secs(2), |t| {
        t["server_name"] == "renamed"
    })
    .await;

    let (status, body) = apis[0].delete(&path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    wait_until(Duration::from_secs(2), || async {
        let (_, list) = apis[1].get("/torrents").await;
        (!list.as_array()?.iter().any(|t| t["info_hash"] == hash)).then_some(())
    })
    .await
    .expect("gone from the other instance's list");
    let (status, _) = apis[1]
        .post(&format!("/torrents/{hash}/stop"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "refused on the other instance"
    );
}
