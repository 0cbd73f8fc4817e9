//! The `rqbit` kind against a real rqbit server (librqbit's HTTP API from
//! tm-testkit, 127.0.0.10 for peers, DHT off): its login, a magnet resolved
//! from a real swarm (Transmission seeding through opentracker) and the
//! download byte for byte, removal of exactly its own files, and a recheck
//! that keeps the folder and file selection. The adapter scenario runs on
//! it in `clients.rs`.

mod common;

use std::path::Path;
use std::time::Duration;

use tm_backends::{
    AddTorrent, DataRemoval, ErrorKind, FilePriority, TorrentSource, TorrentState, connect,
};
use tm_testkit::{RqbitServer, TestTorrent, with_password};

use common::{swarm, wait_for, wait_until_gone, wait_within};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_in_with_basic_auth_and_says_why_it_cannot() {
    let open = RqbitServer::start(false).await.unwrap();
    let info = connect(&open.config()).unwrap().probe().await.unwrap();
    assert!(info.version.starts_with("9."), "{}", info.version);

    let guarded = RqbitServer::start(true).await.unwrap();
    connect(&guarded.config()).unwrap().probe().await.unwrap();
    let wrong = with_password(&guarded.config(), "not-the-password");
    let err = connect(&wrong).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    assert!(!err.to_string().contains("not-the-password"), "{err}");
    // Without a login, against the guarded one: refused the same way.
    let err = connect(&at_port(&open.config(), guarded.port))
        .unwrap()
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
}

/// `config` (an rqbit connection) at another port.
fn at_port(config: &tm_backends::BackendConfig, port: u16) -> tm_backends::BackendConfig {
    let mut changed = config.clone();
    if let tm_backends::Connection::Rqbit { endpoint, .. } = &mut changed.connection {
        endpoint.port = port;
    }
    changed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_magnet_resolves_from_the_swarm_and_downloads_byte_for_byte() {
    let album = |dir: &Path| {
        TestTorrent::multi_file(
            dir,
            "album",
            &[("a.bin", 300_000), ("sub/b.bin", 200_000)],
            None,
        )
        .unwrap()
    };
    let Some(swarm) = swarm("opentracker", || RqbitServer::start(false), album).await else {
        return;
    };
    let server = &swarm.leecher;
    let client = connect(&server.config()).unwrap();
    let dir = &server.download_dir;
    std::fs::write(dir.join("neighbour.txt"), b"stay").unwrap();
    let magnet = swarm.torrent.magnet(Some(&swarm.tracker.announce_url()));
    let add = AddTorrent {
        save_path: Some(dir.display().to_string()),
        ..AddTorrent::plain(TorrentSource::Magnet(magnet), true)
    };
    assert_eq!(client.add(add).await.unwrap(), swarm.hash);
    let hash = swarm.hash.clone();
    let done = wait_within(
        client.as_ref(),
        &hash,
        "the download",
        Duration::from_secs(90),
        |t| t.complete && t.state == TorrentState::Seeding,
    )
    .await;
    let data = dir.join("album");
    assert_eq!(done.base_path, data.display().to_string());
    assert_eq!(done.save_path, dir.display().to_string());
    for file in ["a.bin", "sub/b.bin"] {
        let (got, want) = (data.join(file), swarm.torrent.data_path.join(file));
        assert_eq!(
            std::fs::read(got).unwrap(),
            std::fs::read(want).unwrap(),
            "{file}"
        );
    }
    let trackers = client.trackers(&hash).await.unwrap();
    assert_eq!(trackers.len(), 1, "{trackers:?}");

    let outcome = client.remove(&hash, true).await.unwrap();
    assert_eq!(
        outcome.data,
        DataRemoval::Deleted {
            path: data.display().to_string()
        }
    );
    wait_until_gone(&data.join("a.bin")).await;
    wait_until_gone(&data.join("sub/b.bin")).await;
    assert!(dir.join("neighbour.txt").exists());
    assert!(swarm.torrent.data_path.exists(), "the seed keeps its data");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recheck_keeps_the_folder_the_selection_and_the_pause() {
    let server = RqbitServer::start(true).await.unwrap();
    let client = connect(&server.config()).unwrap();
    let dir = &server.download_dir;
    let multi = TestTorrent::multi_file(
        dir,
        "box",
        &[("one.bin", 40_000), ("two.bin", 40_000)],
        Some(common::DEAD_TRACKER),
    )
    .unwrap();
    let hash = client
        .add(common::add_paused(&multi, dir, &[]))
        .await
        .unwrap();
    let paused = wait_for(client.as_ref(), &hash, "checked and paused", |t| {
        t.state == TorrentState::Paused
    })
    .await;
    assert!(paused.complete, "{paused:?}");
    client
        .set_file_priorities(&hash, &[(0, FilePriority::Skip)])
        .await
        .unwrap();
    client.recheck(std::slice::from_ref(&hash)).await.unwrap();
    let again = wait_for(client.as_ref(), &hash, "paused again", |t| {
        t.state == TorrentState::Paused
    })
    .await;
    assert_eq!(again.base_path, multi.data_path.display().to_string());
    let priorities: Vec<_> = client
        .files(&hash)
        .await
        .unwrap()
        .iter()
        .map(|f| f.priority)
        .collect();
    assert_eq!(priorities, [FilePriority::Skip, FilePriority::Normal]);
    assert!(multi.data_path.join("one.bin").exists());
}
