use crate::harness::{TestEnv, add_transmission_box};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_lists_changes_as_a_table_and_json() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    let add = add_transmission_box("1", "admin");
    env.run(&[&add[..], &["--skip-test"]].concat()).await.ok();
    let hash = "0123456789abcdef0123456789abcdef01234567";
    env.run(&["torrents", "stop", hash]).await.failed_with(1);

    let table = env.run(&["activity"]).await.ok();
    for heading in ["TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME"] {
        assert!(table.stdout.contains(heading), "{table:?}");
    }
    assert!(table.stdout.contains("web alice"), "{table:?}");
    assert!(table.stdout.contains("failed"), "{table:?}");
    assert!(table.stdout.contains("server_create"), "{table:?}");

    let page = env
        .run(&["activity", "--torrent", hash, "--since", "1h", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["action"], "stop");
    assert_eq!(page["items"][0]["success"], false);
    let by_server = env
        .run(&[
            "activity", "--server", "box", "--actor", "ALICE", "-o", "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(
        by_server["items"][0]["action"], "server_create",
        "{by_server}"
    );
    let limited = env.run(&["activity", "--limit", "1"]).await.ok();
    assert!(
        limited.stdout.contains("entries (--offset for more)"),
        "{limited:?}"
    );
    let none = env.run(&["activity", "--actor", "nobody"]).await.ok();
    assert_eq!(none.stdout.trim(), "No activity.");
    env.run(&["activity", "--since", "soon"])
        .await
        .failed_with(2);
}
