//! First-run status and the session list: what a user sees of their own
//! logins, and ending them one by one or all but the current one.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, on_both_databases, spawn};

/// Logs `username` in from a new client that names itself `user_agent`.
async fn login_as(
    app: &crate::harness::TestApp,
    username: &str,
    user_agent: &str,
    remember_me: bool,
) -> Api {
    let mut api = app.client();
    api.http = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .build()
        .unwrap();
    api.login(username, remember_me).await;
    api
}

async fn sessions_of(api: &Api) -> Vec<Value> {
    let (status, body) = api.get("/auth/sessions").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["sessions"]
        .as_array()
        .expect("a sessions array")
        .clone()
}

fn current_id(sessions: &[Value]) -> String {
    let current: Vec<&Value> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(
        current.len(),
        1,
        "exactly one current session: {sessions:?}"
    );
    current[0]["id"].as_str().unwrap().to_string()
}

on_both_databases! {
    async fn auth_status_tells_a_first_visitor_what_to_do(db: Db) {
        let app = spawn!(db);
        let visitor = app.client();
        let (status, body) = visitor.get("/auth/status").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({"has_users": false, "registration_open": true}));

        let admin = app.user("root").await;
        let (_, body) = visitor.get("/auth/status").await;
        assert_eq!(body, json!({"has_users": true, "registration_open": true}));

        let (status, _) = admin.put("/admin/settings", json!({"registration_mode": "closed"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = visitor.get("/auth/status").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"has_users": true, "registration_open": false}));
    }

    async fn a_closed_instance_without_accounts_still_lets_the_first_one_register(db: Db) {
        let app = spawn!(db, |config| config.registration_mode = Some(tm_server::config::RegistrationMode::Closed));
        let (_, body) = app.client().get("/auth/status").await;
        assert_eq!(body, json!({"has_users": false, "registration_open": true}));
    }

    async fn sessions_are_listed_with_the_current_one_marked(db: Db) {
        let app = spawn!(db);
        app.user("alice").await;
        let laptop = login_as(&app, "alice", "Laptop Firefox/128", false).await;
        let phone = login_as(&app, "alice", "Phone\tSafari/17", false).await;
        let sessions = sessions_of(&laptop).await;
        assert_eq!(sessions.len(), 3, "the registration client's login, laptop and phone: {sessions:?}");
        let laptop_id = current_id(&sessions);
        let phone_id = current_id(&sessions_of(&phone).await);
        assert_ne!(laptop_id, phone_id);
        let laptop_row = sessions.iter().find(|s| s["id"] == laptop_id.as_str()).unwrap();
        assert_eq!(laptop_row["user_agent"], "Laptop Firefox/128");
        for field in ["created_at", "last_seen_at", "expires_at"] {
            assert!(laptop_row[field].is_string(), "{field}: {laptop_row}");
        }
        let phone_row = sessions.iter().find(|s| s["id"] == phone_id.as_str()).unwrap();
        assert_eq!(phone_row["user_agent"], "PhoneSafari/17", "control characters are dropped");
        // The id is neither the cookie nor anything else that logs in.
        let forged = app.client();
        let (status, _) = forged.send(forged.request(reqwest::Method::GET, "/auth/me").header("cookie", format!("session={laptop_id}"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // Someone else's sessions are not listed.
        let bob = app.user("bob").await;
        let bobs = sessions_of(&bob).await;
        assert_eq!(bobs.len(), 1, "{bobs:?}");
    }

    async fn ending_a_session_logs_that_browser_out(db: Db) {
        let app = spawn!(db);
        let here = app.user("alice").await;
        let elsewhere = login_as(&app, "alice", "elsewhere", true).await;
        let elsewhere_id = current_id(&sessions_of(&elsewhere).await);

        let (status, body) = here.delete(&format!("/auth/sessions/{elsewhere_id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(elsewhere.get("/auth/me").await.0, StatusCode::UNAUTHORIZED, "its cookie and its remember-me token fail");
        assert_eq!(here.get("/auth/me").await.0, StatusCode::OK);
        let (status, body) = here.delete(&format!("/auth/sessions/{elsewhere_id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(sessions_of(&here).await.len(), 1);
    }

    async fn ending_the_other_sessions_keeps_the_current_one(db: Db) {
        let app = spawn!(db);
        let here = app.user("alice").await;
        let others = [
            login_as(&app, "alice", "one", true).await,
            login_as(&app, "alice", "two", false).await,
        ];
        let key = here.create_key("script").await;
        let bob = app.user("bob").await;

        // An expired session that was not purged yet is not counted.
        let expired = login_as(&app, "alice", "expired", false).await;
        let expired_id = current_id(&sessions_of(&expired).await);
        app.execute_sql(&format!("UPDATE sessions SET expires_at = 1 WHERE id = '{expired_id}'")).await;

        let (status, body) = here.delete("/auth/sessions").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["ended"], 2, "{body}");
        assert!(body["message"].is_string());
        for other in &others {
            assert_eq!(other.get("/auth/me").await.0, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(here.get("/auth/me").await.0, StatusCode::OK, "the current session stays");
        assert_eq!(app.key_client(&key).get("/auth/me").await.0, StatusCode::OK, "API keys stay");
        assert_eq!(bob.get("/auth/me").await.0, StatusCode::OK, "other users are untouched");
        let remaining = sessions_of(&here).await;
        assert_eq!(remaining.len(), 1);
        assert_eq!(remaining[0]["current"], true);
        let (_, body) = here.delete("/auth/sessions").await;
        assert_eq!(body["ended"], 0);
    }

    async fn a_user_cannot_end_another_users_session(db: Db) {
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let bobs_id = current_id(&sessions_of(&bob).await);
        let (status, body) = alice.delete(&format!("/auth/sessions/{bobs_id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(bob.get("/auth/me").await.0, StatusCode::OK);
        let (_, body) = alice.delete("/auth/sessions").await;
        assert_eq!(body["ended"], 0);
        assert_eq!(bob.get("/auth/me").await.0, StatusCode::OK);
    }

    async fn an_api_key_lists_sessions_but_cannot_end_them(db: Db) {
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let alice_id = current_id(&sessions_of(&alice).await);
        let with_key = app.key_client(&alice.create_key("script").await);
        let sessions = sessions_of(&with_key).await;
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0]["current"], false, "a key is no session");
        let (status, _) = with_key.delete(&format!("/auth/sessions/{alice_id}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = with_key.delete("/auth/sessions").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(alice.get("/auth/me").await.0, StatusCode::OK);
        assert_eq!(app.client().get("/auth/sessions").await.0, StatusCode::UNAUTHORIZED);
    }

    async fn sessions_opened_before_the_upgrade_get_an_id_when_listed(db: Db) {
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let old = login_as(&app, "alice", "old browser", false).await;
        let old_id = current_id(&sessions_of(&old).await);
        // As the migration leaves sessions opened before it.
        app.execute_sql(&format!("UPDATE sessions SET id = NULL, user_agent = NULL WHERE id = '{old_id}'")).await;
        let sessions = sessions_of(&alice).await;
        assert_eq!(sessions.len(), 2, "{sessions:?}");
        let renamed = sessions.iter().find(|s| s["current"] == false).unwrap();
        let new_id = renamed["id"].as_str().unwrap();
        assert!(!new_id.is_empty());
        assert_eq!(renamed["user_agent"], Value::Null);
        let (status, _) = alice.delete(&format!("/auth/sessions/{new_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(old.get("/auth/me").await.0, StatusCode::UNAUTHORIZED);
    }
}
