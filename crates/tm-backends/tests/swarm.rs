//! End to end over loopback: Transmission (127.0.0.1) seeds a 1 MiB file
//! through a real opentracker; rTorrent (127.0.0.2), qBittorrent (127.0.0.3)
//! and Deluge (127.0.0.4) each download it byte for byte, then remove it
//! with its data.

mod common;

use std::path::Path;
use std::time::Duration;

use tm_backends::{
    AddTorrent, BackendConfig, DataRemoval, TorrentSource, TorrentState, TrackerStatus, connect,
};
use tm_testkit::{DelugeDaemon, QbittorrentDaemon, RtorrentDaemon, ScgiListener, TestTorrent};

use common::{Swarm, swarm, wait_until_gone};

fn one_mebibyte(dir: &Path) -> TestTorrent {
    TestTorrent::single_file(dir, "swarm.bin", 1 << 20, None).unwrap()
}

/// The leecher downloads the seed's file into `download_dir`, identical,
/// shows the tracker working, then removes the torrent with its data.
async fn downloads_and_removes<L>(swarm: &Swarm<L>, leecher: &BackendConfig, download_dir: &Path) {
    let (torrent, transmission, hash) = (&swarm.torrent, &swarm.transmission, &swarm.hash);
    let client = connect(leecher).unwrap();
    client
        .add(AddTorrent {
            labels: vec!["swarm".into()],
            save_path: Some(download_dir.display().to_string()),
            ..AddTorrent::plain(TorrentSource::File(torrent.bytes.clone()), true)
        })
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let done = loop {
        let t = client.get(hash).await.unwrap().expect("listed");
        if t.complete && t.state == TorrentState::Seeding {
            break t;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!(
                "no download: {t:#?}\nleecher's trackers: {:?}\nTransmission: {:?} {:?}",
                client.trackers(hash).await,
                transmission.get(hash).await,
                transmission.trackers(hash).await,
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done.progress, 100.0);
    assert_eq!(done.size, 1 << 20);
    let data = download_dir.join("swarm.bin");
    assert!(
        std::fs::read(&data).unwrap() == std::fs::read(&torrent.data_path).unwrap(),
        "data differs"
    );
    let trackers = client.trackers(hash).await.unwrap();
    assert_eq!(trackers[0].status, TrackerStatus::Working, "{trackers:?}");
    let seeded = transmission.get(hash).await.unwrap().unwrap();
    assert!(seeded.uploaded >= 1 << 20, "{seeded:#?}");

    let outcome = client.remove(hash, true).await.unwrap();
    assert_eq!(
        outcome.data,
        DataRemoval::Deleted {
            path: data.display().to_string()
        }
    );
    wait_until_gone(&data).await;
    assert!(client.get(hash).await.unwrap().is_none());
    assert!(torrent.data_path.exists(), "the seed keeps its data");
}

#[tokio::test]
async fn rtorrent_downloads_from_transmission() {
    let start = || RtorrentDaemon::start(ScgiListener::Tcp);
    // Held whole: dropping it stops the daemons.
    let Some(swarm) = swarm("rtorrent", start, one_mebibyte).await else {
        return;
    };
    let leecher = &swarm.leecher;
    downloads_and_removes(&swarm, &leecher.config(), &leecher.download_dir).await;
}

#[tokio::test]
async fn qbittorrent_downloads_from_transmission() {
    let Some(swarm) = swarm("qbittorrent-nox", QbittorrentDaemon::start, one_mebibyte).await else {
        return;
    };
    let leecher = &swarm.leecher;
    downloads_and_removes(&swarm, &leecher.config(), &leecher.download_dir).await;
}

#[tokio::test]
async fn deluge_downloads_from_transmission() {
    let start = || DelugeDaemon::start(true);
    let Some(swarm) = swarm("deluged", start, one_mebibyte).await else {
        return;
    };
    let leecher = &swarm.leecher;
    downloads_and_removes(&swarm, &leecher.config(), &leecher.download_dir).await;
}
