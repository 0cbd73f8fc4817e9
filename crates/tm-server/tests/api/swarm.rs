//! A real download over loopback, driven only through the API: opentracker,
//! Transmission seeding on 127.0.0.1, rTorrent downloading on 127.0.0.2, then
//! removal with data.

use std::time::Duration;

use reqwest::StatusCode;
use tm_testkit::{Opentracker, TestTorrent, daemon_available};

use crate::daemons::{ClientUnderTest, TwoServers, seed, two_servers, upload, wait_until};
use crate::harness::Api;

/// A 1 MiB file behind a real opentracker, seeded through the API.
pub struct TrackedSeed {
    pub torrent: TestTorrent,
    tracker: Opentracker,
}

impl TrackedSeed {
    /// A magnet link to the torrent that names its tracker.
    pub fn magnet(&self) -> String {
        self.torrent.magnet(Some(&self.tracker.announce_url()))
    }
}

/// Makes `name` in `dir` (the seeding server's download directory) and
/// seeds it on `seed_id` until the tracker has its announce, so a client
/// started on it next finds the seed among the peers.
pub async fn tracked_seed(
    api: &Api,
    seed_id: &str,
    dir: &std::path::Path,
    name: &str,
) -> TrackedSeed {
    tracked_seed_of(api, seed_id, dir, name, 1 << 20, "").await
}

/// `tracked_seed` of `size` bytes, uploaded with `labels` (comma-separated).
pub async fn tracked_seed_of(
    api: &Api,
    seed_id: &str,
    dir: &std::path::Path,
    name: &str,
    size: usize,
    labels: &str,
) -> TrackedSeed {
    let untracked = TestTorrent::single_file(dir, name, size, None).unwrap();
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let torrent = untracked.with_tracker(&tracker.announce_url());
    seed(api, seed_id, &torrent, labels).await;
    let hash = &torrent.info_hash;
    wait_until(Duration::from_secs(30), || async {
        let (_, t) = api
            .get(&format!("/torrents/{hash}/trackers?server_id={seed_id}"))
            .await;
        (t["trackers"][0]["status"] == "working").then_some(())
    })
    .await
    .expect("the seed announced to the tracker");
    TrackedSeed { torrent, tracker }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rtorrent_downloads_from_transmission_through_the_api() {
    if !daemon_available("opentracker") {
        return;
    }
    let Some(TwoServers {
        app: _app,
        alice: api,
        clients: [seeder, leecher],
        ids: [seed_id, leech_id],
    }) = two_servers(
        (ClientUnderTest::Transmission, "seedbox"),
        (ClientUnderTest::RtorrentScgi, "home"),
    )
    .await
    else {
        return;
    };

    let seeded = tracked_seed(&api, &seed_id, &seeder.download_dir, "swarm.bin").await;
    let torrent = &seeded.torrent;
    let hash = torrent.info_hash.clone();

    let (status, body) = upload(
        &api,
        &format!("?server_id={leech_id}&start=true"),
        "swarm.torrent",
        torrent.bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = api.get(&format!("/torrents/{hash}")).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "on two servers: server_id is needed"
    );
    let done = wait_until(Duration::from_secs(120), || async {
        let (_, t) = api
            .get(&format!("/torrents/{hash}?server_id={leech_id}"))
            .await;
        (t["progress"].as_f64() == Some(100.0) && t["complete"] == true).then_some(t)
    })
    .await
    .expect("rTorrent downloads the whole file");
    assert_eq!(done["downloaded"], 1 << 20);
    let downloaded = leecher.download_dir.join("swarm.bin");
    assert_eq!(
        std::fs::read(&downloaded).unwrap(),
        std::fs::read(&torrent.data_path).unwrap()
    );

    let (status, removed) = api
        .delete(&format!(
            "/torrents/{hash}?server_id={leech_id}&delete_data=true"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["data"]["result"], "deleted", "{removed}");
    let gone = wait_until(Duration::from_secs(10), || async {
        (!downloaded.exists()).then_some(())
    })
    .await;
    assert!(gone.is_some(), "the downloaded file is deleted");
    assert!(torrent.data_path.exists(), "the seed's copy is untouched");
}
