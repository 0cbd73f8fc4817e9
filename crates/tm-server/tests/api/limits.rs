//! Per-user limits (audit H-6, L-15): what one account can make this
//! process hold or compute is bounded.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{on_both_databases, spawn};

on_both_databases! {
    async fn ordinary_users_register_a_bounded_number_of_servers(db: Db) {
        let app = spawn!(db, |config| {
            config.max_servers_per_user = 2;
            config.allow_private_targets = true;
        });
        let admin = app.user("root").await;
        let bob = app.user("bob").await;
        bob.create_server("one").await;
        bob.create_server("two").await;
        let (status, body) = bob.post("/servers", json!({"name": "three", "server_type": "rtorrent",
            "host": "127.0.0.1", "port": 9})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["code"], "quota_exceeded");
        for name in ["a", "b", "c"] {
            admin.create_server(name).await;
        }
    }

    async fn live_streams_per_user_are_bounded(db: Db) {
        let app = spawn!(db, |config| config.max_streams_per_user = 2);
        let bob = app.user("bob").await;
        let alice = app.user("alice").await;
        let open = |api: &crate::harness::Api| api.request(reqwest::Method::GET, "/events").send();
        let first = open(&bob).await.unwrap();
        let second = open(&bob).await.unwrap();
        assert_eq!((first.status(), second.status()), (StatusCode::OK, StatusCode::OK));
        let third = open(&bob).await.unwrap();
        assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
        let body: serde_json::Value = third.json().await.unwrap();
        assert_eq!(body["code"], "quota_exceeded");
        assert_eq!(open(&alice).await.unwrap().status(), StatusCode::OK, "others are not affected");
        drop(first);
        // The slot comes back once the server notices the closed stream.
        let mut reopened = StatusCode::TOO_MANY_REQUESTS;
        for _ in 0..100 {
            reopened = open(&bob).await.unwrap().status();
            if reopened == StatusCode::OK {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(reopened, StatusCode::OK);
    }

    async fn paging_arithmetic_cannot_overflow(db: Db) {
        let app = spawn!(db);
        let bob = app.user("bob").await;
        for query in ["limit=18446744073709551615&offset=1", "offset=18446744073709551615&limit=5",
                      "limit=18446744073709551615&offset=18446744073709551615"] {
            let (status, body) = bob.get(&format!("/torrents?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            assert_eq!(body, json!([]));
        }
    }

    async fn labels_are_bounded_in_number_and_checked_in_linear_time(db: Db) {
        let app = spawn!(db);
        let bob = app.user("bob").await;
        let magnet = format!("magnet:?xt=urn:btih:{}", "ab".repeat(20));
        let many: Vec<String> = (0..65).map(|i| format!("l{i}")).collect();
        let (status, body) = bob.post("/torrents", json!({"uri": magnet, "labels": many})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("at most 64 labels"), "{body}");
        // 150,000 distinct labels fill most of the 1 MiB body limit: refused at once.
        let flood: Vec<String> = (0..150_000).map(|i| format!("{i}")).collect();
        let started = std::time::Instant::now();
        let (status, _) = bob.post("/torrents", json!({"uri": magnet, "labels": flood})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let (status, body) = bob.post("/torrents", json!({"uri": magnet, "labels": ["a\nb"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
}
