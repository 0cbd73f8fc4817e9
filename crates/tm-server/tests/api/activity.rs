//! The activity log (`GET /activity`): who changed which torrent, server or
//! account (web UI, API key, qBittorrent client), the outcome, who may see
//! it, filters, paging and retention; against a real Transmission.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::harness::{Api, on_both_databases, spawn};

async fn items(api: &Api, query: &str) -> (Vec<Value>, u64) {
    let (status, page) = api.get(&format!("/activity{query}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let total = page["total"].as_u64().unwrap();
    (page["items"].as_array().unwrap().clone(), total)
}

/// The newest entry with this action, if any.
fn newest<'a>(items: &'a [Value], action: &str) -> Option<&'a Value> {
    items.iter().find(|e| e["action"] == action)
}

on_both_databases! {
    async fn changes_are_logged_with_who_made_them(db: Db) {
        let Some(daemon) = ClientUnderTest::Transmission.start().await else { return };
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let server_id = register(&alice, "box", &daemon.config).await;
        let scratch = tempfile::tempdir().unwrap();
        let torrent = TestTorrent::single_file(scratch.path(), "logged.bin", 40_000, None).unwrap();
        let hash = torrent.info_hash.as_str();
        let (status, body) = upload(&alice, &format!("?server_id={server_id}&start=false"), "logged.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // A start from the web UI (a session).
        let (status, body) = alice.post(&format!("/torrents/{hash}/start?server_id={server_id}"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A stop with an API key.
        let key = alice.create_key("nightly-script").await;
        let script = app.key_client(&key);
        let (status, body) = script.post(&format!("/torrents/{hash}/stop?server_id={server_id}"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A start through the qBittorrent API, named by its User-Agent.
        let response = reqwest::Client::new()
            .post(format!("{}/api/v2/torrents/start", app.base))
            .bearer_auth(&key)
            .header("User-Agent", "Sonarr/4.0.9 (linux)")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("hashes={hash}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        // Failures: an unknown torrent, and a disabled server.
        let unknown = "0123456789abcdef0123456789abcdef01234567";
        let (status, _) = alice.post(&format!("/torrents/{unknown}/stop"), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A failed add by URL: the log keeps no passkey.
        let url = "http://127.0.0.1:1/get.torrent?passkey=secret-passkey";
        let (status, _) = alice.post("/torrents", json!({"uri": url, "server_id": server_id})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let (entries, total) = items(&alice, "").await;
        assert_eq!(total as usize, entries.len());
        let fetch = entries.iter().find(|e| e["action"] == "add" && e["success"] == false).expect("failed add");
        assert_eq!(fetch["message"], "Could not fetch http://127.0.0.1:1/get.torrent?…: could not connect");
        assert!(!entries.iter().any(|e| e.to_string().contains("secret-passkey")));
        let added = entries.iter().find(|e| e["action"] == "add" && e["success"] == true).expect("the upload");
        assert_eq!(added["actor"]["kind"], "web");
        assert_eq!(added["torrent_name"], "logged.bin");
        assert_eq!(added["server_name"], "box");
        let web_start = entries.iter().find(|e| e["action"] == "start" && e["actor"]["kind"] == "web").expect("web start");
        assert_eq!(web_start["actor"]["name"], "alice");
        assert_eq!(web_start["success"], true);
        assert_eq!(web_start["info_hash"], hash);
        assert_eq!(web_start["server_id"], server_id.as_str());
        assert_eq!(web_start["scope"], "torrent");
        let stop = entries.iter().find(|e| e["action"] == "stop" && e["success"] == true).expect("key stop");
        assert_eq!(stop["actor"]["kind"], "api_key");
        assert_eq!(stop["actor"]["name"], "nightly-script");
        assert_eq!(stop["message"], "Torrent stopped");
        let facade = entries.iter().find(|e| e["actor"]["kind"] == "facade").expect("facade start");
        assert_eq!(facade["action"], "start");
        assert_eq!(facade["actor"]["name"], "Sonarr/4.0.9 (linux)");
        assert_eq!(facade["actor"]["detail"], "alice");
        let failed = entries.iter().find(|e| e["info_hash"] == unknown).expect("failed stop");
        assert_eq!(failed["success"], false);
        assert_eq!(failed["message"], "Torrent not found");
        let created = newest(&entries, "server_create").expect("server added");
        assert_eq!(created["scope"], "server");
        assert_eq!(created["server_name"], "box");
        let key_made = newest(&entries, "api_key_create").expect("key created");
        assert!(key_made["message"].as_str().unwrap().contains("nightly-script"), "{key_made}");

        // A disabled server: the start fails, and says why.
        let (status, _) = alice.put(&format!("/servers/{server_id}"), json!({"enabled": false, "name": "box"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = alice.post(&format!("/torrents/{hash}/start?server_id={server_id}"), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (entries, _) = items(&alice, &format!("?server_id={server_id}&limit=2")).await;
        assert_eq!(entries[0]["action"], "start");
        assert_eq!(entries[0]["success"], false);
        assert!(entries[0]["message"].as_str().unwrap().contains("disabled"), "{}", entries[0]);
        assert_eq!(entries[1]["action"], "server_update");
        let changed = entries[1]["message"].as_str().unwrap();
        assert_eq!(changed, "changed: enabled, name");

        // Removal (bulk), then the filters.
        alice.put(&format!("/servers/{server_id}"), json!({"enabled": true})).await;
        wait_until(Duration::from_secs(20), || async {
            let (_, list) = alice.get(&format!("/torrents?server_id={server_id}")).await;
            list.as_array().is_some_and(|l| l.iter().any(|t| t["info_hash"] == hash)).then_some(())
        }).await.expect("listed again");
        let (status, body) = alice.post("/torrents/actions", json!({"action": "remove", "torrents": [{"server_id": server_id, "info_hash": hash}]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (entries, total) = items(&alice, &format!("?info_hash={hash}")).await;
        assert_eq!(entries[0]["action"], "remove");
        assert_eq!(entries[0]["success"], true);
        assert_eq!(entries[0]["torrent_name"], "logged.bin", "named from before the removal");
        assert!(entries.iter().all(|e| e["info_hash"] == hash));
        assert_eq!(total, 6, "add, start, stop, start, failed start, remove: {entries:?}");
        let (by_key, _) = items(&alice, "?actor=NIGHTLY-script").await;
        assert_eq!(by_key.len(), 1);
        let (by_kind, _) = items(&alice, "?actor_kind=facade").await;
        assert_eq!(by_kind.len(), 1);
        let (failures, _) = items(&alice, "?search=disabled").await;
        assert_eq!(failures.len(), 1);
        let (accounts, _) = items(&alice, "?scope=account").await;
        assert!(accounts.iter().all(|e| e["scope"] == "account"));
        let (_, all) = items(&alice, "").await;
        let (page, total) = items(&alice, "?limit=3&offset=3").await;
        assert_eq!((page.len(), total), (3, all));
        let (future, _) = items(&alice, "?since=2999-01-01T00:00:00Z").await;
        assert!(future.is_empty());
        let (past, _) = items(&alice, "?until=2000-01-01T00:00:00Z").await;
        assert!(past.is_empty());
        let (status, _) = alice.get("/activity?limit=0").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Nobody else sees any of it.
        let bob = app.user("bob").await;
        let (theirs, total) = items(&bob, "").await;
        let alice_id = alice.get("/auth/me").await.1["user_id"].clone();
        assert!(theirs.iter().all(|e| e["owner_id"] != alice_id), "{theirs:?}");
        assert_eq!(total, 2, "only bob's own registration and sign-in: {theirs:?}");
        assert_eq!((&theirs[0]["action"], &theirs[0]["actor"]["name"]), (&json!("login"), &json!("bob")));
        let (none, _) = items(&bob, &format!("?server_id={server_id}")).await;
        assert!(none.is_empty());
    }

    async fn admins_see_the_audit_log(db: Db) {
        let app = spawn!(db, |config| config.allow_private_targets = true);
        let admin = app.user("root").await;
        let carol = app.user("carol").await;
        let key = carol.create_key("carol-cli").await;
        let (status, _) = carol.delete(&format!("/auth/api-keys/{}", &key[3..11])).await;
        assert_eq!(status, StatusCode::OK);
        let (status, made) = admin.post("/admin/users", json!({"username": "dave", "password": "password-dave"})).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let (status, _) = admin.put("/admin/settings", json!({"registration_mode": "closed"})).await;
        assert_eq!(status, StatusCode::OK);
        let server = carol.create_server("carol-box").await;
        let path = format!("/servers/{}", server["id"].as_str().unwrap());
        let (status, _) = carol.put(&path, json!({"password": "hunter2-secret"})).await;
        assert_eq!(status, StatusCode::OK);

        let (audit, _) = items(&admin, "").await;
        let actions: Vec<&str> = audit.iter().map(|e| e["action"].as_str().unwrap()).collect();
        for action in ["api_key_create", "api_key_revoke", "user_create", "registration", "user_register", "server_create"] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
        let revoked = newest(&audit, "api_key_revoke").unwrap();
        assert_eq!(revoked["actor"]["name"], "carol");
        assert!(revoked["message"].as_str().unwrap().contains("carol-cli"));
        let created = newest(&audit, "user_create").unwrap();
        assert_eq!(created["actor"]["name"], "root");
        assert!(created["message"].as_str().unwrap().contains("dave"));
        // Carol sees her own entries only, not the instance's.
        let (hers, _) = items(&carol, "").await;
        assert!(hers.iter().all(|e| e["action"] != "user_create" && e["action"] != "registration"), "{hers:?}");
        assert!(newest(&hers, "api_key_revoke").is_some());
        assert!(audit.iter().all(|e| e["scope"] != "torrent"));
        // A server change names the fields sent, never their values.
        let updated = newest(&audit, "server_update").unwrap();
        assert_eq!(updated["message"], "changed: password");
        assert!(!audit.iter().any(|e| e.to_string().contains("hunter2")));
    }

    async fn old_entries_are_pruned(db: Db) {
        let app = spawn!(db, |config| {
            config.activity_retention_days = 7;
            config.activity_prune_interval = Duration::from_millis(200);
        });
        let alice = app.user("alice").await;
        alice.create_key("kept").await;
        // A bulk action records every torrent, in batches.
        let refs: Vec<Value> = (0..130)
            .map(|n| json!({"server_id": "no-such-server", "info_hash": format!("{n:040x}")}))
            .collect();
        let (status, body) = alice.post("/torrents/actions", json!({"action": "stop", "torrents": refs})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (stops, total) = items(&alice, "?limit=1000&scope=torrent").await;
        assert_eq!(total, 130);
        assert!(stops.iter().all(|e| e["action"] == "stop" && e["success"] == false && e["message"] == "Server not found"), "{:?}", stops[0]);
        let (_, me) = alice.get("/auth/me").await;
        let user_id = me["user_id"].as_str().unwrap();
        app.execute_sql(&format!(
            "INSERT INTO activity (id, at, owner_id, scope, action, actor_kind, actor_name, outcome, message) \
             VALUES ('old-entry', 1000, '{user_id}', 'account', 'api_key_create', 'web', 'alice', 'ok', 'long ago')"
        )).await;
        let pruned = wait_until(Duration::from_secs(10), || async {
            let (entries, _) = items(&alice, "?scope=account").await;
            entries.iter().all(|e| e["id"] != "old-entry").then_some(entries)
        }).await.expect("the old entry is pruned");
        assert!(newest(&pruned, "api_key_create").is_some(), "recent entries stay");
    }
}
