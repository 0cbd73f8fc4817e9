//! The CLI on the embedded engine ("This machine"): the first admin's
//! server, listed as running in this process. (The torrent commands run on
//! it in `every_client`.)

use std::time::Duration;

use crate::harness::{TestEnv, wait_until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_machine_is_listed_as_running_in_this_process() {
    let env = TestEnv::start_with_engine().await;
    env.login_as("root").await;
    let servers = wait_until(Duration::from_secs(30), || async {
        let shown = env.run(&["servers", "list"]).await.ok();
        shown.stdout.contains("connected").then_some(shown)
    })
    .await
    .expect("This machine connects");
    assert!(servers.stdout.contains("This machine"), "{servers:?}");
    assert!(servers.stdout.contains("in this process"), "{servers:?}");
}
