//! The Transmission adapter against a real transmission-daemon.

mod common;

use tm_backends::testkit::{TestTorrent, TransmissionDaemon, daemon_available};
use tm_backends::{ClientKind, ErrorKind, TorrentClient, connect};

use common::{add_paused, full_scenario, wait_for};

#[tokio::test]
async fn scenario_over_http() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.unwrap();
    let client = connect(&daemon.config()).unwrap();
    full_scenario(client, ClientKind::Transmission, daemon.scratch_dir()).await;
}

#[tokio::test]
async fn wrong_password_and_wrong_path() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.unwrap();
    let mut wrong = daemon.config();
    wrong.password = Some("wrong".into());
    let err = connect(&wrong).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("test-transmission (Transmission at http://127.0.0.1:"),
        "{err}"
    );

    let mut web_ui = daemon.config();
    web_ui.rpc_path = Some("/transmission/web/".into());
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
    assert!(client.capabilities().incremental_list);
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
        .add(tm_backends::AddTorrent {
            source: tm_backends::TorrentSource::File(b"d4:spam3:egge".to_vec()),
            start: false,
            labels: vec![],
            save_path: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Invalid("invalid .torrent file: missing info dictionary".into())
    );
}
