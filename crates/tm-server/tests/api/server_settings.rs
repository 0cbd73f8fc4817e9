//! `POST /servers/test` and `POST /servers/{id}/test` with changes: settings
//! are tried against a real client before they are saved, and never saved by
//! the test.

use reqwest::StatusCode;
use serde_json::json;

use crate::daemons::ClientUnderTest;
use crate::harness::{on_both_databases, spawn};
use tm_testkit::server_body;

on_both_databases! {
    async fn settings_are_tried_against_a_real_transmission_without_saving(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let Some(transmission) = ClientUnderTest::Transmission.start().await else {
            eprintln!("skipped: transmission-daemon is not installed");
            return;
        };
        let good = server_body("box", &transmission.config);
        let (status, body) = admin.post("/servers/test", good.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "connected", "{body}");
        assert!(body["message"].as_str().unwrap().contains("Transmission"), "{body}");

        let mut wrong = good.clone();
        wrong["password"] = json!("not-the-password");
        let (status, body) = admin.post("/servers/test", wrong).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "failed", "{body}");
        assert!(body["message"].as_str().unwrap().contains("authentication failed"), "{body}");

        let (_, servers) = admin.get("/servers").await;
        assert_eq!(servers, json!([]), "testing saves nothing");
    }

    async fn a_closed_port_fails_with_the_reason(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let (status, body) = admin.post("/servers/test", json!({"name": "gone", "server_type": "transmission",
            "host": "127.0.0.1", "port": port, "rpc_path": "/transmission/rpc"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "failed");
        assert!(body["message"].as_str().unwrap().contains("connection refused"), "{body}");
    }

    async fn invalid_or_forbidden_settings_are_refused_as_on_create(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let (status, body) = admin.post("/servers/test", json!({"name": "x", "server_type": "transmission",
            "host": "127.0.0.1", "port": 0})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = admin.post("/servers/test", json!({"name": "x", "server_type": "transmission",
            "host": "127.0.0.1", "port": 9091, "transport": "scgi"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = admin.post("/servers/test", json!({"name": "x"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // An ordinary user may not make the service contact loopback.
        let bob = app.user("bob").await;
        let (status, body) = bob.post("/servers/test", json!({"name": "x", "server_type": "transmission",
            "host": "127.0.0.1", "port": 9091})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["code"], "forbidden_target", "{body}");
        assert_eq!(app.client().post("/servers/test", json!({})).await.0, StatusCode::UNAUTHORIZED);
    }

    async fn edits_are_tried_over_the_stored_settings_without_saving(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let Some(transmission) = ClientUnderTest::Transmission.start().await else {
            eprintln!("skipped: transmission-daemon is not installed");
            return;
        };
        let (status, server) = admin.post("/servers", server_body("box", &transmission.config)).await;
        assert_eq!(status, StatusCode::OK, "{server}");
        let id = server["id"].as_str().unwrap();
        let test_path = format!("/servers/{id}/test");

        let (status, body) = admin.post(&test_path, json!({"password": "not-the-password"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "failed", "{body}");
        assert!(body["message"].as_str().unwrap().contains("authentication failed"), "{body}");

        // No password in the changes: the stored one is used.
        let (status, body) = admin.post(&test_path, json!({"name": "renamed"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "connected", "{body}");
        assert!(body["message"].as_str().unwrap().contains("renamed"), "the changes are tried: {body}");

        // Without a body, the stored settings, as before.
        let (status, body) = admin.send(admin.request(reqwest::Method::POST, &test_path)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "connected", "{body}");

        // Checked as an update is.
        let (status, body) = admin.post(&test_path, json!({"port": 0})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = admin.post(&test_path, json!({"name": null})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let bob = app.user("bob").await;
        let (status, _) = bob.post(&test_path, json!({"name": "mine"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (_, stored) = admin.get(&format!("/servers/{id}")).await;
        assert_eq!(stored["name"], "box", "nothing is saved: {stored}");
        assert_eq!(stored["updated_at"], server["updated_at"], "{stored}");
        let (status, body) = admin.post(&test_path, json!({})).await;
        assert_eq!((status, &body["status"]), (StatusCode::OK, &json!("connected")), "the stored password is intact: {body}");
    }
}
