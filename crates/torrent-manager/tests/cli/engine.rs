//! The CLI on the embedded engine ("This machine"): the first admin's server,
//! shown as running in this process; a .torrent added to it, labelled (the
//! labels kept by torrent-manager), started, stopped and removed with its
//! data, through the commands alone.

use std::time::Duration;

use tm_testkit::TestTorrent;

use crate::harness::{TestEnv, find, wait_until};

const SETTLE: Duration = Duration::from_secs(30);

async fn field(env: &TestEnv, hash: &str, name: &str) -> Option<serde_json::Value> {
    let list = env.listing(&[]).await;
    Some(find(&list, hash)?[name].clone())
}

async fn reaches(env: &TestEnv, hash: &str, wanted: &str) {
    wait_until(SETTLE, || async {
        (field(env, hash, "state").await? == wanted).then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("never {wanted}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn torrent_commands_on_this_machine() {
    let env = TestEnv::start_with_engine().await;
    env.login_as("root").await;
    let servers = wait_until(SETTLE, || async {
        let shown = env.run(&["servers", "list"]).await.ok();
        shown.stdout.contains("connected").then_some(shown)
    })
    .await
    .expect("This machine connects");
    assert!(servers.stdout.contains("This machine"), "{servers:?}");
    assert!(servers.stdout.contains("in this process"), "{servers:?}");

    let scratch = tempfile::tempdir().unwrap();
    let torrent = TestTorrent::single_file(scratch.path(), "engine.bin", 50_000, None).unwrap();
    let path = scratch.path().join("engine.torrent");
    std::fs::write(&path, &torrent.bytes).unwrap();
    let hash = torrent.info_hash.as_str();
    let added = env
        .run(&["torrents", "add", path.to_str().unwrap(), "--paused"])
        .await
        .ok();
    assert!(added.stdout.contains(&hash[..8]), "{added:?}");
    reaches(&env, hash, "paused").await;
    assert_eq!(
        field(&env, hash, "server_name").await,
        Some(serde_json::json!("This machine"))
    );

    env.run(&["torrents", "labels", hash, "--add", "tv"])
        .await
        .ok();
    assert_eq!(
        field(&env, hash, "labels").await,
        Some(serde_json::json!(["tv"]))
    );
    let files = env
        .run(&["torrents", "files", hash, "-o", "json"])
        .await
        .ok()
        .json();
    assert!(files.to_string().contains("engine.bin"), "{files}");
    env.run(&["torrents", "start", hash]).await.ok();
    reaches(&env, hash, "downloading").await;
    env.run(&["torrents", "stop", &hash[..8]]).await.ok();
    reaches(&env, hash, "paused").await;
    env.run(&["torrents", "rm", hash, "--delete-data", "--yes"])
        .await
        .ok();
    assert!(find(&env.listing(&[]).await, hash).is_none());
}
