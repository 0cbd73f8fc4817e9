use crate::harness::TestEnv;

/// A loopback URL nothing listens on.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/hook")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_add_list_test_deliveries_remove() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    let empty = env.run(&["webhooks"]).await.ok();
    assert!(empty.stdout.contains("No webhooks"), "{empty:?}");

    let url = closed_url();
    let added = env
        .run(&[
            "webhooks",
            "add",
            &url,
            "--event",
            "torrent.completed",
            "--event",
            "server.down",
        ])
        .await
        .ok();
    // The secret alone on stdout.
    let secret = added.stdout.trim();
    assert_eq!(secret.len(), 64, "{added:?}");
    assert!(added.stderr.contains("shown only now"), "{added:?}");

    let list = env
        .run(&["webhooks", "list", "-o", "json"])
        .await
        .ok()
        .json();
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        list[0]["events"],
        serde_json::json!(["torrent.completed", "server.down"])
    );
    assert!(list[0].get("secret").is_none());
    let table = env.run(&["webhooks"]).await.ok();
    assert!(
        table.stdout.contains(&url) && table.stdout.contains("server.down"),
        "{table:?}"
    );
    assert!(!table.stdout.contains(secret));

    // By ID prefix; nothing listens, so the test delivery fails.
    let tested = env.run(&["webhooks", "test", &id[..8]]).await.ok();
    assert!(
        tested
            .stdout
            .contains("webhook.test: failed: could not connect"),
        "{tested:?}"
    );
    let deliveries = env.run(&["webhooks", "deliveries", &id]).await.ok();
    assert!(deliveries.stdout.contains("webhook.test"), "{deliveries:?}");
    let page = env
        .run(&["webhooks", "deliveries", &id, "--limit", "1", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(page["deliveries"][0]["attempt"], 1);

    let bad = env
        .run(&["webhooks", "add", &url, "--event", "torrent.exploded"])
        .await
        .failed_with(1);
    assert!(bad.stderr.contains("unknown event"), "{bad:?}");
    env.run(&["webhooks", "test", "nope"]).await.failed_with(2);

    let removed = env.run(&["webhooks", "remove", &id]).await.ok();
    assert!(
        removed.stdout.contains("Deleted the webhook"),
        "{removed:?}"
    );
    assert!(
        env.run(&["webhooks"])
            .await
            .ok()
            .stdout
            .contains("No webhooks")
    );
}
