//! End to end over loopback: Transmission (127.0.0.1) seeds a 1 MiB file,
//! rTorrent (127.0.0.2) downloads it through a real opentracker.

mod common;

use std::time::Duration;

use tm_backends::testkit::{
    Opentracker, RtorrentDaemon, ScgiListener, TestTorrent, TransmissionDaemon, daemon_available,
};
use tm_backends::{AddTorrent, TorrentSource, TorrentState, TrackerStatus, connect};

use common::wait_for;

#[tokio::test]
async fn rtorrent_downloads_from_transmission() {
    if !["transmission-daemon", "rtorrent", "opentracker"]
        .iter()
        .all(|binary| daemon_available(binary))
    {
        return;
    }
    let seeder = TransmissionDaemon::start().await.unwrap();
    let leecher = RtorrentDaemon::start(ScgiListener::Tcp).await.unwrap();
    let seed_dir = seeder.scratch_dir();
    let untracked = TestTorrent::single_file(seed_dir, "swarm.bin", 1 << 20, None).unwrap();
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let torrent = untracked.with_tracker(&tracker.announce_url());

    let transmission = connect(&seeder.config()).unwrap();
    let hash = transmission
        .add(AddTorrent {
            source: TorrentSource::File(torrent.bytes.clone()),
            start: true,
            labels: vec![],
            save_path: Some(seed_dir.display().to_string()),
        })
        .await
        .unwrap();
    wait_for(transmission.as_ref(), &hash, "seeding", |t| {
        t.state == TorrentState::Seeding
    })
    .await;

    // rTorrent announces once on start and gets peers only then: the seed
    // must already be registered with the tracker.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let trackers = transmission.trackers(&hash).await.unwrap();
        if trackers[0].status == TrackerStatus::Working {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "seed never announced: {trackers:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

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
        let t = rtorrent.get(&hash).await.unwrap().expect("listed");
        if t.complete && t.state == TorrentState::Seeding {
            break t;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!(
                "no download: {t:#?}\nrTorrent trackers: {:?}\nTransmission: {:?} {:?}",
                rtorrent.trackers(&hash).await,
                transmission.get(&hash).await,
                transmission.trackers(&hash).await,
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

    let trackers = rtorrent.trackers(&hash).await.unwrap();
    assert_eq!(trackers[0].status, TrackerStatus::Working, "{trackers:?}");
    let seeded = transmission.get(&hash).await.unwrap().unwrap();
    assert!(seeded.uploaded >= 1 << 20, "{seeded:#?}");
}
