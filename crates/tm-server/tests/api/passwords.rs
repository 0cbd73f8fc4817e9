//! Password changes end other sessions; only a password login changes
//! credentials; admin rules hold under concurrency (audit L-13, L-14, L-16).

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{on_both_databases, password_of, spawn};

on_both_databases! {
    async fn changing_your_password_ends_your_other_sessions(db: Db) {
        let app = spawn!(db);
        let here = app.user("alice").await;
        let elsewhere = app.client();
        elsewhere.login("alice", true).await;
        let key = here.create_key("script").await;

        let (status, body) = here.post("/auth/password", json!({"current_password": "not-it-at-all", "new_password": "new-password-1"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("current password"), "{body}");
        let (status, _) = here.post("/auth/password", json!({"current_password": password_of("alice"), "new_password": "short"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let with_key = app.key_client(&key);
        let (status, _) = with_key.post("/auth/password", json!({"current_password": password_of("alice"), "new_password": "new-password-1"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an API key cannot change the password");

        let (status, body) = here.post("/auth/password", json!({"current_password": password_of("alice"), "new_password": "new-password-1"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(here.get("/auth/me").await.0, StatusCode::OK, "this session stays");
        assert_eq!(elsewhere.get("/auth/me").await.0, StatusCode::UNAUTHORIZED, "the other session and its remember-me token end");
        assert_eq!(with_key.get("/auth/me").await.0, StatusCode::OK, "API keys stay");
        let (status, _) = app.client().post("/auth/login", json!({"username": "alice", "password": password_of("alice")})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.client().post("/auth/login", json!({"username": "alice", "password": "new-password-1"})).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn an_admin_reset_ends_the_users_sessions(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let carol = app.client();
        app.user("carol").await;
        carol.login("carol", true).await;
        let (_, me) = carol.get("/auth/me").await;
        let carol_id = me["user_id"].as_str().unwrap().to_string();
        let (status, body) = admin.put(&format!("/admin/users/{carol_id}"), json!({"password": "reset-password"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(carol.get("/auth/me").await.0, StatusCode::UNAUTHORIZED);
        // An admin resetting their own password keeps their session.
        let (_, me) = admin.get("/auth/me").await;
        let root_id = me["user_id"].as_str().unwrap().to_string();
        let (status, _) = admin.put(&format!("/admin/users/{root_id}"), json!({"password": "root-new-password"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(admin.get("/auth/me").await.0, StatusCode::OK);
    }

    async fn an_admin_api_key_cannot_change_credentials(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        app.user("bob").await;
        let key = admin.create_key("automation").await;
        let with_key = app.key_client(&key);
        let (status, users) = with_key.get("/admin/users").await;
        assert_eq!(status, StatusCode::OK, "reading is fine");
        let bob_id = users[1]["id"].as_str().unwrap().to_string();
        let root_id = users[0]["id"].as_str().unwrap().to_string();
        for (id, change) in [(&bob_id, json!({"password": "owned-password"})), (&bob_id, json!({"is_admin": true})),
                             (&root_id, json!({"password": "owned-password"}))] {
            let (status, body) = with_key.put(&format!("/admin/users/{id}"), change.clone()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{change}: {body}");
        }
        let (status, _) = with_key.post("/admin/users", json!({"username": "mallory", "password": "password-mallory", "is_admin": true})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no new admins from a key");
        let (status, body) = with_key.post("/admin/users", json!({"username": "dave", "password": "password-dave"})).await;
        assert_eq!(status, StatusCode::OK, "ordinary accounts are fine: {body}");
        app.client().login("bob", false).await;
    }

    async fn concurrent_demotions_leave_one_admin(db: Db) {
        let app = spawn!(db);
        let root = app.user("root").await;
        let (_, me) = root.get("/auth/me").await;
        let root_id = me["user_id"].as_str().unwrap().to_string();
        let (_, second) = root.post("/admin/users", json!({"username": "second", "password": password_of("second"), "is_admin": true})).await;
        let second_id = second["user_id"].as_str().unwrap().to_string();
        let other = app.client();
        other.login("second", false).await;
        let (root_path, second_path) = (format!("/admin/users/{root_id}"), format!("/admin/users/{second_id}"));
        for round in 0..5 {
            let (a, b) = tokio::join!(
                root.put(&second_path, json!({"is_admin": false})),
                other.put(&root_path, json!({"is_admin": false})),
            );
            // The loser gets 409 (both passed the admin check) or 403 (it
            // came second); never may both succeed.
            assert_eq!([a.0, b.0].iter().filter(|s| **s == StatusCode::OK).count(), 1, "round {round}: {a:?} {b:?}");
            // Whoever is still admin promotes the other again.
            let (winner, loser_id) = if a.0 == StatusCode::OK { (&root, &second_id) } else { (&other, &root_id) };
            let (status, _) = winner.put(&format!("/admin/users/{loser_id}"), json!({"is_admin": true})).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (a, b) = tokio::join!(
            root.delete(&second_path),
            other.delete(&root_path),
        );
        assert_eq!([a.0, b.0].iter().filter(|s| **s == StatusCode::OK).count(), 1, "{a:?} {b:?}");
        let survivor = if a.0 == StatusCode::OK { &root } else { &other };
        assert_eq!(survivor.get("/admin/users").await.0, StatusCode::OK, "an admin remains");
    }

    async fn concurrent_first_registrations_make_one_admin(db: Db) {
        // Enough hashing threads that the inserts land together.
        let app = spawn!(db, |c: &mut tm_server::Config| c.max_concurrent_hashing = 16);
        let names: Vec<String> = (0..16).map(|n| format!("first{n}")).collect();
        let api = app.client();
        let attempts = names.iter().map(|name| api.post("/auth/register", json!({"username": name, "password": password_of(name)})));
        for (status, body) in futures::future::join_all(attempts).await {
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let mut admins = 0;
        for name in &names {
            let user = app.client();
            user.login(name, false).await;
            admins += usize::from(user.get("/auth/me").await.1["is_admin"] == true);
        }
        assert_eq!(admins, 1);
    }

    async fn closed_registration_admits_only_one_first_account(db: Db) {
        let app = spawn!(db, |c: &mut tm_server::Config| {
            c.registration_mode = Some(tm_server::config::RegistrationMode::Closed);
            c.max_concurrent_hashing = 16;
        });
        let api = app.client();
        let attempts = (0..6).map(|n| api.post("/auth/register", json!({"username": format!("first{n}"), "password": "password-123"})));
        let statuses: Vec<StatusCode> = futures::future::join_all(attempts).await.into_iter().map(|(s, _)| s).collect();
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::FORBIDDEN).count(), 5, "{statuses:?}");
    }
}
