//! The embedded engine (librqbit) in a real swarm on loopback: Transmission
//! (127.0.0.1) seeds through a real opentracker; the engine (127.0.0.6, DHT
//! off) downloads byte for byte, stops and starts, removes exactly its own
//! files, resumes a download after a restart, and seeds to an rTorrent
//! (127.0.0.2); a user's share of it holds only what that user added, in
//! their own folder. The adapter scenario runs on it in `clients.rs`.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tm_backends::{
    AddTorrent, DataRemoval, ErrorKind, TorrentClient, TorrentSource, TorrentState, TrackerStatus,
    TransferChange, connect,
};
use tm_testkit::{
    EmbeddedEngine, Opentracker, RtorrentDaemon, ScgiListener, TestTorrent, daemon_available,
};

use common::{swarm, wait_for, wait_until_gone, wait_within};

fn add_started(torrent: &TestTorrent, dir: &Path) -> AddTorrent {
    AddTorrent {
        labels: vec!["swarm".into()],
        save_path: Some(dir.display().to_string()),
        ..AddTorrent::plain(TorrentSource::File(torrent.bytes.clone()), true)
    }
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    std::fs::read(a).unwrap() == std::fs::read(b).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_stops_starts_and_removes_exactly_its_files() {
    let album = |dir: &Path| {
        TestTorrent::multi_file(
            dir,
            "album",
            &[("a.bin", 600_000), ("sub/b.bin", 500_000), ("c.txt", 1000)],
            None,
        )
        .unwrap()
    };
    let Some(swarm) = swarm("opentracker", EmbeddedEngine::start, album).await else {
        return;
    };
    let engine = &swarm.leecher;
    let client = connect(&engine.config()).unwrap();
    let dir = &engine.download_dir;
    // Not the torrent's: must survive its removal.
    std::fs::write(dir.join("neighbour.txt"), b"stay").unwrap();
    let hash = client.add(add_started(&swarm.torrent, dir)).await.unwrap();
    assert_eq!(hash, swarm.hash);

    let done = wait_within(
        client.as_ref(),
        &hash,
        "the download",
        Duration::from_secs(90),
        |t| t.complete && t.state == TorrentState::Seeding,
    )
    .await;
    assert_eq!(done.progress, 100.0);
    assert_eq!(done.size, swarm.torrent.total_size);
    assert_eq!(done.labels, vec!["swarm".to_owned()]);
    let data = dir.join("album");
    assert_eq!(done.base_path, data.display().to_string());
    for file in ["a.bin", "sub/b.bin", "c.txt"] {
        assert!(
            same_bytes(&data.join(file), &swarm.torrent.data_path.join(file)),
            "{file} differs"
        );
    }
    let seeded = swarm.transmission.get(&hash).await.unwrap().unwrap();
    assert!(seeded.uploaded >= swarm.torrent.total_size, "{seeded:#?}");

    let hashes = [hash.clone()];
    client.stop(&hashes).await.unwrap();
    let stopped = wait_for(client.as_ref(), &hash, "paused", |t| {
        t.state == TorrentState::Paused
    })
    .await;
    assert!(stopped.complete && !stopped.is_active);
    client.start(&hashes).await.unwrap();
    wait_for(client.as_ref(), &hash, "seeding again", |t| {
        t.state == TorrentState::Seeding && t.is_active
    })
    .await;

    let outcome = client.remove(&hash, true).await.unwrap();
    assert_eq!(
        outcome.data,
        DataRemoval::Deleted {
            path: data.display().to_string()
        }
    );
    let report = outcome.files.expect("a file report");
    assert_eq!((report.deleted, report.missing), (3, 0), "{report:?}");
    wait_until_gone(&data).await;
    assert!(dir.join("neighbour.txt").exists());
    assert!(client.get(&hash).await.unwrap().is_none());
    assert!(swarm.torrent.data_path.exists(), "the seed keeps its data");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_download_resumes_it() {
    let big = |dir: &Path| TestTorrent::single_file(dir, "big.bin", 8 << 20, None).unwrap();
    let Some(mut swarm) = swarm("opentracker", EmbeddedEngine::start, big).await else {
        return;
    };
    // About 32 s for the whole file: the restart lands in the middle.
    swarm
        .transmission
        .set_transfer_settings(
            &swarm.hash,
            TransferChange {
                upload_limit: Some(Some(256 * 1024)),
                ..TransferChange::default()
            },
        )
        .await
        .unwrap();
    let client = connect(&swarm.leecher.config()).unwrap();
    let dir = swarm.leecher.download_dir.clone();
    let hash = client.add(add_started(&swarm.torrent, &dir)).await.unwrap();
    let total = swarm.torrent.total_size;
    let before = wait_within(
        client.as_ref(),
        &hash,
        "a fifth",
        Duration::from_secs(60),
        |t| t.downloaded >= total / 5,
    )
    .await;
    assert!(before.downloaded < total, "already done: {before:#?}");

    swarm.leecher.restart().await.unwrap();
    let client: Arc<dyn TorrentClient> = connect(&swarm.leecher.config()).unwrap();
    let after = wait_within(
        client.as_ref(),
        &hash,
        "checked",
        Duration::from_secs(30),
        |t| t.state != TorrentState::Checking,
    )
    .await;
    assert_eq!(after.labels, vec!["swarm".to_owned()]);
    assert_eq!(after.state, TorrentState::Downloading, "{after:#?}");
    assert!(
        after.downloaded >= before.downloaded / 2,
        "resumed from {} of {} verified before the restart",
        after.downloaded,
        before.downloaded
    );
    wait_within(
        client.as_ref(),
        &hash,
        "the download",
        Duration::from_secs(120),
        |t| t.complete,
    )
    .await;
    assert!(same_bytes(&dir.join("big.bin"), &swarm.torrent.data_path));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds_to_rtorrent() {
    if !["rtorrent", "opentracker"]
        .iter()
        .all(|b| daemon_available(b))
    {
        return;
    }
    let engine = EmbeddedEngine::start().await.unwrap();
    let rtorrent = RtorrentDaemon::start(ScgiListener::Tcp).await.unwrap();
    let untracked =
        TestTorrent::single_file(&engine.download_dir, "seeded.bin", 1 << 20, None).unwrap();
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let torrent = untracked.with_tracker(&tracker.announce_url());
    let seed = connect(&engine.config()).unwrap();
    let hash = seed
        .add(add_started(&torrent, &engine.download_dir))
        .await
        .unwrap();
    wait_for(seed.as_ref(), &hash, "seeding", |t| {
        t.state == TorrentState::Seeding && t.complete
    })
    .await;

    let leecher = connect(&rtorrent.config()).unwrap();
    leecher
        .add(AddTorrent {
            save_path: Some(rtorrent.download_dir.display().to_string()),
            ..AddTorrent::plain(TorrentSource::File(torrent.bytes.clone()), true)
        })
        .await
        .unwrap();
    // The engine announces from 127.0.0.1 but listens on its own address, so
    // rTorrent cannot reach it from the tracker's list: once rTorrent has
    // announced, the engine asks the tracker again and connects to it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let mut asked = tokio::time::Instant::now() - Duration::from_secs(10);
    loop {
        let t = leecher.get(&hash).await.unwrap().expect("listed");
        if t.complete {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no download: {t:#?}"
        );
        let announced = leecher
            .trackers(&hash)
            .await
            .unwrap()
            .first()
            .is_some_and(|tr| tr.status == TrackerStatus::Working);
        if announced && asked.elapsed() > Duration::from_secs(5) && t.downloaded == 0 {
            seed.reannounce(std::slice::from_ref(&hash)).await.unwrap();
            asked = tokio::time::Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(same_bytes(
        &rtorrent.download_dir.join("seeded.bin"),
        &torrent.data_path
    ));
    let seeded = seed.get(&hash).await.unwrap().unwrap();
    assert!(seeded.uploaded >= 1 << 20, "{seeded:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_magnet_fetches_its_metadata_from_the_swarm_then_downloads() {
    let album = |dir: &Path| {
        TestTorrent::multi_file(
            dir,
            "mag",
            &[("x.bin", 300_000), ("y/z.bin", 200_000)],
            None,
        )
        .unwrap()
    };
    let Some(swarm) = swarm("opentracker", EmbeddedEngine::start, album).await else {
        return;
    };
    let client = connect(&swarm.leecher.config()).unwrap();
    let dir = &swarm.leecher.download_dir;
    let magnet = swarm.torrent.magnet(Some(&swarm.tracker.announce_url()));
    let hash = client
        .add(AddTorrent {
            labels: vec!["by magnet".into()],
            save_path: Some(dir.display().to_string()),
            ..AddTorrent::plain(TorrentSource::Magnet(magnet.clone()), true)
        })
        .await
        .unwrap();
    assert_eq!(hash, swarm.hash);
    let err = client
        .add(AddTorrent::plain(TorrentSource::Magnet(magnet), true))
        .await
        .unwrap_err();
    assert_eq!(err.kind, tm_backends::ErrorKind::Duplicate(hash.clone()));
    let done = wait_within(
        client.as_ref(),
        &hash,
        "the download",
        Duration::from_secs(90),
        |t| t.complete && t.state == TorrentState::Seeding,
    )
    .await;
    assert_eq!(done.name, "mag");
    assert_eq!(done.labels, vec!["by magnet".to_owned()]);
    assert_eq!(done.base_path, dir.join("mag").display().to_string());
    for file in ["x.bin", "y/z.bin"] {
        assert!(same_bytes(
            &dir.join("mag").join(file),
            &swarm.torrent.data_path.join(file)
        ));
    }
    // The engine keeps the metadata it fetched.
    let metainfo = client.export_metainfo(&hash).await.unwrap();
    let parsed = tm_backends::torrent_file::parse(&metainfo).unwrap();
    assert_eq!(parsed.info_hash(), hash);
}

#[tokio::test]
async fn a_users_share_holds_only_what_they_added_inside_their_folder() {
    let engine = EmbeddedEngine::start().await.unwrap();
    let made = engine.state_dir.join("made");
    std::fs::create_dir_all(&made).unwrap();
    let first = TestTorrent::single_file(&made, "first.bin", 40_000, None).unwrap();
    let second = TestTorrent::single_file(&made, "second.bin", 30_000, None).unwrap();
    let paused = |torrent: &TestTorrent, save: Option<&str>| AddTorrent {
        save_path: save.map(str::to_owned),
        ..AddTorrent::plain(TorrentSource::File(torrent.bytes.clone()), false)
    };
    let whole = connect(&engine.config()).unwrap();
    let alice = connect(&engine.config_for_user("alice")).unwrap();
    let bob = connect(&engine.config_for_user("bob")).unwrap();
    let alice_dir = engine.download_dir.join("users").join("alice");

    let hash = alice.add(paused(&first, None)).await.unwrap();
    let added = alice.get(&hash).await.unwrap().expect("in alice's share");
    assert_eq!(
        added.base_path,
        alice_dir.join("first.bin").display().to_string()
    );
    assert_eq!(whole.list().await.unwrap().len(), 1, "the whole engine");
    assert!(bob.list().await.unwrap().is_empty());
    assert!(bob.get(&hash).await.unwrap().is_none());
    let hashes = [hash.clone()];
    for refused in [
        bob.start(&hashes).await.unwrap_err(),
        bob.set_labels(&hash, &["mine".into()]).await.unwrap_err(),
        bob.remove(&hash, true).await.unwrap_err(),
    ] {
        assert!(matches!(refused.kind, ErrorKind::NotFound(_)), "{refused}");
    }
    let twice = bob.add(paused(&first, None)).await.unwrap_err();
    assert!(matches!(twice.kind, ErrorKind::Duplicate(_)), "{twice}");

    // Save paths stay in alice's folder, links resolved.
    std::os::unix::fs::symlink(&made, alice_dir.join("escape")).unwrap();
    let engine_root = engine.download_dir.display().to_string();
    for outside in ["/tmp", engine_root.as_str(), "escape/deeper", "../bob"] {
        let err = alice.add(paused(&second, Some(outside))).await.unwrap_err();
        assert!(
            matches!(err.kind, ErrorKind::Invalid(_)),
            "{outside}: {err}"
        );
    }
    let nested = alice.add(paused(&second, Some("tv/new"))).await.unwrap();
    let shown = alice.get(&nested).await.unwrap().unwrap();
    assert_eq!(
        shown.base_path,
        alice_dir.join("tv/new/second.bin").display().to_string()
    );
    assert_eq!(alice.list().await.unwrap().len(), 2);
    alice.remove(&hash, false).await.unwrap();
    assert_eq!(whole.list().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_tracker_the_owners_policy_refuses_is_refused_before_anything_is_added() {
    let engine = EmbeddedEngine::start().await.unwrap();
    let made = engine.state_dir.join("made");
    std::fs::create_dir_all(&made).unwrap();
    let mut config = engine.config_for_user("carol");
    config.egress = tm_backends::TargetPolicy::public_only();
    let carol = connect(&config).unwrap();
    let local = TestTorrent::single_file(
        &made,
        "local.bin",
        20_000,
        Some("http://127.0.0.1:1/announce"),
    )
    .unwrap();
    let sources = [
        TorrentSource::File(local.bytes.clone()),
        TorrentSource::Magnet(local.magnet(Some("udp://[::1]:6969/announce"))),
        TorrentSource::Magnet(local.magnet(Some("http://localhost:1/announce"))),
    ];
    for source in sources {
        let refused = carol
            .add(AddTorrent::plain(source, false))
            .await
            .unwrap_err();
        assert!(matches!(refused.kind, ErrorKind::Forbidden(_)), "{refused}");
        assert!(refused.to_string().contains("tracker"), "{refused}");
    }
    assert!(carol.list().await.unwrap().is_empty());
    // Without a tracker (DHT and peers only), or for the admin's whole
    // engine (private targets allowed), it is added.
    let trackerless = TestTorrent::single_file(&made, "dht.bin", 20_000, None).unwrap();
    carol
        .add(AddTorrent::plain(
            TorrentSource::File(trackerless.bytes.clone()),
            false,
        ))
        .await
        .unwrap();
    let whole = connect(&engine.config()).unwrap();
    whole
        .add(AddTorrent::plain(
            TorrentSource::File(local.bytes.clone()),
            false,
        ))
        .await
        .unwrap();
    assert_eq!(whole.list().await.unwrap().len(), 2);
}
