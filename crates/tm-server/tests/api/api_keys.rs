use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{on_both_databases, spawn};

on_both_databases! {
    async fn keys_are_created_listed_used_and_revoked(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let (status, created) = api.post("/auth/api-keys", json!({"name": "My Automation Script", "expires_days": 90})).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        assert_eq!(created["message"], "API key created successfully");
        assert_eq!(created["name"], "My Automation Script");
        assert!(created["warning"].as_str().unwrap().contains("will not be shown again"));
        let key = created["api_key"].as_str().unwrap().to_string();
        assert!(key.starts_with("tm_"));
        assert!(key.len() >= 3 + 43, "at least 32 random bytes: {key}");
        assert!(key[3..].chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "URL-safe: {key}");
        let prefix = created["prefix"].as_str().unwrap().to_string();
        assert_eq!(prefix, &key[3..11]);
        let expires: time::OffsetDateTime = time::OffsetDateTime::parse(created["expires_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
        let days = (expires - time::OffsetDateTime::now_utc()).whole_days();
        assert!((89..=90).contains(&days), "{days}");

        let (status, list) = api.get("/auth/api-keys").await;
        assert_eq!(status, StatusCode::OK);
        let keys = list["api_keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0]["prefix"], prefix.as_str());
        assert_eq!(keys[0]["name"], "My Automation Script");
        assert!(keys[0]["last_used_at"].is_null());
        let fields: Vec<&String> = keys[0].as_object().unwrap().keys().collect();
        assert_eq!(fields, ["created_at", "expires_at", "last_used_at", "name", "prefix"]);
        assert!(!list.to_string().contains(&key[3..]), "key values never appear in the list");

        let with_key = app.key_client(&key);
        let (status, me) = with_key.get("/auth/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["auth_method"], "api_key");
        assert_eq!(me["username"], "alice");
        let (_, list) = api.get("/auth/api-keys").await;
        assert!(list["api_keys"][0]["last_used_at"].is_string(), "use is recorded: {list}");

        let (status, revoked) = api.delete(&format!("/auth/api-keys/{prefix}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(revoked["message"], "API key revoked successfully");
        assert_eq!(revoked["name"], "My Automation Script");
        let (status, _) = with_key.get("/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked key fails at once");
        let (status, _) = api.delete(&format!("/auth/api-keys/{prefix}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = api.get("/auth/api-keys").await;
        assert_eq!(list["api_keys"].as_array().unwrap().len(), 0);
    }

    async fn key_use_times_survive_a_restart(db: Db) {
        let mut app = spawn!(db);
        let api = app.user("alice").await;
        let key = api.create_key("cron").await;
        assert_eq!(app.key_client(&key).get("/servers").await.0, StatusCode::OK);
        app.restart().await;
        let api = api.rebased(&app.base);
        let (_, list) = api.get("/auth/api-keys").await;
        assert!(list["api_keys"][0]["last_used_at"].is_string(), "flushed at shutdown: {list}");
    }

    async fn keys_cannot_manage_keys(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let key = api.create_key("leaky").await;
        let with_key = app.key_client(&key);
        let (status, body) = with_key.post("/auth/api-keys", json!({"name": "more"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(with_key.get("/auth/api-keys").await.0, StatusCode::FORBIDDEN);
        assert_eq!(with_key.delete(&format!("/auth/api-keys/{}", &key[3..11])).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.client().post("/auth/api-keys", json!({"name": "x"})).await.0, StatusCode::UNAUTHORIZED);
    }

    async fn bad_keys_and_bad_key_requests(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        for body in [json!({"name": ""}), json!({"name": "x", "expires_days": 0}), json!({"name": "x", "expires_days": -3}),
                     json!({"name": "x", "expires_days": 4000}), json!({"name": "x", "expires_days": "ten"}), json!({})] {
            let (status, answer) = api.post("/auth/api-keys", body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {answer}");
        }
        let (status, body) = app.key_client("tm_not-a-real-key").get("/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, _) = api.delete("/auth/api-keys/zzzzzzzz").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn an_expired_key_is_refused(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        // Expired in the database before its first use: a key already
        // checked is trusted for up to a minute against edits by hand (its
        // own expiry is checked on every use; see the key cache's tests).
        let key = api.create_key("short-lived").await;
        app.execute_sql("UPDATE api_keys SET expires_at = 1000").await;
        let (status, body) = app.key_client(&key).get("/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (_, list) = api.get("/auth/api-keys").await;
        assert_eq!(list["api_keys"].as_array().unwrap().len(), 0, "expired keys are not listed");
    }

    async fn an_ambiguous_prefix_revokes_nothing(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        // 65 keys over a 64-symbol alphabet: two must share their first character.
        let mut prefixes = Vec::new();
        for n in 0..65 {
            let key = api.create_key(&format!("k{n}")).await;
            prefixes.push(key[3..11].to_string());
        }
        let shared = prefixes.iter().map(|p| &p[..1]).find(|first| prefixes.iter().filter(|p| p.starts_with(*first)).count() > 1).unwrap().to_string();
        let (status, body) = api.delete(&format!("/auth/api-keys/{shared}")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (_, list) = api.get("/auth/api-keys").await;
        assert_eq!(list["api_keys"].as_array().unwrap().len(), 65);
        // The full prefix (with or without tm_) picks exactly one.
        let (status, _) = api.delete(&format!("/auth/api-keys/tm_{}", prefixes[0])).await;
        assert_eq!(status, StatusCode::OK);
    }
}
