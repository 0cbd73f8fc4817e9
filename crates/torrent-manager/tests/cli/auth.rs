use crate::harness::TestEnv;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_whoami_logout() {
    let env = TestEnv::start().await;
    let registered = env
        .run_with_input(
            &["register", "alice", "--password-stdin"],
            "password-alice\n",
        )
        .await
        .ok();
    assert!(registered.stdout.contains("alice"), "{registered:?}");

    let login = env
        .run_with_input(&["login", "alice", "--password-stdin"], "password-alice\n")
        .await
        .ok();
    assert!(login.stdout.contains("Logged in"), "{login:?}");
    assert!(!login.stdout.contains("password-alice"));

    // The session is saved privately, with the server it belongs to.
    let file = env.config_dir().join("session.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(
        saved["url"].as_str().unwrap().starts_with(&env.url),
        "{saved}"
    );
    assert!(
        saved["cookies"].as_str().unwrap().contains("session="),
        "{saved}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner may read the session");
    }

    let whoami = env.run(&["whoami"]).await.ok();
    assert!(whoami.stdout.starts_with("alice (admin)"), "{whoami:?}");
    let json = env.run(&["whoami", "--output", "json"]).await.ok().json();
    assert_eq!(json["username"], "alice");
    assert_eq!(json["auth_method"], "session");

    // --url wins over the server of the saved session (and gets no cookies).
    let elsewhere = env
        .run(&["whoami", "--url", "http://127.0.0.1:1"])
        .await
        .failed_with(1);
    assert!(
        elsewhere
            .stderr
            .contains("not logged in to http://127.0.0.1:1"),
        "{elsewhere:?}"
    );

    env.run(&["logout"]).await.ok();
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["cookies"], serde_json::Value::Null, "forgotten");
    assert!(saved["url"].as_str().unwrap().starts_with(&env.url), "kept");
    // Without --url or TORRENT_MANAGER_URL: the kept URL is used.
    let mut whoami = env.command(&["whoami"]);
    whoami.env_remove("TORRENT_MANAGER_URL");
    let after = env.run_command(whoami, "").await.failed_with(1);
    assert!(
        after.stderr.contains("not logged in to http://127.0.0.1:"),
        "{after:?}"
    );
    assert!(
        after.stderr.contains("run `torrent-manager login"),
        "{after:?}"
    );
    assert!(!after.stderr.contains("could not connect"), "{after:?}");
    let again = env.run(&["logout"]).await.ok();
    assert_eq!(again.stdout.trim(), "Not logged in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_prints_the_servers_detail() {
    let env = TestEnv::start().await;
    env.login_as("bob").await;
    let refused = env
        .run_with_input(&["login", "bob", "--password-stdin"], "not-the-password\n")
        .await
        .failed_with(1);
    assert!(refused.stderr.starts_with("error: "), "{refused:?}");
    assert!(
        refused.stderr.to_lowercase().contains("invalid"),
        "the server's detail: {refused:?}"
    );
    assert!(refused.stdout.is_empty());
    let empty = env
        .run_with_input(&["login", "bob", "--password-stdin"], "\n")
        .await
        .failed_with(2);
    assert!(empty.stderr.contains("no password"), "{empty:?}");
}
