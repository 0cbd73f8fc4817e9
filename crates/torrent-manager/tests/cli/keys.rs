use crate::harness::TestEnv;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_create_list_use_revoke() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;

    let created = env
        .run(&["keys", "create", "ci", "--expires-days", "7"])
        .await
        .ok();
    let key = created.stdout.trim().to_string();
    assert!(
        key.starts_with("tm_"),
        "the key alone on stdout: {created:?}"
    );
    assert!(created.stderr.contains("ci"), "{created:?}");

    let listed = env.run(&["keys", "list"]).await.ok();
    assert!(listed.stdout.contains("PREFIX"), "{listed:?}");
    assert!(listed.stdout.contains("ci"), "{listed:?}");
    let keys = env.run(&["keys", "list", "-o", "json"]).await.ok().json();
    let prefix = keys[0]["prefix"].as_str().unwrap().to_string();
    assert_eq!(keys[0]["name"], "ci");
    assert!(key[3..].starts_with(&prefix), "{key} {prefix}");

    let me = env
        .run(&["whoami", "--api-key", &key, "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(me["auth_method"], "api_key");

    let revoked = env.run(&["keys", "revoke", &prefix]).await.ok();
    assert!(revoked.stdout.contains("ci"), "{revoked:?}");
    let keys = env.run(&["keys", "ls", "-o", "json"]).await.ok().json();
    assert_eq!(keys, serde_json::json!([]));
    env.run(&["whoami", "--api-key", &key]).await.failed_with(1);
    let again = env.run(&["keys", "revoke", &prefix]).await.failed_with(1);
    assert!(again.stderr.starts_with("error: "), "{again:?}");
    // Prefixes are URL-safe base64 and may start with '-': still a prefix, not a flag.
    let dashed = env
        .run(&["keys", "revoke", "-3abcdef"])
        .await
        .failed_with(1);
    assert!(dashed.stderr.contains("API key not found"), "{dashed:?}");
}
