use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{on_both_databases, spawn};

on_both_databases! {
    async fn users_never_see_each_others_resources(db: Db) {
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let alice_server = alice.create_server("alice-box").await;
        let server_id = alice_server["id"].as_str().unwrap();
        let alice_key = alice.create_key("alice-key").await;
        let bob_key = bob.create_key("bob-key").await;

        for as_bob in [bob.clone(), app.key_client(&bob_key)] {
            let attempts = [
                (Method::GET, format!("/servers/{server_id}")),
                (Method::PUT, format!("/servers/{server_id}")),
                (Method::DELETE, format!("/servers/{server_id}")),
                (Method::POST, format!("/servers/{server_id}/test")),
            ];
            for (method, path) in attempts {
                let (status, body) = as_bob.send(as_bob.request(method.clone(), &path).json(&json!({"name": "mine now"}))).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
                assert_eq!(body["detail"], "Server not found", "same answer as a server that does not exist");
            }
            let (_, list) = as_bob.get("/servers").await;
            assert_eq!(list, json!([]));
        }
        let (status, _) = bob.delete(&format!("/auth/api-keys/{}", &alice_key[3..11])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, bobs_keys) = bob.get("/auth/api-keys").await;
        assert_eq!(bobs_keys["api_keys"].as_array().unwrap().len(), 1);

        // Alice's things are untouched.
        let (status, still) = alice.get(&format!("/servers/{server_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(still["name"], "alice-box");
        assert_eq!(app.key_client(&alice_key).get("/auth/me").await.0, StatusCode::OK);
    }
}
