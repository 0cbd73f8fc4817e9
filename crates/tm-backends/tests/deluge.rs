//! The Deluge adapter against a real deluged, through deluge-web.

mod common;

use tm_backends::model::LabelSupport;
use tm_backends::{AddTorrent, ClientKind, ErrorKind, TorrentSource, TorrentState, connect};
use tm_testkit::{DelugeDaemon, DelugeWeb, TestTorrent, daemon_available, with_password};

use common::add_paused;

fn deluge_available() -> bool {
    daemon_available("deluged") && daemon_available("deluge-web")
}

#[tokio::test]
async fn the_label_plugin_gives_one_label_per_torrent() {
    if !deluge_available() {
        return;
    }
    let daemon = DelugeDaemon::start(true).await.unwrap();
    let web = DelugeWeb::start(&daemon).await.unwrap();
    let info = connect(&web.config()).unwrap().probe().await.unwrap();
    assert_eq!(info.client, ClientKind::Deluge);
    assert_eq!(info.capabilities.labels, LabelSupport::Single);
}

#[tokio::test]
async fn without_the_label_plugin_labels_are_unsupported() {
    if !deluge_available() {
        return;
    }
    let daemon = DelugeDaemon::start(false).await.unwrap();
    let web = DelugeWeb::start(&daemon).await.unwrap();
    let client = connect(&web.config()).unwrap();
    let info = client.probe().await.unwrap();
    assert_eq!(info.capabilities.labels, LabelSupport::None);

    let dir = daemon.scratch_dir();
    let torrent = TestTorrent::single_file(dir, "plain.bin", 1000, None).unwrap();
    let err = client
        .add(add_paused(&torrent, dir, &["tv"]))
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Unsupported(_)), "{err}");
    assert!(client.get(&torrent.info_hash).await.unwrap().is_none());

    let hash = client.add(add_paused(&torrent, dir, &[])).await.unwrap();
    let err = client
        .set_labels(&hash, &["tv".to_owned()])
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Unsupported(_)), "{err}");
    assert!(client.get(&hash).await.unwrap().unwrap().labels.is_empty());
}

#[tokio::test]
async fn wrong_web_password_is_auth_failed() {
    if !deluge_available() {
        return;
    }
    let daemon = DelugeDaemon::start(false).await.unwrap();
    let web = DelugeWeb::start(&daemon).await.unwrap();
    let wrong = with_password(&web.config(), "wrong");
    let err = connect(&wrong).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("test-deluge-web (Deluge at http://127.0.0.1:"),
        "{err}"
    );
}

/// deluge-web tries its default daemon once, at start: started before the
/// daemon listens, it stays disconnected until we connect it.
#[tokio::test]
async fn web_started_before_its_daemon_is_connected_by_us() {
    if !deluge_available() {
        return;
    }
    let mut daemon = DelugeDaemon::start(true).await.unwrap();
    daemon.stop();
    let web = DelugeWeb::start_unchecked(&daemon).await.unwrap();
    daemon.resume().await.unwrap();
    let client = connect(&web.config()).unwrap();
    let info = client.probe().await.unwrap();
    assert_eq!(info.client, ClientKind::Deluge);
    assert_eq!(info.capabilities.labels, LabelSupport::Single);
    assert!(client.list().await.unwrap().is_empty());
}

/// A started magnet nobody seeds stays without metadata: it shows the
/// magnet's name, and whatever Deluge reports for it holds together.
#[tokio::test]
async fn magnet_before_its_metadata_and_free_space() {
    if !deluge_available() {
        return;
    }
    let daemon = DelugeDaemon::start(true).await.unwrap();
    let web = DelugeWeb::start(&daemon).await.unwrap();
    let client = connect(&web.config()).unwrap();
    let dir = daemon.scratch_dir();
    let torrent = TestTorrent::single_file(dir, "lonely.bin", 1000, None).unwrap();
    let hash = client
        .add(AddTorrent {
            labels: vec!["music".to_owned()],
            ..AddTorrent::plain(
                TorrentSource::Magnet(torrent.magnet(Some(common::DEAD_TRACKER))),
                true,
            )
        })
        .await
        .unwrap();
    assert_eq!(hash, torrent.info_hash);
    let magnet = common::wait_for(client.as_ref(), &hash, "metadata state", |t| {
        t.state == TorrentState::Metadata
    })
    .await;
    assert_eq!(magnet.name, "lonely.bin");
    assert_eq!(magnet.labels, ["music"]);
    assert!(!magnet.complete && magnet.is_active);
    assert_eq!(magnet.progress, 0.0);
    assert_eq!(magnet.save_path, daemon.download_dir.display().to_string());
    assert_eq!(magnet.tracker.as_deref(), Some("127.0.0.1"));
    assert!(client.files(&hash).await.unwrap().is_empty());

    let many = client
        .get_many(&[
            hash.to_uppercase(),
            "0123456789abcdef0123456789abcdef01234567".to_owned(),
        ])
        .await
        .unwrap();
    assert_eq!(many.len(), 1);
    assert!(
        client
            .free_space()
            .await
            .unwrap()
            .is_some_and(|free| free > 0)
    );
}

#[tokio::test]
async fn seed_mode_trusts_the_data() {
    if !deluge_available() {
        return;
    }
    let daemon = DelugeDaemon::start(true).await.unwrap();
    let web = DelugeWeb::start(&daemon).await.unwrap();
    let client = connect(&web.config()).unwrap();
    common::skip_checking_trusts_the_data(client.as_ref(), daemon.scratch_dir()).await;
}
