use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{on_both_databases, spawn};

on_both_databases! {
    async fn admins_manage_users(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let bob = app.user("bob").await;
        let (status, body) = bob.get("/admin/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["detail"], "Admin privileges required");
        assert_eq!(app.client().get("/admin/users").await.0, StatusCode::UNAUTHORIZED);

        let (status, created) = admin.post("/admin/users", json!({"username": "carol", "password": "password-carol", "is_admin": true})).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        assert_eq!(created["message"], "User created");
        assert_eq!(created["is_admin"], true);
        let carol_id = created["user_id"].as_str().unwrap().to_string();
        let (status, _) = admin.post("/admin/users", json!({"username": "carol", "password": "password-carol"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = admin.post("/admin/users", json!({"username": "c", "password": "password-carol"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, users) = admin.get("/admin/users").await;
        assert_eq!(status, StatusCode::OK);
        let names: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
        assert_eq!(names, ["root", "bob", "carol"]);
        assert!(!users.to_string().contains("argon2"), "no password hashes: {users}");

        let (status, updated) = admin.put(&format!("/admin/users/{carol_id}"), json!({"password": "new-password-carol", "is_admin": false})).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["is_admin"], false);
        let (status, _) = app.client().post("/auth/login", json!({"username": "carol", "password": "new-password-carol"})).await;
        assert_eq!(status, StatusCode::OK, "the new password works");
        let (status, _) = admin.put(&format!("/admin/users/{carol_id}"), json!({"password": "short"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(admin.put("/admin/users/unknown", json!({"is_admin": true})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(admin.delete("/admin/users/unknown").await.0, StatusCode::NOT_FOUND);
    }

    async fn the_last_admin_stays(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let (_, me) = admin.get("/auth/me").await;
        let root_id = me["user_id"].as_str().unwrap().to_string();
        let (status, body) = admin.delete(&format!("/admin/users/{root_id}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, body) = admin.put(&format!("/admin/users/{root_id}"), json!({"is_admin": false})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");

        // With a second admin, that one can delete the first; then it is the last one.
        let (_, second) = admin.post("/admin/users", json!({"username": "second", "password": "password-second", "is_admin": true})).await;
        let second_id = second["user_id"].as_str().unwrap().to_string();
        let other = app.client();
        other.login("second", false).await;
        // The first admin's key, used (and so checked) before the demotion.
        let root_key = app.key_client(&admin.create_key("root's").await);
        assert_eq!(root_key.get("/admin/users").await.0, StatusCode::OK);
        let (status, _) = admin.put(&format!("/admin/users/{root_id}"), json!({"is_admin": false})).await;
        assert_eq!(status, StatusCode::OK, "demoting is fine while another admin remains");
        assert_eq!(root_key.get("/admin/users").await.0, StatusCode::FORBIDDEN, "the key is no admin's any more");
        let (status, _) = other.put(&format!("/admin/users/{second_id}"), json!({"is_admin": false})).await;
        assert_eq!(status, StatusCode::CONFLICT, "but not the last one");
    }

    async fn deleting_a_user_removes_everything_they_had(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let victim = app.user("victim").await;
        let (_, me) = victim.get("/auth/me").await;
        let victim_id = me["user_id"].as_str().unwrap().to_string();
        let key = victim.create_key("k").await;
        assert_eq!(app.key_client(&key).get("/auth/me").await.0, StatusCode::OK, "the key works (and is checked)");
        admin.put(&format!("/admin/users/{victim_id}/targets"), serde_json::json!({"allow_private_targets": true})).await;
        victim.create_server("s1").await;
        victim.create_server("s2").await;
        assert_eq!(app.count_rows("servers", &victim_id).await, 2);

        let (status, body) = admin.delete(&format!("/admin/users/{victim_id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["message"], "User deleted");
        assert_eq!(victim.get("/auth/me").await.0, StatusCode::UNAUTHORIZED, "their session is gone");
        assert_eq!(app.key_client(&key).get("/auth/me").await.0, StatusCode::UNAUTHORIZED, "their key is gone");
        for table in ["servers", "api_keys", "sessions", "remember_tokens"] {
            assert_eq!(app.count_rows(table, &victim_id).await, 0, "{table}");
        }
    }
}
