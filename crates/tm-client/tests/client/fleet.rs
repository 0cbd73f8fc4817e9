//! `duplicates()` and `cross_seed_groups()` against the real server.

use std::time::Duration;

use tm_client::{Client, TorrentState, TorrentUpload, UploadOptions};
use tm_testkit::{ClientUnderTest, TestTorrent};

use crate::harness::{TestServer, register, wait_until};

const TRACKER_A: &str = "http://127.0.0.1:1/announce";
const TRACKER_B: &str = "http://127.0.0.2:1/announce";

async fn upload(client: &Client, server_id: &str, torrent: &TestTorrent) {
    let options = UploadOptions {
        server_id: Some(server_id.to_owned()),
        ..Default::default()
    };
    let file = TorrentUpload {
        filename: "t.torrent".into(),
        bytes: torrent.bytes.clone(),
    };
    client.upload_torrent(file, &options).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_and_cross_seed_groups() {
    let Some(transmission) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    // One client registered twice: each server entry lists the same torrents.
    let first_box = register(&alice, "one", &transmission).await;
    let second_box = register(&alice, "two", &transmission).await;
    let dir = &transmission.download_dir;
    let show = TestTorrent::single_file(dir, "show.mkv", 50_000, Some(TRACKER_A)).unwrap();
    let reissued = show.with_source("B", Some(TRACKER_B));
    upload(&alice, &first_box, &show).await;
    upload(&alice, &first_box, &reissued).await;

    let duplicates = wait_until(Duration::from_secs(30), || async {
        let found = alice.duplicates().await.ok()?;
        (found.total == 2).then_some(found)
    })
    .await
    .expect("both torrents seen on both server entries");
    for group in &duplicates.groups {
        assert_eq!(group.size, 50_000);
        let mut servers: Vec<&str> = group.copies.iter().map(|c| c.server_id.as_str()).collect();
        servers.sort();
        let mut expected = [first_box.as_str(), second_box.as_str()];
        expected.sort();
        assert_eq!(servers, expected, "{group:?}");
    }

    let cross = wait_until(Duration::from_secs(30), || async {
        let found = alice.cross_seed_groups().await.ok()?;
        (found.pending == 0 && found.groups.len() == 1).then_some(found)
    })
    .await
    .expect("the file lists are fetched");
    let group = &cross.groups[0];
    assert_eq!((group.size, group.files), (50_000, 1));
    // Two torrents, each on both server entries.
    assert_eq!(group.torrents.len(), 4, "{group:?}");
    let mut trackers: Vec<Option<&str>> = group
        .torrents
        .iter()
        .map(|t| t.tracker.as_deref())
        .collect();
    trackers.sort();
    trackers.dedup();
    assert_eq!(trackers, [Some("127.0.0.1"), Some("127.0.0.2")]);
    assert!(
        group
            .torrents
            .iter()
            .all(|t| t.state != TorrentState::Metadata)
    );

    let bob = server.user("bob").await;
    assert_eq!(bob.duplicates().await.unwrap().total, 0);
    let nothing = bob.cross_seed_groups().await.unwrap();
    assert!(nothing.groups.is_empty() && nothing.pending == 0);
}
