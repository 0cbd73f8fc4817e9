//! The recipes that act on a running torrent again and again or label it
//! from its own fields: "reannounce until a tracker answers" (the one action
//! that repeats) and "label by tracker" (a label template), on a real
//! rTorrent.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::daemons::{ClientUnderTest, register, wait_until};
use crate::harness::{Api, Db, spawn};
use crate::rules::{cmp, history, seeding};

async fn recipe(api: &Api, id: &str) -> Value {
    let (status, recipes) = api.get("/rules/recipes").await;
    assert_eq!(status, StatusCode::OK, "{recipes}");
    let found = recipes["recipes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id);
    found.unwrap_or_else(|| panic!("no recipe {id}: {recipes}"))["rule"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_by_tracker_and_repeated_reannounces() {
    let app = spawn!(Db::Sqlite, |config| config.allow_private_targets = true);
    // rTorrent reports an unreachable tracker (Transmission lists only a
    // tracker's answers, not a failure to reach it).
    let Some(client) = ClientUnderTest::RtorrentScgi.start().await else {
        return;
    };
    let api = app.user("alice").await;
    let server_id = register(&api, "box", &client.config).await;
    let hashes = seeding(&api, &client, &server_id, &[("a.bin", "again")]).await;
    let hash = hashes[0].as_str();

    // Templates other than {tracker} and {server}, and reannounces more often
    // than every 10 s, are refused.
    for action in [
        json!({"type": "add_label", "label": "{nope}"}),
        json!({"type": "reannounce", "every_seconds": 5}),
    ] {
        let rule = json!({"name": "bad", "conditions": {"all": []}, "actions": [action]});
        let (status, body) = api.post("/rules", rule).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }

    // The recipe posts as it is and labels the torrent with its tracker's host.
    let mut by_tracker = recipe(&api, "label_by_tracker").await;
    by_tracker["interval_seconds"] = json!(1);
    let (status, rule) = api.post("/rules", by_tracker).await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    let labelled = wait_until(Duration::from_secs(15), || async {
        let (_, t) = api.get(&format!("/torrents/{hash}")).await;
        let labels = t["labels"].as_array().cloned().unwrap_or_default();
        labels.contains(&json!("127.0.0.1")).then_some(labels)
    })
    .await;
    assert!(
        labelled.is_some(),
        "never labelled by tracker: {:?}",
        api.get(&format!("/torrents/{hash}")).await
    );
    let by_tracker_id = rule["id"].as_str().unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        history(&api, by_tracker_id).await["total"],
        1,
        "a label is added once"
    );

    // The reannounce recipe matches it: new, and its tracker (port 1) never
    // answers.
    let mut until_answered = recipe(&api, "reannounce_until_tracker_answers").await;
    until_answered["enabled"] = json!(false);
    let (status, body) = api.post("/rules", until_answered).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let preview = format!("/rules/{}/preview", body["id"].as_str().unwrap());
    let matched = wait_until(Duration::from_secs(30), || async {
        let (_, preview) = api.post(&preview, json!({})).await;
        (preview["total"] == 1).then_some(preview)
    })
    .await;
    let torrent = api.get(&format!("/torrents/{hash}")).await.1;
    let matched = matched.unwrap_or_else(|| {
        panic!("the recipe matches a torrent whose tracker never answered: {torrent}")
    });
    assert_eq!(matched["matches"][0]["info_hash"], hash);
    assert_eq!(matched["matches"][0]["actions"], json!(["reannounce"]));

    // A repeating reannounce is done again once its interval passed, and only
    // then: two runs in the first 10 s do it once.
    let rule = json!({
        "name": "again", "interval_seconds": 1,
        "conditions": cmp("label", "contains", json!("again")),
        "actions": [{"type": "reannounce", "every_seconds": 10}],
    });
    let (status, rule) = api.post("/rules", rule).await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    assert_eq!(
        rule["actions"],
        json!([{"type": "reannounce", "every_seconds": 10}])
    );
    let id = rule["id"].as_str().unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(history(&api, id).await["total"], 1);
    let twice = wait_until(Duration::from_secs(20), || async {
        (history(&api, id).await["total"] == 2).then_some(())
    })
    .await;
    assert!(
        twice.is_some(),
        "reannounced again: {}",
        history(&api, id).await
    );
    let entries = history(&api, id).await["entries"].clone();
    for entry in entries.as_array().unwrap() {
        assert_eq!(
            (&entry["action"], &entry["outcome"]),
            (&json!("reannounce"), &json!("done")),
            "{entry}"
        );
    }
}
