//! End to end over loopback: Transmission (127.0.0.1) seeds a 1 MiB file,
//! rTorrent (127.0.0.2) downloads it through a real opentracker.

mod common;

use std::time::Duration;

use tm_backends::{AddTorrent, TorrentSource, TorrentState, TrackerStatus, connect};
use tm_testkit::TestTorrent;

use common::swarm;

#[tokio::test]
async fn rtorrent_downloads_from_transmission() {
    // Held whole: dropping it stops the daemons.
    let Some(swarm) =
        swarm(|dir| TestTorrent::single_file(dir, "swarm.bin", 1 << 20, None).unwrap()).await
    else {
        return;
    };
    let (leecher, torrent, transmission, hash) = (
        &swarm.leecher,
        &swarm.torrent,
        &swarm.transmission,
        &swarm.hash,
    );
    let rtorrent = connect(&leecher.config()).unwrap();
    rtorrent
        .add(AddTorrent {
            source: TorrentSource::File(torrent.bytes.clone()),
            start: true,
            labels: vec!["swarm".into()],
            save_path: None,
        })
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let done = loop {
        let t = rtorrent.get(hash).await.unwrap().expect("listed");
        if t.complete && t.state == TorrentState::Seeding {
            break t;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!(
                "no download: {t:#?}\nrTorrent trackers: {:?}\nTransmission: {:?} {:?}",
                rtorrent.trackers(hash).await,
                transmission.get(hash).await,
                transmission.trackers(hash).await,
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done.progress, 100.0);
    assert_eq!(done.size, 1 << 20);
    let downloaded = std::fs::read(leecher.download_dir.join("swarm.bin")).unwrap();
    assert!(
        downloaded == std::fs::read(&torrent.data_path).unwrap(),
        "data differs"
    );

    let trackers = rtorrent.trackers(hash).await.unwrap();
    assert_eq!(trackers[0].status, TrackerStatus::Working, "{trackers:?}");
    let seeded = transmission.get(hash).await.unwrap().unwrap();
    assert!(seeded.uploaded >= 1 << 20, "{seeded:#?}");
}
