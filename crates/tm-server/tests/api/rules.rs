//! `/rules`: automation rules checked when saved, previewed without changes,
//! run in the background and on demand against real clients, with their
//! record (at most once per torrent and action, the removal cap).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::{RunningClient, TestTorrent};

use crate::daemons::{ClientUnderTest, client_and_app, register, seed, wait_until};
use crate::harness::{Api, on_both_databases, spawn};

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

pub(crate) fn cmp(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "op": op, "value": value})
}

fn labelled(label: &str) -> Value {
    cmp("label", "contains", json!(label))
}

/// Seeding torrents (their data already in the client's download directory),
/// each with `labels`; answers their info hashes once all seed.
pub(crate) async fn seeding(
    api: &Api,
    client: &RunningClient,
    server_id: &str,
    names: &[(&str, &str)],
) -> Vec<String> {
    let mut hashes = Vec::new();
    for (name, labels) in names {
        let torrent =
            TestTorrent::single_file(&client.download_dir, name, 40_000, Some(TRACKER)).unwrap();
        seed(api, server_id, &torrent, labels).await;
        hashes.push(torrent.info_hash);
    }
    hashes
}

/// Each torrent's state and labels, by hash.
async fn states(api: &Api) -> Vec<(String, Value, Value)> {
    let (status, list) = api.get("/torrents").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut states: Vec<(String, Value, Value)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["info_hash"].as_str().unwrap().to_string(),
                t["state"].clone(),
                t["labels"].clone(),
            )
        })
        .collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    states
}

async fn state_of(api: &Api, hash: &str) -> Value {
    api.get(&format!("/torrents/{hash}")).await.1["state"].clone()
}

pub(crate) async fn history(api: &Api, rule_id: &str) -> Value {
    let (status, history) = api.get(&format!("/rules/{rule_id}/history")).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    history
}

on_both_databases! {
    async fn rules_are_stored_checked_and_private(db: Db) {
        let app = spawn!(db, |config| config.allow_private_targets = true);
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let bobs_server = bob.create_server("bobs").await;
        let rule = json!({
            "name": "  seeded enough ",
            "server_ids": [],
            "conditions": {"all": [labelled("done"), {"any": [cmp("ratio", "ge", json!(2)), cmp("seeding_time", "ge", json!(604800))]}]},
            "actions": [{"type": "add_label", "label": " finished "}, {"type": "stop"}],
            "interval_seconds": 60,
        });
        let (status, created) = alice.post("/rules", rule.clone()).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        assert_eq!(created["name"], "seeded enough");
        assert_eq!(created["enabled"], true);
        assert_eq!(created["max_removals_per_run"], Value::Null);
        assert_eq!(created["actions"], json!([{"type": "add_label", "label": "finished"}, {"type": "stop"}]));
        assert_eq!(created["conditions"], rule["conditions"]);
        let (status, got) = alice.get(&format!("/rules/{id}")).await;
        assert_eq!((status, &got), (StatusCode::OK, &created));
        assert_eq!(alice.get("/rules").await.1, json!({"rules": [created]}));

        let mut replaced = rule.clone();
        replaced["enabled"] = json!(false);
        replaced["max_removals_per_run"] = json!(3);
        let (status, updated) = alice.put(&format!("/rules/{id}"), replaced).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!((updated["enabled"].clone(), updated["max_removals_per_run"].clone()), (json!(false), json!(3)));
        assert_eq!(updated["created_at"], created["created_at"]);

        // Mistakes are 422s that say what is wrong.
        let bad = |conditions: Value| {
            let mut body = rule.clone();
            body["conditions"] = conditions;
            body
        };
        for (body, expected) in [
            (bad(cmp("colour", "eq", json!("red"))), "unknown condition field 'colour'"),
            (bad(cmp("ratio", "contains", json!("2"))), "operator 'contains' does not apply to 'ratio'"),
            (bad(cmp("name", "matches", json!("(unclosed"))), "bad regex"),
            (bad(cmp("state", "eq", json!("asleep"))), "not one of"),
            (bad(json!({"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": labelled("x")}}}}}}}})), "nested deeper than 8"),
            (json!({"name": "x", "conditions": labelled("x"), "actions": []}), "actions must list 1 to 16"),
            (bad(json!({"all": [labelled("x")], "not": labelled("y")})), "exactly one of all, any or not"),
            (bad(json!({"field": "ratio", "op": "ge", "valeu": 2})), "unknown field `valeu`"),
            (json!({"name": "x", "conditions": labelled("x"), "actions": [{"type": "explode"}]}), "Invalid request body"),
            (json!({"name": "x", "conditions": labelled("x"), "actions": [{"type": "stop"}], "interval_seconds": 0}), "interval_seconds"),
            (json!({"name": " ", "conditions": labelled("x"), "actions": [{"type": "stop"}]}), "name must be"),
        ] {
            let (status, body) = alice.post("/rules", body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{expected}: {body}");
            assert!(body["detail"].as_str().unwrap().contains(expected), "{expected}: {body}");
        }
        // Only your own servers.
        let mut foreign = rule.clone();
        foreign["server_ids"] = json!([bobs_server["id"]]);
        let (status, body) = alice.post("/rules", foreign).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("server_not_found")), "{body}");

        // Another user sees nothing of the rule.
        assert_eq!(bob.get("/rules").await.1, json!({"rules": []}));
        for path in [format!("/rules/{id}"), format!("/rules/{id}/history")] {
            assert_eq!(bob.get(&path).await.0, StatusCode::NOT_FOUND, "{path}");
        }
        for path in [format!("/rules/{id}/preview"), format!("/rules/{id}/run")] {
            assert_eq!(bob.post(&path, json!({})).await.0, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(bob.delete(&format!("/rules/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(history(&alice, &id).await, json!({"entries": [], "total": 0}));

        // The recipes are ready to post.
        let (status, recipes) = alice.get("/rules/recipes").await;
        assert_eq!(status, StatusCode::OK, "{recipes}");
        for recipe in recipes["recipes"].as_array().unwrap() {
            let (status, body) = alice.post("/rules", recipe["rule"].clone()).await;
            assert_eq!(status, StatusCode::OK, "{recipe}: {body}");
        }

        let (status, body) = alice.delete(&format!("/rules/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(alice.get(&format!("/rules/{id}")).await.0, StatusCode::NOT_FOUND);
    }

    async fn the_removal_cap_holds_and_data_goes_through_the_hardened_path(db: Db) {
        let app = spawn!(db);
        let Some(client) = ClientUnderTest::Transmission.start().await else {
            eprintln!("skipped: transmission-daemon is not installed");
            return;
        };
        let alice = app.user("alice").await;
        let server_id = register(&alice, "box", &client.config).await;
        let hashes = seeding(&alice, &client, &server_id, &[("old1.bin", "old"), ("old2.bin", "old"), ("old3.bin", "old"), ("keep.bin", "keep")]).await;
        let (status, rule) = alice.post("/rules", json!({
            "name": "clean up", "enabled": false, "server_ids": [server_id],
            "conditions": labelled("old"), "actions": [{"type": "remove_with_data"}],
            "max_removals_per_run": 0,
        })).await;
        assert_eq!(status, StatusCode::OK, "{rule}");
        let id = rule["id"].as_str().unwrap();

        // With a cap of 0 nothing is removed; a repeated hold-back is recorded once.
        for _ in 0..2 {
            let (status, run) = alice.post(&format!("/rules/{id}/run"), json!({})).await;
            assert_eq!(status, StatusCode::OK, "{run}");
            assert_eq!(run["actions"].as_array().unwrap().len(), 3, "{run}");
            assert!(run["actions"].as_array().unwrap().iter().all(|a| a["outcome"] == "cap_reached"), "{run}");
        }
        assert_eq!(states(&alice).await.len(), 4);
        assert_eq!(history(&alice, id).await["total"], 3);

        let mut capped = rule.clone();
        capped["max_removals_per_run"] = json!(2);
        for key in ["id", "created_at", "updated_at"] {
            capped.as_object_mut().unwrap().remove(key);
        }
        let (status, body) = alice.put(&format!("/rules/{id}"), capped).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, run) = alice.post(&format!("/rules/{id}/run"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!(run["matched"], 3, "{run}");
        let outcomes: Vec<&str> = run["actions"].as_array().unwrap().iter().map(|a| a["outcome"].as_str().unwrap()).collect();
        assert_eq!(outcomes, ["done", "done", "cap_reached"], "{run}");
        let held = &run["actions"][2];
        assert!(held["message"].as_str().unwrap().contains("cap of 2"), "{held}");
        let remaining = states(&alice).await;
        assert_eq!(remaining.len(), 2, "{remaining:?}");
        let held_hash = held["info_hash"].as_str().unwrap();
        assert!(remaining.iter().any(|(h, _, _)| h == held_hash));
        // The removed torrents' data is gone; the others' stays.
        for (name, hash) in ["old1.bin", "old2.bin", "old3.bin", "keep.bin"].iter().zip(&hashes) {
            let path = client.download_dir.join(name);
            let kept = remaining.iter().any(|(h, _, _)| h == hash);
            let settled = wait_until(Duration::from_secs(10), || async { (path.exists() == kept).then_some(()) }).await;
            assert!(settled.is_some(), "{name}: kept {kept}, exists {}", path.exists());
        }
        let recorded = history(&alice, id).await;
        assert_eq!(recorded["total"], 6, "{recorded}");
        assert_eq!(recorded["entries"][0]["outcome"], "cap_reached", "{recorded}");
        assert_eq!(recorded["entries"][0]["action"], "remove_with_data", "{recorded}");

        // The next run removes the one held back.
        let (_, run) = alice.post(&format!("/rules/{id}/run"), json!({})).await;
        assert_eq!(run["actions"].as_array().unwrap().len(), 1, "{run}");
        assert_eq!(run["actions"][0]["outcome"], "done", "{run}");
        let remaining = states(&alice).await;
        assert_eq!(remaining.len(), 1, "{remaining:?}");
        assert_eq!(remaining[0].0, hashes[3]);
        let (status, paged) = alice.get(&format!("/rules/{id}/history?limit=2&offset=2")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((paged["total"].clone(), paged["entries"].as_array().unwrap().len()), (json!(7), 2), "{paged}");
    }

    async fn a_rule_never_touches_another_users_servers(db: Db) {
        let app = spawn!(db, |config| config.allow_private_targets = true);
        let Some(client) = ClientUnderTest::Transmission.start().await else {
            eprintln!("skipped: transmission-daemon is not installed");
            return;
        };
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let bobs = register(&bob, "bobs", &client.config).await;
        let hashes = seeding(&bob, &client, &bobs, &[("bobs.bin", "victim")]).await;
        let (status, rule) = alice.post("/rules", json!({
            "name": "everything", "enabled": true, "interval_seconds": 1,
            "conditions": {"all": []}, "actions": [{"type": "stop"}, {"type": "remove_with_data"}],
        })).await;
        assert_eq!(status, StatusCode::OK, "{rule}");
        let id = rule["id"].as_str().unwrap();
        let (_, preview) = alice.post(&format!("/rules/{id}/preview"), json!({})).await;
        assert_eq!(preview, json!({"matches": [], "total": 0}));
        let (_, run) = alice.post(&format!("/rules/{id}/run"), json!({})).await;
        assert_eq!(run, json!({"matched": 0, "actions": []}));
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(state_of(&bob, &hashes[0]).await, "seeding");
        assert_eq!(history(&alice, id).await["total"], 0);
    }
}

tm_testkit::for_every_client! {
    async fn a_rule_stops_a_labelled_seeding_torrent_once(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let (_, server) = api.get(&format!("/servers/{server_id}")).await;
        if server["capabilities"]["labels"] == "none" {
            return; // rqbit: no labels to match on.
        }
        let hashes = seeding(&api, &client, &server_id, &[("labelled.bin", "stopme"), ("other.bin", "keep")]).await;
        let (target, other) = (&hashes[0], &hashes[1]);
        let rule = json!({
            "name": "stop labelled", "enabled": false, "interval_seconds": 1,
            "conditions": {"all": [labelled("stopme"), cmp("state", "eq", json!("seeding")), cmp("client", "eq", json!(daemon.kind()))]},
            "actions": [{"type": "stop"}],
        });
        let (status, created) = api.post("/rules", rule.clone()).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let id = created["id"].as_str().unwrap().to_string();

        // The preview names exactly the labelled torrent and changes nothing.
        let before = states(&api).await;
        let (status, preview) = api.post(&format!("/rules/{id}/preview"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview, json!({"matches": [{"server_id": server_id, "info_hash": target, "name": "labelled.bin", "actions": ["stop"]}], "total": 1}));
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(states(&api).await, before);
        assert_eq!(history(&api, &id).await["total"], 0);

        // Enabled with a 1 s interval, it stops the torrent in the background.
        let mut enabled = rule.clone();
        enabled["enabled"] = json!(true);
        assert_eq!(api.put(&format!("/rules/{id}"), enabled).await.0, StatusCode::OK);
        let stopped = wait_until(Duration::from_secs(10), || async {
            (state_of(&api, target).await == "paused").then_some(())
        })
        .await;
        assert!(stopped.is_some(), "the rule stopped {target}: {:?}", states(&api).await);
        assert_eq!(state_of(&api, other).await, "seeding");
        let recorded = history(&api, &id).await;
        assert_eq!(recorded["total"], 1, "{recorded}");
        let entry = &recorded["entries"][0];
        assert_eq!((&entry["info_hash"], &entry["action"], &entry["outcome"]), (&json!(target), &json!("stop"), &json!("done")), "{entry}");
        // The activity log names the rule as the one who stopped it.
        let (status, activity) = api.get(&format!("/activity?rule_id={id}")).await;
        assert_eq!(status, StatusCode::OK, "{activity}");
        let by_rule = activity["items"].as_array().unwrap();
        assert_eq!(by_rule.len(), 1, "{activity}");
        assert_eq!((&by_rule[0]["action"], &by_rule[0]["info_hash"]), (&json!("stop"), &json!(target)));
        assert_eq!((&by_rule[0]["actor"]["kind"], &by_rule[0]["actor"]["name"]), (&json!("rule"), &json!("stop labelled")));
        assert_eq!(by_rule[0]["success"], true);

        // At most once: started by hand, it stays started.
        let (status, body) = api.post(&format!("/torrents/{target}/start?server_id={server_id}"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        wait_until(Duration::from_secs(30), || async {
            (state_of(&api, target).await == "seeding").then_some(())
        })
        .await
        .expect("started again");
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(state_of(&api, target).await, "seeding");
        assert_eq!(history(&api, &id).await["total"], 1);
        let (_, preview) = api.post(&format!("/rules/{id}/preview"), json!({})).await;
        assert_eq!(preview["matches"][0]["actions"], json!([]), "{preview}");
    }
}
