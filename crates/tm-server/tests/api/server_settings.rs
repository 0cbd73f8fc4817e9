//! `POST /servers/test`: settings are tried against a real client before
//! they are saved, and never saved by the test.

use reqwest::StatusCode;
use serde_json::json;

use crate::daemons::{Daemon, server_body};
use crate::harness::{on_both_databases, spawn};

on_both_databases! {
    async fn settings_are_tried_against_a_real_transmission_without_saving(db: Db) {
        let app = spawn!(db);
        let admin = app.user("root").await;
        let Some(transmission) = Daemon::Transmission.start().await else {
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
}
