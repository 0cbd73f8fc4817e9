//! Credentials across instances on one PostgreSQL database: each instance
//! keeps the API keys it checked, and a revocation or an account change
//! through one instance reaches the others over `NOTIFY tm_credentials`.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::password_of;
use crate::instances::{alice_on, instances};

/// Polls `api`'s `GET /auth/me` until it answers `wanted`; how long it took.
async fn me_becomes(api: &crate::harness::Api, wanted: StatusCode) -> Duration {
    let start = Instant::now();
    loop {
        let (status, _) = api.get("/auth/me").await;
        if status == wanted {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "still {status} after 2 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_revoked_or_a_user_deleted_through_one_instance_is_refused_by_the_others() {
    let Some(apps) = instances(2, |_| {}).await else {
        return;
    };
    let apis = alice_on(&apps).await;
    let key = apis[0].create_key("script").await;
    let (_, listed) = apis[0].get("/auth/api-keys").await;
    let prefix = listed["api_keys"][0]["prefix"].as_str().unwrap().to_owned();
    let on_b = apps[1].key_client(&key);
    // Used on B, so B has checked and cached it.
    for _ in 0..3 {
        assert_eq!(on_b.get("/auth/me").await.0, StatusCode::OK);
    }
    let (status, _) = apis[0].delete(&format!("/auth/api-keys/{prefix}")).await;
    assert_eq!(status, StatusCode::OK);
    // Told over the database: well within the 5 s a missed notice may last.
    let took = me_becomes(&on_b, StatusCode::UNAUTHORIZED).await;
    assert!(took < Duration::from_millis(500), "refused after {took:?}");

    // A user deleted by the admin (alice, the first account) through B:
    // their key stops on A.
    let bob = apps[0].user("bob").await;
    let bobs_key = bob.create_key("bob's").await;
    let bob_on_a = apps[0].key_client(&bobs_key);
    assert_eq!(bob_on_a.get("/auth/me").await.0, StatusCode::OK);
    let (_, me) = bob.get("/auth/me").await;
    let bob_id = me["user_id"].as_str().unwrap().to_owned();
    let (status, body) = apis[1].delete(&format!("/admin/users/{bob_id}")).await;
    assert!(status.is_success(), "{status} {body}");
    let took = me_becomes(&bob_on_a, StatusCode::UNAUTHORIZED).await;
    assert!(took < Duration::from_millis(500), "refused after {took:?}");
}

/// Wrong passwords through any instance count against one limit: 5 from an
/// address, then 429 on every instance (the counts live in the database).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_failures_count_across_instances() {
    let Some(apps) = instances(3, |_| {}).await else {
        return;
    };
    apps[0].user("alice").await;
    let clients: Vec<_> = apps.iter().map(|app| app.client()).collect();
    let wrong = json!({"username": "alice", "password": "wrong-password"});
    for n in 0..5 {
        let (status, _) = clients[n % 3].post("/auth/login", wrong.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let right = json!({"username": "alice", "password": password_of("alice")});
    for client in &clients {
        let (status, _) = client.post("/auth/login", right.clone()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
}
