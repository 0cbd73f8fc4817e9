//! Torrents through a real transmission-daemon.

use std::time::Duration;

use tm_client::{
    AddTorrentRequest, BulkAction, BulkActionRequest, Client, Error, ErrorCode, FilePriority,
    FilePriorityChange, TorrentQuery, TorrentRef, TorrentState, TorrentUpload, UploadOptions,
};
use tm_testkit::{ClientUnderTest, TestTorrent};

use crate::harness::{TestServer, register, wait_until};

/// Nothing listens there; rTorrent and Transmission want a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";

async fn state_of(client: &Client, hash: &str) -> Option<TorrentState> {
    client.get_torrent(hash, None).await.ok().map(|t| t.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn torrents_through_transmission() {
    let Some(transmission) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let server_id = register(&alice, "box", &transmission).await;
    let scratch = tempfile::tempdir().unwrap();

    // One upload, paused, with labels.
    let single = TestTorrent::multi_file(
        scratch.path(),
        "album",
        &[("a.flac", 40_000), ("b.flac", 20_000)],
        Some(TRACKER),
    )
    .unwrap();
    let path = scratch.path().join("album.torrent");
    std::fs::write(&path, &single.bytes).unwrap();
    let options = UploadOptions {
        server_id: Some(server_id.clone()),
        start: false,
        labels: vec!["music".into(), "flac".into()],
        save_path: None,
    };
    let uploaded = alice
        .upload_torrent(TorrentUpload::from_path(&path).unwrap(), &options)
        .await
        .unwrap();
    assert_eq!(uploaded.info_hash, single.info_hash);
    assert_eq!(uploaded.torrent_name, "album");
    let duplicate = alice
        .upload_torrent(TorrentUpload::from_path(&path).unwrap(), &options)
        .await;
    assert!(matches!(duplicate, Err(Error::Conflict(_))));
    assert_eq!(
        duplicate.err().and_then(|e| e.code()),
        Some(ErrorCode::DuplicateTorrent)
    );

    // A batch: one good file, one that is not a torrent.
    let second =
        TestTorrent::single_file(scratch.path(), "second.bin", 30_000, Some(TRACKER)).unwrap();
    let batch = alice
        .upload_torrents(
            vec![
                TorrentUpload {
                    filename: "second.torrent".into(),
                    bytes: second.bytes.clone(),
                },
                TorrentUpload {
                    filename: "junk.torrent".into(),
                    bytes: b"not bencode".to_vec(),
                },
            ],
            &UploadOptions {
                server_id: Some(server_id.clone()),
                start: false,
                labels: Vec::new(),
                save_path: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (batch.total, batch.success_count, batch.failure_count),
        (2, 1, 1)
    );
    assert_eq!(
        batch.results[0].info_hash.as_deref(),
        Some(second.info_hash.as_str())
    );
    assert!(!batch.results[1].success);

    // A magnet, started, on the default server.
    let magnet =
        TestTorrent::single_file(scratch.path(), "magnet.bin", 10_000, Some(TRACKER)).unwrap();
    let added = alice
        .add_torrent(&AddTorrentRequest {
            uri: magnet.magnet(Some(TRACKER)),
            server_id: None,
            server_ids: Vec::new(),
            start: true,
            labels: Vec::new(),
            save_path: None,
        })
        .await
        .unwrap();
    assert_eq!(added.info_hash, magnet.info_hash);
    assert_eq!(added.server_id, server_id);

    // The uploads' .torrent files are kept; Transmission cannot hand back a
    // magnet's.
    let kept = alice
        .torrent_metainfo(&second.info_hash, None)
        .await
        .unwrap();
    assert_eq!(kept, second.bytes);
    let listed = alice.get_torrent(&second.info_hash, None).await.unwrap();
    assert!(listed.has_metainfo);
    let missing = alice.torrent_metainfo(&magnet.info_hash, None).await;
    assert!(matches!(missing, Err(Error::NotFound(_))), "{missing:?}");

    // Listing, filtering, paging.
    let all = alice.list_torrents(&TorrentQuery::default()).await.unwrap();
    assert_eq!(all.total, 3);
    let page = alice
        .list_torrents(&TorrentQuery {
            sort: Some("name".into()),
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 3, "the total counts before paging");
    assert_eq!(page.torrents.len(), 1);
    assert_eq!(page.torrents[0].name, "album");
    let labelled = alice
        .list_torrents(&TorrentQuery {
            label: Some("music".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(labelled.torrents.len(), 1);
    assert_eq!(labelled.torrents[0].info_hash, single.info_hash);

    // Start and stop, once the client has looked for the data (a stop
    // during that first check does not stick in Transmission).
    let hash = single.info_hash.as_str();
    wait_until(Duration::from_secs(15), || async {
        (state_of(&alice, hash).await? == TorrentState::Paused).then_some(())
    })
    .await
    .expect("the first check ends");
    alice.start_torrent(hash, None).await.unwrap();
    wait_until(Duration::from_secs(15), || async {
        let state = state_of(&alice, hash).await?;
        (state != TorrentState::Paused).then_some(())
    })
    .await
    .expect("it starts");
    let stopped = alice.stop_torrent(hash, Some(&server_id)).await.unwrap();
    assert_eq!(stopped.info_hash, hash);
    wait_until(Duration::from_secs(15), || async {
        (state_of(&alice, hash).await? == TorrentState::Paused).then_some(())
    })
    .await
    .expect("it stops");
    alice.recheck_torrent(hash, None).await.unwrap();
    let reannounced = alice.reannounce_torrent(hash, None).await.unwrap();
    assert_eq!(reannounced.message, "Torrent reannounce requested");

    // Its data moves to another directory; a relative path is refused.
    let moved_dir = transmission.download_dir.join("moved");
    let moved_text = moved_dir.to_str().unwrap();
    let moved = alice
        .move_torrent_data(hash, moved_text, Some(&server_id))
        .await
        .unwrap();
    assert_eq!(moved.message, format!("Torrent data moved to {moved_text}"));
    wait_until(Duration::from_secs(15), || async {
        let torrent = alice.get_torrent(hash, None).await.ok()?;
        (torrent.save_path.trim_end_matches('/') == moved_text).then_some(())
    })
    .await
    .expect("the new save path shows");
    let refused = alice.move_torrent_data(hash, "elsewhere", None).await;
    assert_eq!(
        refused.err().and_then(|e| e.code()),
        Some(ErrorCode::InvalidInput)
    );

    // Files, priorities, peers, trackers.
    let files = alice.torrent_files(hash, None).await.unwrap();
    assert_eq!(files.files.len(), 2);
    let changed = alice
        .set_file_priorities(
            hash,
            None,
            vec![FilePriorityChange {
                index: 1,
                priority: FilePriority::Skip,
            }],
        )
        .await
        .unwrap();
    assert_eq!(changed.files[1].priority, FilePriority::Skip);
    assert!(
        alice
            .torrent_peers(hash, None)
            .await
            .unwrap()
            .peers
            .is_empty()
    );
    let trackers = alice.torrent_trackers(hash, None).await.unwrap();
    assert_eq!(trackers.trackers[0].url, TRACKER);

    // Labels: get, set, add, remove.
    assert_eq!(
        alice.labels(hash, None).await.unwrap().labels,
        ["music", "flac"]
    );
    alice
        .set_labels(hash, None, vec!["a".into(), "b".into()])
        .await
        .unwrap();
    assert_eq!(
        alice.add_label(hash, None, "c").await.unwrap().labels,
        ["a", "b", "c"]
    );
    assert_eq!(
        alice.remove_label(hash, None, "a").await.unwrap().labels,
        ["b", "c"]
    );

    // Remove, keeping the data; then it is gone.
    let removed = alice.remove_torrent(hash, None, false).await.unwrap();
    assert_eq!(removed.info_hash, hash);
    let gone = alice.get_torrent(hash, None).await;
    assert_eq!(
        gone.as_ref().err().and_then(Error::code),
        Some(ErrorCode::TorrentNotFound)
    );
    assert!(matches!(gone, Err(Error::NotFound(_))));
    let remaining = alice.list_torrents(&TorrentQuery::default()).await.unwrap();
    assert_eq!(remaining.total, 2);

    // The rest in one bulk request, with one torrent that does not exist.
    let mut torrents: Vec<TorrentRef> = remaining
        .torrents
        .iter()
        .map(|t| TorrentRef {
            server_id: t.server_id.clone(),
            info_hash: t.info_hash.clone(),
        })
        .collect();
    torrents.push(TorrentRef {
        server_id: remaining.torrents[0].server_id.clone(),
        info_hash: "0".repeat(40),
    });
    let reannounced = alice
        .bulk_action(&BulkActionRequest {
            action: BulkAction::Reannounce,
            torrents: torrents.clone(),
            delete_data: false,
            labels: Vec::new(),
            path: None,
        })
        .await
        .unwrap();
    let counts = (reannounced.success_count, reannounced.failure_count);
    assert_eq!(counts, (2, 1));
    let answer = alice
        .bulk_action(&BulkActionRequest {
            action: BulkAction::Remove,
            torrents,
            delete_data: false,
            labels: Vec::new(),
            path: None,
        })
        .await
        .unwrap();
    assert_eq!((answer.success_count, answer.failure_count), (2, 1));
    let left = alice.list_torrents(&TorrentQuery::default()).await.unwrap();
    assert_eq!(left.total, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_download_into_save_path() {
    let Some(transmission) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let server_id = register(&alice, "box", &transmission).await;
    // The data is outside the client's download directory: the torrents
    // complete only if the client looks for it in save_path.
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = elsewhere.path().to_str().unwrap().to_string();
    let one = TestTorrent::single_file(elsewhere.path(), "one.bin", 30_000, Some(TRACKER)).unwrap();
    let two = TestTorrent::single_file(elsewhere.path(), "two.bin", 20_000, Some(TRACKER)).unwrap();
    let options = UploadOptions {
        server_id: Some(server_id),
        save_path: Some(dir.clone()),
        ..Default::default()
    };
    let upload = |name: &str, bytes: &[u8]| TorrentUpload {
        filename: name.into(),
        bytes: bytes.to_vec(),
    };
    alice
        .upload_torrent(upload("one.torrent", &one.bytes), &options)
        .await
        .unwrap();
    let batch = alice
        .upload_torrents(vec![upload("two.torrent", &two.bytes)], &options)
        .await
        .unwrap();
    assert_eq!(batch.success_count, 1, "{batch:?}");
    for hash in [&one.info_hash, &two.info_hash] {
        let torrent = wait_until(Duration::from_secs(30), || async {
            let t = alice.get_torrent(hash, None).await.ok()?;
            t.complete.then_some(t)
        })
        .await
        .expect("the client found the data in save_path");
        assert_eq!(torrent.save_path.trim_end_matches('/'), dir);
    }
}
