//! The Transmission adapter against a real transmission-daemon.

mod common;

use tm_backends::{ErrorKind, TorrentClient, connect};
use tm_testkit::{TestTorrent, TransmissionDaemon, daemon_available, with_password, with_path};

use common::{add_paused, wait_for};

#[tokio::test]
async fn wrong_password_and_wrong_path() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.unwrap();
    let wrong = with_password(&daemon.config(), "wrong");
    let err = connect(&wrong).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("test-transmission (Transmission at http://127.0.0.1:"),
        "{err}"
    );

    let web_ui = with_path(&daemon.config(), "/transmission/web/");
    let err = connect(&web_ui).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotATorrentClient(_)), "{err}");
}

#[tokio::test]
async fn incremental_list_reports_changes_and_removals() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.unwrap();
    let client = connect(&daemon.config()).unwrap();
    assert!(client.probe().await.unwrap().capabilities.incremental_list);
    let dir = daemon.scratch_dir();
    let first = TestTorrent::single_file(dir, "one.bin", 1000, None).unwrap();
    let second = TestTorrent::single_file(dir, "two.bin", 1000, None).unwrap();
    client.add(add_paused(&first, dir, &[])).await.unwrap();

    let initial = client.list_changes().await.unwrap();
    assert!(initial.full);
    assert_eq!(initial.torrents.len(), 1);

    client.add(add_paused(&second, dir, &[])).await.unwrap();
    wait_for(client.as_ref(), &second.info_hash, "verified", |t| {
        t.state == tm_backends::TorrentState::Paused
    })
    .await;
    client.remove(&first.info_hash, false).await.unwrap();
    let changes = client.list_changes().await.unwrap();
    assert!(!changes.full);
    assert_eq!(changes.removed, vec![first.info_hash.clone()]);
    assert!(
        changes
            .torrents
            .iter()
            .any(|t| t.info_hash == second.info_hash)
    );
    assert!(
        changes
            .torrents
            .iter()
            .all(|t| t.info_hash != first.info_hash)
    );
}

#[tokio::test]
async fn corrupt_torrent_is_invalid_before_reaching_the_daemon() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.unwrap();
    let client: std::sync::Arc<dyn TorrentClient> = connect(&daemon.config()).unwrap();
    let err = client
        .add(tm_backends::AddTorrent::plain(
            tm_backends::TorrentSource::File(b"d4:spam3:egge".to_vec()),
            false,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Invalid("invalid .torrent file: missing info dictionary".into())
    );
}

/// Transmission 3 drops a stop sent while a torrent waits for its check with
/// a start pending, and starts it when the check ends. The adapter stops it
/// again: after the check, the torrent stays stopped.
#[tokio::test]
async fn a_stop_during_the_check_is_kept() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.unwrap();
    let client = connect(&daemon.config()).unwrap();
    let dir = daemon.scratch_dir();
    // Large enough that the check is still running when the stop arrives.
    let big =
        TestTorrent::single_file(dir, "big.bin", 200 << 20, Some(common::DEAD_TRACKER)).unwrap();
    client.add(add_paused(&big, dir, &[])).await.unwrap();
    let hashes = [big.info_hash.clone()];
    client.start(&hashes).await.unwrap();
    client.stop(&hashes).await.unwrap();
    let during = client.get(&big.info_hash).await.unwrap().unwrap();
    assert!(
        matches!(
            during.state,
            tm_backends::TorrentState::Checking | tm_backends::TorrentState::Queued
        ),
        "the stop arrived during the check: {:?}",
        during.state
    );
    client.list_changes().await.unwrap();
    // Poll as the manager does until the check is over, then a while longer.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut after_check = 0;
    while after_check < 10 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the check never ended"
        );
        let changes = client.list_changes().await.unwrap();
        if let Some(t) = changes
            .torrents
            .iter()
            .find(|t| t.info_hash == big.info_hash)
            && !matches!(
                t.state,
                tm_backends::TorrentState::Checking | tm_backends::TorrentState::Queued
            )
        {
            after_check += 1;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    let settled = client.get(&big.info_hash).await.unwrap().unwrap();
    assert_eq!(
        settled.state,
        tm_backends::TorrentState::Paused,
        "{settled:?}"
    );
    assert!(!settled.is_active);
    assert!(settled.complete, "the check found the data");
}

/// Transmission deletes its own file list (`delete-local-data`), so two
/// torrents named `Album` in one folder, and the user's `keep.txt` there,
/// keep each other's files; the deleted one's files are gone.
#[tokio::test]
async fn deleting_data_keeps_a_neighbours_files_in_a_shared_folder() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.unwrap();
    let client = connect(&daemon.config()).unwrap();
    let root = &daemon.download_dir;
    let first_files = [("one.flac", 20_000), ("disc/x.flac", 10_000)];
    let second_files = [("two.flac", 20_000), ("disc/y.flac", 10_000)];
    let first = TestTorrent::multi_file(root, "Album", &first_files, None).unwrap();
    let second = TestTorrent::multi_file(root, "Album", &second_files, None).unwrap();
    let keep = root.join("Album/keep.txt");
    std::fs::write(&keep, "mine").unwrap();
    // A folder named like a torrent, already holding the user's files.
    let user = root.join("home");
    std::fs::create_dir_all(user.join("docs")).unwrap();
    std::fs::write(user.join(".bashrc"), "alias").unwrap();
    std::fs::write(user.join("docs/cv.txt"), "cv").unwrap();
    let named_files = [("a.bin", 1_000), ("docs/b.bin", 1_000)];
    let named = TestTorrent::multi_file(root, "home", &named_files, None).unwrap();

    let h1 = client.add(add_paused(&first, root, &[])).await.unwrap();
    let h2 = client.add(add_paused(&second, root, &[])).await.unwrap();
    let h3 = client.add(add_paused(&named, root, &[])).await.unwrap();
    client.remove(&h1, true).await.unwrap();
    client.remove(&h3, true).await.unwrap();

    for (file, _) in first_files {
        common::wait_until_gone(&first.data_path.join(file)).await;
    }
    for (file, _) in named_files {
        common::wait_until_gone(&named.data_path.join(file)).await;
    }
    // Transmission moves the files into a temporary folder first and clears
    // it afterwards: check the neighbours only once that is done.
    let removing = |dir: &std::path::Path| {
        std::fs::read_dir(dir).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("transmission-removed")
        })
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while removing(root) || removing(&first.data_path) {
        assert!(tokio::time::Instant::now() < deadline, "still removing");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for (file, _) in second_files {
        assert!(second.data_path.join(file).exists(), "{file} was deleted");
    }
    assert!(keep.exists(), "keep.txt was deleted");
    assert!(user.join(".bashrc").exists() && user.join("docs/cv.txt").exists());
    assert!(client.get(&h2).await.unwrap().is_some());
}
