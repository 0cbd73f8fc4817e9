//! Automation across instances on one PostgreSQL database: every instance
//! runs the rule engine, and each server's torrents are acted on once, by
//! the instance that polls the server.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tm_testkit::TestTorrent;

use crate::daemons::{upload, wait_until};
use crate::instances::{SharedServer, shared_server};
use crate::rules::{cmp, history};

const TORRENTS: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_fires_exactly_once_with_three_instances() {
    let Some(SharedServer {
        apis,
        server_id,
        apps: _apps,
        client: _client,
    }) = shared_server(3, |_| {}).await
    else {
        return;
    };
    // Enough torrents that one run takes a while: runs of several engines
    // would overlap and act twice on what neither had recorded yet.
    let scratch = tempfile::tempdir().unwrap();
    let mut hashes = Vec::new();
    let query = format!("?server_id={server_id}&start=false");
    for n in 0..TORRENTS {
        let name = format!("tagged-{n}.bin");
        let torrent = TestTorrent::single_file(scratch.path(), &name, 20_000, None).unwrap();
        let (status, body) = upload(&apis[0], &query, &name, torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        hashes.push(torrent.info_hash);
    }

    // Every second, on each of the three instances.
    let rule = json!({
        "name": "tag everything", "enabled": true, "interval_seconds": 1,
        "server_ids": [], "conditions": cmp("ratio", "ge", json!(0)),
        "actions": [{"type": "add_label", "label": "seen"}],
    });
    let (status, created) = apis[2].post("/rules", rule).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let rule_id = created["id"].as_str().unwrap().to_owned();
    wait_until(Duration::from_secs(20), || async {
        let (_, list) = apis[1].get("/torrents").await;
        let labelled = list
            .as_array()?
            .iter()
            .filter(|t| {
                t["labels"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|l| l == "seen"))
            })
            .count();
        (labelled == TORRENTS).then_some(())
    })
    .await
    .expect("the rule labels every torrent");
    // Several more ticks of every engine: still one action per torrent.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let actions = history(&apis[0], &rule_id).await;
    assert_eq!(actions["total"], TORRENTS, "{actions}");
    for hash in &hashes {
        let done: Vec<_> = actions["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["info_hash"] == hash.as_str())
            .collect();
        assert_eq!(done.len(), 1, "{hash}: {actions}");
        assert_eq!(done[0]["outcome"], "done", "{actions}");
    }
}
