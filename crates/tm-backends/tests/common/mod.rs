//! The scenario every client must pass, run against real daemons.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tm_backends::model::LabelSupport;
use tm_backends::{
    AddTorrent, ClientKind, DataRemoval, ErrorKind, FilePriority, Torrent, TorrentClient,
    TorrentSource, TorrentState, TrackerStatus, connect,
};
use tm_testkit::{
    Opentracker, RtorrentDaemon, ScgiListener, TestTorrent, TransmissionDaemon, daemon_available,
};

/// Unreachable on purpose: torrents get a tracker entry but never a peer.
pub const DEAD_TRACKER: &str = "http://127.0.0.1:1/announce";

/// A real rTorrent over SCGI/TCP and a client for it; `None` (skip) when
/// rtorrent is not installed.
pub async fn start_rtorrent() -> Option<(RtorrentDaemon, Arc<dyn TorrentClient>)> {
    if !daemon_available("rtorrent") {
        return None;
    }
    let daemon = RtorrentDaemon::start(ScgiListener::Tcp).await.unwrap();
    let client = connect(&daemon.config()).unwrap();
    Some((daemon, client))
}

/// Transmission (127.0.0.1) seeding a torrent through a real opentracker,
/// and a leecher of any kind (each on its own loopback address) ready to
/// download it.
pub struct Swarm<L> {
    pub seeder: TransmissionDaemon,
    pub leecher: L,
    pub tracker: Opentracker,
    /// The torrent, announcing to `tracker`.
    pub torrent: TestTorrent,
    pub transmission: Arc<dyn TorrentClient>,
    pub hash: String,
}

/// Starts a `Swarm` for the torrent `make` writes into the seed's folder
/// (without a tracker), with the leecher `start_leecher` starts (its binary:
/// `leecher_binary`); `None` (skip) when a daemon is not installed.
/// Returns once the tracker knows the seed: rTorrent announces once on start
/// and gets peers only then.
pub async fn swarm<L, F>(
    leecher_binary: &str,
    start_leecher: impl FnOnce() -> F,
    make: impl FnOnce(&Path) -> TestTorrent,
) -> Option<Swarm<L>>
where
    F: std::future::Future<Output = std::io::Result<L>>,
{
    if !["transmission-daemon", leecher_binary, "opentracker"]
        .iter()
        .all(|binary| daemon_available(binary))
    {
        return None;
    }
    let seeder = TransmissionDaemon::start().await.unwrap();
    let leecher = start_leecher().await.unwrap();
    let untracked = make(seeder.scratch_dir());
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let torrent = untracked.with_tracker(&tracker.announce_url());
    let transmission = connect(&seeder.config()).unwrap();
    let hash = transmission
        .add(AddTorrent {
            save_path: Some(seeder.scratch_dir().display().to_string()),
            ..AddTorrent::plain(TorrentSource::File(torrent.bytes.clone()), true)
        })
        .await
        .unwrap();
    wait_for(transmission.as_ref(), &hash, "seeding", |t| {
        t.state == TorrentState::Seeding
    })
    .await;
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
    Some(Swarm {
        seeder,
        leecher,
        tracker,
        torrent,
        transmission,
        hash,
    })
}

pub async fn wait_for(
    client: &dyn TorrentClient,
    hash: &str,
    what: &str,
    done: impl Fn(&Torrent) -> bool,
) -> Torrent {
    wait_within(client, hash, what, Duration::from_secs(60), done).await
}

/// Polls `client` for `hash` until `done`, for up to `within`.
pub async fn wait_within(
    client: &dyn TorrentClient,
    hash: &str,
    what: &str,
    within: Duration,
    done: impl Fn(&Torrent) -> bool,
) -> Torrent {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let torrent = client.get(hash).await.expect("get");
        if let Some(t) = &torrent
            && done(t)
        {
            return t.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}; last seen: {torrent:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn wait_until_gone(path: &Path) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while path.exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} still exists",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn add_paused(torrent: &TestTorrent, dir: &Path, labels: &[&str]) -> AddTorrent {
    AddTorrent {
        labels: labels.iter().map(|l| l.to_string()).collect(),
        save_path: Some(dir.display().to_string()),
        ..AddTorrent::plain(TorrentSource::File(torrent.bytes.clone()), false)
    }
}

fn hashes(hash: &str) -> Vec<String> {
    vec![hash.to_owned()]
}

/// Probe, add (file, magnet, duplicate), list, get, start/stop, reannounce,
/// labels, recheck, trackers, peers, files and priorities, remove with and without data.
pub async fn full_scenario(client: Arc<dyn TorrentClient>, expected: ClientKind, data_dir: &Path) {
    let client = client.as_ref();
    let expected_kind = expected;
    let info = client.probe().await.expect("probe");
    assert_eq!(info.client, expected);
    assert!(!info.version.is_empty());
    let label_support = info.capabilities.labels;

    // Add a single-file torrent paused, with labels; data already on disk.
    let single =
        TestTorrent::single_file(data_dir, "single.bin", 100_000, Some(DEAD_TRACKER)).unwrap();
    let added_labels: &[&str] = match label_support {
        LabelSupport::Many => &["movies", "hd x"],
        LabelSupport::Single => &["movies"],
        LabelSupport::None => &[],
    };
    let hash = client
        .add(add_paused(&single, data_dir, added_labels))
        .await
        .expect("add file");
    assert_eq!(hash, single.info_hash);

    let duplicate = client
        .add(add_paused(&single, data_dir, &[]))
        .await
        .unwrap_err();
    assert_eq!(
        duplicate.kind,
        ErrorKind::Duplicate(hash.clone()),
        "{duplicate}"
    );

    // Callers may use any case.
    let paused = wait_for(client, &hash.to_uppercase(), "paused", |t| {
        t.state == TorrentState::Paused
    })
    .await;
    assert_eq!(paused.info_hash, hash);
    assert_eq!(paused.name, "single.bin");
    assert_eq!(paused.size, 100_000);
    // In any order: qBittorrent keeps a torrent's tags sorted.
    let mut labels = paused.labels.clone();
    labels.sort();
    let mut expected = added_labels.to_vec();
    expected.sort();
    assert_eq!(labels, expected);
    assert_eq!(paused.save_path, data_dir.display().to_string());
    assert_eq!(paused.base_path, single.data_path.display().to_string());
    assert!(!paused.is_active);
    assert!(!paused.is_private);
    // rqbit tells no time added (and torrent-manager keeps none for it).
    if expected_kind != ClientKind::Rqbit {
        assert!(paused.added_at.is_some_and(|t| t > 1_600_000_000));
    }

    let listed = client.list().await.expect("list");
    let in_list = listed
        .iter()
        .find(|t| t.info_hash == hash)
        .expect("in list");
    assert_eq!(in_list.name, "single.bin");

    // Starting verifies the data and seeds; stopping pauses.
    client.start(&hashes(&hash)).await.expect("start");
    let seeding = wait_for(client, &hash, "seeding", |t| {
        t.state == TorrentState::Seeding
    })
    .await;
    assert!(seeding.complete && seeding.is_active);
    assert_eq!(seeding.progress, 100.0);
    assert_eq!(seeding.downloaded, 100_000);
    assert_eq!(seeding.eta, None);
    // The tracker is unreachable: asking it again is accepted all the same.
    client.reannounce(&hashes(&hash)).await.expect("reannounce");
    client.stop(&hashes(&hash)).await.expect("stop");
    let stopped = wait_for(client, &hash, "paused again", |t| {
        t.state == TorrentState::Paused
    })
    .await;
    assert!(!stopped.is_active && stopped.complete);

    // Damage the first piece: a recheck must notice it.
    let mut data = std::fs::read(&single.data_path).unwrap();
    data[..16 * 1024].fill(0);
    std::fs::write(&single.data_path, &data).unwrap();
    client.recheck(&hashes(&hash)).await.expect("recheck");
    let rechecked = wait_for(client, &hash, "recheck to find the damage", |t| {
        t.state != TorrentState::Checking && t.progress < 100.0
    })
    .await;
    assert!(!rechecked.complete);
    assert_eq!(rechecked.downloaded, 100_000 - 16 * 1024);

    label_steps(client, &hash, label_support).await;

    let trackers = client.trackers(&hash).await.expect("trackers");
    assert_eq!(trackers.len(), 1, "{trackers:?}");
    assert_eq!(trackers[0].url, DEAD_TRACKER);
    assert!(client.peers(&hash).await.expect("peers").is_empty());

    // Multi-file torrent: files and priorities.
    let multi = TestTorrent::multi_file(
        data_dir,
        "album",
        &[("a.flac", 20_000), ("sub/b.flac", 30_000), ("c.txt", 100)],
        Some(DEAD_TRACKER),
    )
    .unwrap();
    let multi_hash = client
        .add(add_paused(&multi, data_dir, &[]))
        .await
        .expect("add multi");
    let files = client.files(&multi_hash).await.expect("files");
    let summary: Vec<_> = files
        .iter()
        .map(|f| (f.index, f.path.as_str(), f.size, f.priority))
        .collect();
    assert_eq!(
        summary,
        vec![
            (0, "a.flac", 20_000, FilePriority::Normal),
            (1, "sub/b.flac", 30_000, FilePriority::Normal),
            (2, "c.txt", 100, FilePriority::Normal),
        ]
    );
    // rqbit only selects files: high (and low) are refused, nothing changes.
    let high = if expected_kind == ClientKind::Rqbit {
        let err = client
            .set_file_priorities(&multi_hash, &[(1, FilePriority::High)])
            .await
            .unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Unsupported(_)), "{err}");
        FilePriority::Normal
    } else {
        FilePriority::High
    };
    client
        .set_file_priorities(&multi_hash, &[(0, FilePriority::Skip), (1, high)])
        .await
        .expect("set priorities");
    let priorities: Vec<_> = client
        .files(&multi_hash)
        .await
        .unwrap()
        .iter()
        .map(|f| f.priority)
        .collect();
    assert_eq!(
        priorities,
        vec![FilePriority::Skip, high, FilePriority::Normal]
    );
    let multi_torrent = client.get(&multi_hash).await.unwrap().unwrap();
    assert_eq!(
        multi_torrent.base_path,
        multi.data_path.display().to_string()
    );
    assert_eq!(multi_torrent.save_path, data_dir.display().to_string());

    // Magnet (with a tracker: rTorrent drops tracker-less magnets without DHT).
    let magnet_torrent =
        TestTorrent::single_file(data_dir, "magnet.bin", 1000, Some(DEAD_TRACKER)).unwrap();
    let added = client
        .add(AddTorrent::plain(
            TorrentSource::Magnet(magnet_torrent.magnet(Some(DEAD_TRACKER))),
            false,
        ))
        .await;
    if expected_kind == ClientKind::Rqbit {
        // rqbit lists a torrent only with its metadata, and no peer has it:
        // the add says so after waiting, and nothing is left behind.
        let err = added.unwrap_err();
        assert!(
            matches!(&err.kind, ErrorKind::Rejected(m) if m.contains("metadata")),
            "{err}"
        );
        assert!(
            client
                .get(&magnet_torrent.info_hash)
                .await
                .unwrap()
                .is_none()
        );
    } else {
        let magnet_hash = added.expect("add magnet");
        assert_eq!(magnet_hash, magnet_torrent.info_hash);
        let magnet = client
            .get(&magnet_hash)
            .await
            .unwrap()
            .expect("magnet listed");
        assert!(!magnet.complete);
        client
            .remove(&magnet_hash, false)
            .await
            .expect("remove magnet");
    }

    // Remove without data: the files stay.
    let outcome = client.remove(&multi_hash, false).await.expect("remove");
    assert_eq!(
        outcome.data,
        DataRemoval::Kept {
            path: multi.data_path.display().to_string()
        }
    );
    assert!(client.get(&multi_hash).await.unwrap().is_none());
    assert!(multi.data_path.join("sub/b.flac").exists());

    // Remove with data: the file is really gone.
    let outcome = client.remove(&hash, true).await.expect("remove with data");
    assert_eq!(
        outcome.data,
        DataRemoval::Deleted {
            path: single.data_path.display().to_string()
        }
    );
    wait_until_gone(&single.data_path).await;
    assert!(client.get(&hash).await.unwrap().is_none());

    // Unknown and invalid hashes.
    let unknown = "0123456789abcdef0123456789abcdef01234567";
    let err = client.remove(unknown, false).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound(unknown.to_owned()), "{err}");
    for err in [
        client.start(&hashes(unknown)).await.unwrap_err(),
        client.recheck(&hashes(unknown)).await.unwrap_err(),
        client.reannounce(&hashes(unknown)).await.unwrap_err(),
    ] {
        assert_eq!(err.kind, ErrorKind::NotFound(unknown.to_owned()), "{err}");
    }
    let err = client.files("xyz").await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Invalid(_)), "{err}");
    let err = client
        .add(AddTorrent::plain(
            TorrentSource::Magnet("magnet:?xt=urn:btih:ABC123DEF456...".into()),
            false,
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("40 hex or 32 base32"), "{err}");
}

/// Setting, replacing and clearing labels, as far as the client has them.
async fn label_steps(client: &dyn TorrentClient, hash: &str, support: LabelSupport) {
    let labels_of = async |client: &dyn TorrentClient| {
        let mut labels = client.get(hash).await.unwrap().unwrap().labels;
        labels.sort();
        labels
    };
    let set = |labels: &[&str]| labels.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    match support {
        LabelSupport::Many => {
            client
                .set_labels(hash, &set(&["tv", "a b"]))
                .await
                .expect("set labels");
            assert_eq!(labels_of(client).await, vec!["a b", "tv"]);
        }
        LabelSupport::Single => {
            client
                .set_labels(hash, &set(&["tv"]))
                .await
                .expect("set label");
            assert_eq!(labels_of(client).await, vec!["tv"]);
            client
                .set_labels(hash, &set(&["other"]))
                .await
                .expect("replace label");
            assert_eq!(labels_of(client).await, vec!["other"]);
            let err = client
                .set_labels(hash, &set(&["tv", "other"]))
                .await
                .unwrap_err();
            assert!(matches!(err.kind, ErrorKind::Invalid(_)), "{err}");
            assert_eq!(labels_of(client).await, vec!["other"]);
        }
        LabelSupport::None => {
            let err = client.set_labels(hash, &set(&["tv"])).await.unwrap_err();
            assert!(matches!(err.kind, ErrorKind::Unsupported(_)), "{err}");
            return;
        }
    }
    client.set_labels(hash, &[]).await.expect("clear labels");
    assert!(labels_of(client).await.is_empty());
}

/// With `skip_checking` the client trusts the data and reports the torrent
/// complete without reading it: over files of the right sizes but wrong
/// bytes it is complete at once, where the same add without the flag
/// checks and finds nothing. (Missing files are an error even then.)
pub async fn skip_checking_trusts_the_data(client: &dyn TorrentClient, dir: &Path) {
    let folder = dir.join("skip-checking");
    std::fs::create_dir_all(&folder).unwrap();
    let trusted = TestTorrent::single_file(&folder, "trusted.bin", 100_000, None).unwrap();
    let checked = TestTorrent::single_file(&folder, "checked.bin", 100_000, None).unwrap();
    for torrent in [&trusted, &checked] {
        std::fs::write(&torrent.data_path, vec![0u8; 100_000]).unwrap();
    }
    let add = |torrent: &TestTorrent, skip_checking| AddTorrent {
        skip_checking,
        ..add_paused(torrent, &folder, &[])
    };
    client.add(add(&trusted, true)).await.unwrap();
    client.add(add(&checked, false)).await.unwrap();
    wait_for(client, &trusted.info_hash, "trusted as complete", |t| {
        t.complete && t.progress == 100.0
    })
    .await;
    let checked = wait_for(client, &checked.info_hash, "checked", |t| {
        t.state != TorrentState::Checking
    })
    .await;
    assert!(!checked.complete && checked.progress == 0.0, "{checked:?}");
}
