//! The rTorrent adapter against a real rtorrent, over SCGI (TCP and unix
//! socket) and over HTTP through nginx.

mod common;
#[path = "rtorrent/injection.rs"]
mod injection;
#[path = "rtorrent/magnet.rs"]
mod magnet;
#[path = "rtorrent/removal.rs"]
mod removal;

use std::time::Duration;

use tm_backends::{
    AddTorrent, ClientKind, Connection, ErrorKind, RtorrentConnection, Tls, TorrentSource, connect,
};
use tm_testkit::{
    NginxScgiProxy, RtorrentDaemon, ScgiListener, TestTorrent, daemon_available,
    trusting_any_certificate, with_password, with_path,
};

use common::DEAD_TRACKER;

#[tokio::test]
async fn wrong_password_at_the_nginx_proxy() {
    if !daemon_available("rtorrent") || !daemon_available("nginx") {
        return;
    }
    let daemon = RtorrentDaemon::start(ScgiListener::Tcp).await.unwrap();
    let proxy = NginxScgiProxy::start(daemon.scgi_port.unwrap())
        .await
        .unwrap();
    let wrong = with_password(&proxy.config(), "nope");
    let err = connect(&wrong).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::AuthFailed(_)), "{err}");
    assert!(err.to_string().contains("test-rtorrent-http"), "{err}");

    // A path nginx does not proxy: an HTML 404, not an RPC endpoint.
    let wrong_path = with_path(&proxy.config(), "/not-rpc");
    let err = connect(&wrong_path).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotATorrentClient(_)), "{err}");

    // rTorrent gone, nginx still up: the proxy's 502 is a network failure.
    drop(daemon);
    let err = connect(&proxy.config()).unwrap().probe().await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Network(m) if m.contains("502")),
        "{err}"
    );
}

#[tokio::test]
async fn https_with_a_self_signed_certificate_needs_the_opt_in() {
    if !daemon_available("rtorrent") || !daemon_available("nginx") {
        return;
    }
    let daemon = RtorrentDaemon::start(ScgiListener::Tcp).await.unwrap();
    let proxy = NginxScgiProxy::start_tls(daemon.scgi_port.unwrap())
        .await
        .unwrap();
    let strict = proxy.config();
    let Connection::Rtorrent(RtorrentConnection::Http { endpoint, .. }) = &strict.connection else {
        panic!("{strict:?}");
    };
    assert_eq!(endpoint.tls, Tls::Verified);
    let err = connect(&strict).unwrap().probe().await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Network(_)), "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );

    let trusting = trusting_any_certificate(&proxy.config());
    let info = connect(&trusting).unwrap().probe().await.unwrap();
    assert_eq!(info.client, ClientKind::Rtorrent);
}

#[tokio::test]
async fn magnet_without_tracker_is_reported_not_silently_dropped() {
    if !daemon_available("rtorrent") {
        return;
    }
    let daemon = RtorrentDaemon::start(ScgiListener::Tcp).await.unwrap();
    let mut config = daemon.config();
    config.timeout = Duration::from_secs(1);
    let client = connect(&config).unwrap();
    let torrent =
        TestTorrent::single_file(daemon.scratch_dir(), "m.bin", 10, Some(DEAD_TRACKER)).unwrap();
    let err = client
        .add(AddTorrent::plain(
            TorrentSource::Magnet(torrent.magnet(None)),
            true,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Rejected(reason) if reason.contains("DHT")),
        "{err}"
    );
}
