//! The client's torrent calls on every client kind and transport, against
//! the real daemons: what works on Transmission works on all of them, and
//! what a client cannot do answers `client_unsupported`.

use std::time::Duration;

use tm_client::{
    Client, ErrorCode, LabelSupport, TorrentQuery, TorrentState, TorrentUpload, UploadOptions,
};
use tm_testkit::TestTorrent;

use crate::harness::{TestServer, register, wait_until};

/// Nothing listens there; some clients want a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";
const SETTLE: Duration = Duration::from_secs(30);

async fn state_of(client: &Client, hash: &str, server_id: &str) -> Option<TorrentState> {
    let torrent = client.get_torrent(hash, Some(server_id)).await.ok()?;
    Some(torrent.state)
}

async fn listed(client: &Client, server_id: &str) -> Vec<String> {
    let query = TorrentQuery {
        server_id: Some(server_id.to_string()),
        ..TorrentQuery::default()
    };
    let page = client.list_torrents(&query).await.expect("a list");
    page.torrents.into_iter().map(|t| t.info_hash).collect()
}

tm_testkit::for_every_client! {
    async fn torrent_calls(kind: ClientUnderTest) {
        let Some((running, server)) = TestServer::for_client(kind).await else {
            return;
        };
        let alice = server.user("alice").await;
        let server_id = register(&alice, "box", &running).await;
        let can = alice
            .get_server(&server_id)
            .await
            .unwrap()
            .capabilities
            .expect("capabilities once connected");
        let sid = Some(server_id.as_str());

        let scratch = tempfile::tempdir().unwrap();
        let torrent = TestTorrent::multi_file(
            scratch.path(),
            "kit",
            &[("a.bin", 40_000), ("b.bin", 20_000)],
            Some(TRACKER),
        )
        .unwrap();
        let hash = torrent.info_hash.clone();
        let upload = TorrentUpload {
            filename: "kit.torrent".into(),
            bytes: torrent.bytes.clone(),
        };
        let options = UploadOptions {
            server_id: Some(server_id.clone()),
            start: false,
            labels: Vec::new(),
            save_path: None,
        };
        let uploaded = alice.upload_torrent(upload, &options).await.unwrap();
        assert_eq!(uploaded.info_hash, hash);
        assert!(listed(&alice, &server_id).await.contains(&hash), "a write shows at once");

        let files = alice.torrent_files(&hash, sid).await.unwrap();
        let mut names: Vec<&str> = files.files.iter().map(|f| f.path.as_str()).collect();
        names.sort_unstable();
        assert!(names[0].ends_with("a.bin") && names[1].ends_with("b.bin"), "{names:?}");
        let trackers = alice.torrent_trackers(&hash, sid).await.unwrap();
        assert!(trackers.trackers.iter().any(|t| t.url == TRACKER), "{trackers:?}");

        // Some clients check the (absent) data first.
        wait_until(SETTLE, || async {
            (state_of(&alice, &hash, &server_id).await? == TorrentState::Paused).then_some(())
        })
        .await
        .expect("added paused");
        alice.start_torrent(&hash, sid).await.unwrap();
        wait_until(SETTLE, || async {
            (state_of(&alice, &hash, &server_id).await? != TorrentState::Paused).then_some(())
        })
        .await
        .expect("started");
        alice.stop_torrent(&hash, sid).await.unwrap();
        wait_until(SETTLE, || async {
            (state_of(&alice, &hash, &server_id).await? == TorrentState::Paused).then_some(())
        })
        .await
        .expect("stopped");

        let wanted: Vec<String> = match can.labels {
            LabelSupport::None => Vec::new(),
            LabelSupport::Single => vec!["tv".into()],
            LabelSupport::Many => vec!["tv".into(), "hd".into()],
        };
        let labelled = alice.set_labels(&hash, sid, wanted.clone()).await;
        if can.labels == LabelSupport::None {
            let refused = labelled.expect_err("no labels on this client");
            assert_eq!(refused.code(), Some(ErrorCode::ClientUnsupported));
        } else {
            let mut held = labelled.unwrap().labels;
            held.sort_unstable();
            let mut expected = wanted.clone();
            expected.sort_unstable();
            assert_eq!(held, expected);
            let seen = alice.get_torrent(&hash, sid).await.unwrap().labels;
            assert_eq!(seen.len(), wanted.len(), "{seen:?}");
        }

        crate::torrent_settings::settings_round_trip(&alice, &hash, sid, &can).await;

        alice.remove_torrent(&hash, sid, true).await.unwrap();
        assert!(!listed(&alice, &server_id).await.contains(&hash), "gone at once");
    }
}
