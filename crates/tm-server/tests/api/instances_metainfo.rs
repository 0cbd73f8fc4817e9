//! The stored-.torrent index across instances: a file kept through one
//! instance is flagged `has_metainfo` on every instance at once.

use std::time::Duration;

use tm_testkit::server_body;

use crate::daemons::ClientUnderTest;
use crate::instances::{alice_on, instances, listed_where, paused_torrent, register_on};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torrent_file_kept_through_one_instance_is_flagged_on_every_instance() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let Some(apps) = instances(2, |_| {}).await else {
        return;
    };
    let apis = alice_on(&apps).await;
    let server_id = register_on(&apis, server_body("shared", &client.config)).await;
    let scratch = tempfile::tempdir().unwrap();
    // One upload through each instance: one of them owns the server, so
    // both the owner and the mirror learn of a file the other kept.
    for (through, name) in [(0, "first.bin"), (1, "second.bin")] {
        let hash = paused_torrent(&apis[through], &server_id, scratch.path(), name).await;
        for api in &apis {
            listed_where(api, &hash, Duration::from_secs(5), |t| {
                t["has_metainfo"] == true
            })
            .await;
        }
    }
}
