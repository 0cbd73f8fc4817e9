use crate::harness::TestEnv;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_add_list_show_update_test_rm() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;

    let added = env
        .run(&[
            "servers",
            "add",
            "box",
            "--type",
            "transmission",
            "--host",
            "127.0.0.1",
            "--port",
            "1",
            "--username",
            "admin",
            "--password",
            "secret",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(added["name"], "box");
    assert_eq!(added["has_password"], true);
    assert!(added.get("password").is_none(), "never echoed: {added}");
    let id = added["id"].as_str().unwrap().to_string();

    let listed = env.run(&["servers", "list"]).await.ok();
    let header = listed.stdout.lines().next().unwrap_or_default();
    assert!(
        header.contains("NAME") && header.contains("STATUS"),
        "{listed:?}"
    );
    assert!(listed.stdout.contains("box"));
    assert!(listed.stdout.contains("127.0.0.1:1"));

    // By name or by ID.
    let shown = env.run(&["servers", "show", "box"]).await.ok();
    assert!(shown.stdout.contains(&id), "{shown:?}");
    assert!(shown.stdout.contains("admin"));

    let updated = env
        .run(&[
            "servers",
            "update",
            &id,
            "--name",
            "renamed",
            "--clear",
            "username,password",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(updated["name"], "renamed");
    assert_eq!(updated["username"], serde_json::Value::Null);
    assert_eq!(updated["has_password"], false);
    assert_eq!(updated["port"], 1);
    env.run(&[
        "servers",
        "update",
        &id,
        "--username",
        "x",
        "--clear",
        "username",
    ])
    .await
    .failed_with(2);

    // Nothing listens on port 1: the test reports it and fails.
    let tested = env
        .run(&["servers", "test", "renamed"])
        .await
        .failed_with(1);
    assert!(tested.stdout.starts_with("Failed"), "{tested:?}");

    env.run(&["servers", "rm", "renamed"]).await.ok();
    let listed = env.run(&["servers", "ls", "-o", "json"]).await.ok().json();
    assert_eq!(listed, serde_json::json!([]));
    let missing = env.run(&["servers", "show", &id]).await.failed_with(1);
    assert!(missing.stderr.contains("no server"), "{missing:?}");
}
