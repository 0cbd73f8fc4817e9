use crate::harness::TestEnv;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_api_errors_exit_1() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;

    for args in [
        &["torrents", "--state", "sleeping"][..],
        &["servers", "add", "no-type"],
        &["keys", "frobnicate"],
        &["torrents", "start"],
        &["torrents", "labels", "abc", "--set", "a", "--add", "b"],
        &["--output", "yaml", "whoami"],
    ] {
        let run = env.run(args).await.failed_with(2);
        assert!(!run.stderr.is_empty(), "{args:?} explains itself");
    }

    let missing = env
        .run(&["torrents", "show", &"0".repeat(40)])
        .await
        .failed_with(1);
    assert!(missing.stderr.starts_with("error: "), "{missing:?}");
    assert!(
        missing.stderr.to_lowercase().contains("not found"),
        "{missing:?}"
    );

    let unreachable = env
        .run(&["whoami", "--url", "http://127.0.0.1:1", "--api-key", "tm_x"])
        .await
        .failed_with(1);
    assert!(
        unreachable.stderr.contains("could not connect"),
        "{unreachable:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_for_each_shell() {
    let env = TestEnv::start().await;
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef"),
        ("fish", "complete -c"),
    ] {
        let run = env.run(&["completions", shell]).await.ok();
        assert!(
            run.stdout.contains(marker),
            "{shell}: {}",
            &run.stdout[..200.min(run.stdout.len())]
        );
        assert!(run.stdout.contains("torrent-manager"));
        assert!(
            run.stdout.contains("servers"),
            "{shell} knows the subcommands"
        );
    }
    env.run(&["completions", "tcsh"]).await.failed_with(2);
}
