//! Tracker health from the list call, on every client and transport, with a
//! real opentracker (whitelisting all but one torrent) and a dead tracker.
//! What each client's list can tell (see the table in `model.rs`):
//! Transmission lists only a tracker's answers (its whitelist refusal:
//! `unregistered`); qBittorrent 4.x only whether a tracker works; the
//! embedded engine nothing.

mod common;

use std::time::Duration;

use tm_backends::{
    AddTorrent, ClientKind, Torrent, TorrentClient, TorrentSource, TrackerHealth, connect,
};
use tm_testkit::{Opentracker, TestTorrent, daemon_available};

use common::DEAD_TRACKER;

use TrackerHealth::{NotContacted, TrackerDown, Unregistered, Working};

/// Expected `tracker_status` of: a started torrent the tracker knows, one on
/// the dead tracker, one the tracker refuses, one never started.
fn expected(kind: ClientKind) -> [Option<TrackerHealth>; 4] {
    match kind {
        ClientKind::Transmission => [None, None, Some(Unregistered), None],
        ClientKind::Qbittorrent => [
            Some(Working),
            Some(NotContacted),
            Some(NotContacted),
            Some(NotContacted),
        ],
        ClientKind::Rtorrent | ClientKind::Deluge => [
            Some(Working),
            Some(TrackerDown),
            Some(Unregistered),
            Some(NotContacted),
        ],
        // librqbit tells nothing of its announces.
        ClientKind::Embedded | ClientKind::Rqbit => [None; 4],
    }
}

tm_testkit::for_every_client! {
    async fn list_reports_tracker_health(client: ClientUnderTest) {
        if !daemon_available("opentracker") {
            return;
        }
        let Some(running) = client.start().await else {
            return;
        };
        let adapter = connect(&running.config).expect("connect");
        let dir = &running.download_dir;
        let make = |name| TestTorrent::single_file(dir, name, 40_000, None).unwrap();
        let (tracked, refused, waiting) = (make("tracked.bin"), make("refused.bin"), make("waiting.bin"));
        let tracker = Opentracker::start(&[tracked.info_hash.clone(), waiting.info_hash.clone()])
            .await
            .unwrap();
        let url = tracker.announce_url();
        let dead = TestTorrent::single_file(dir, "dead.bin", 40_000, Some(DEAD_TRACKER)).unwrap();
        let torrents = [
            (tracked.with_tracker(&url), true),
            (dead, true),
            (refused.with_tracker(&url), true),
            (waiting.with_tracker(&url), false),
        ];
        for (torrent, start) in &torrents {
            adapter.add(add(torrent, *start, dir)).await.expect("add");
        }
        // rTorrent drops torrents without a tracker when DHT is off.
        let untracked = (client.kind() != ClientKind::Rtorrent)
            .then(|| make("untracked.bin"));
        if let Some(untracked) = &untracked {
            adapter.add(add(untracked, true, dir)).await.expect("add");
        }
        let want = expected(client.kind());
        let listed = wait_for_list(adapter.as_ref(), |list| {
            torrents.iter().zip(want).all(|((torrent, _), want)| {
                list.iter().any(|t| t.info_hash == torrent.info_hash && t.tracker_status == want)
            })
        })
        .await;
        let find = |hash: &str| listed.iter().find(|t| t.info_hash == hash).unwrap();
        for ((torrent, _), want) in torrents.iter().zip(want) {
            let t = find(&torrent.info_hash);
            // A message exactly when the status comes from one.
            let from_message = matches!(want, Some(TrackerDown | Unregistered));
            assert_eq!(t.tracker_message.is_some(), from_message, "{t:?}");
            // `get` (a torrent re-read after a change) agrees with the list.
            let one = adapter.get(&torrent.info_hash).await.unwrap().unwrap();
            assert_eq!(one.tracker_status, want, "{one:?}");
        }
        if let Some(untracked) = untracked {
            let t = find(&untracked.info_hash);
            assert_eq!((t.tracker_status, &t.tracker_message), (None, &None));
        }
    }
}

fn add(torrent: &TestTorrent, start: bool, dir: &std::path::Path) -> AddTorrent {
    AddTorrent {
        source: TorrentSource::File(torrent.bytes.clone()),
        start,
        labels: vec![],
        save_path: Some(dir.display().to_string()),
        category: None,
        skip_checking: false,
    }
}

/// The list once `done` holds (60 s at most).
async fn wait_for_list(
    client: &dyn TorrentClient,
    done: impl Fn(&[Torrent]) -> bool,
) -> Vec<Torrent> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let list = client.list().await.expect("list");
        if done(&list) {
            return list;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "tracker health never settled: {:#?}",
            list.iter()
                .map(|t| (&t.name, t.tracker_status, &t.tracker_message))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
