//! Unit-test fixtures: a server spec and a torrent (automation and fleet tests).

use std::time::Duration;

use tm_api_types::ServerType;
use tm_backends::{BackendConfig, Connection, HttpEndpoint, Tls, Torrent};

use crate::fleet::ServerSpec;

pub const NOW: i64 = 1_000_000;

pub fn server() -> ServerSpec {
    ServerSpec {
        id: "s1".into(),
        user_id: "u1".into(),
        name: "box".into(),
        server_type: ServerType::Rtorrent,
        version: 1,
        backend: BackendConfig {
            name: "box".into(),
            connection: Connection::Transmission {
                endpoint: HttpEndpoint {
                    host: "127.0.0.1".into(),
                    port: 9091,
                    path: None,
                    tls: Tls::Off,
                },
                login: None,
            },
            timeout: Duration::from_secs(1),
            egress: tm_backends::TargetPolicy::unrestricted(),
        },
    }
}

pub fn torrent() -> Torrent {
    Torrent {
        info_hash: "a".repeat(40),
        info_hash_v2: None,
        name: "Ubuntu 24.04 ISO".into(),
        state: tm_backends::TorrentState::Seeding,
        progress: 100.0,
        size: 5_000,
        downloaded: 5_000,
        uploaded: 12_500,
        ratio: 2.5,
        download_rate: 0,
        upload_rate: 0,
        eta: None,
        peers: 0,
        seeds: 0,
        labels: vec!["done".into(), "linux".into()],
        category: None,
        save_path: "/d".into(),
        base_path: "/d/x".into(),
        added_at: Some(NOW - 10 * 86_400),
        completed_at: Some(NOW - 8 * 86_400),
        is_private: false,
        is_active: true,
        complete: true,
        error: None,
        error_kind: None,
        tracker: Some("tracker.example.org".into()),
        tracker_status: None,
        tracker_message: None,
    }
}
