use std::sync::Arc;

use tm_backends::{Torrent, TorrentChanges};

use super::ServerSpec;
use super::metainfo_index::MetainfoIndex;
use super::view::{ServerIdentity, TorrentView};
use super::views::Views;

/// A server's torrents at one moment. Immutable: a poll builds the next one.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Goes up by one whenever the torrents change.
    pub revision: u64,
    /// Each torrent as its client reported it with the API's view of it,
    /// serialized once when it changes, so a list is filtering, sorting and
    /// concatenation.
    pub views: Arc<Views>,
    /// Sums of the torrents' rates, bytes per second.
    pub download_rate: u64,
    pub upload_rate: u64,
}

impl Snapshot {
    /// The snapshot after `changes`, or `None` when nothing changed (in the
    /// torrents, or in which of them have their metainfo in `stored`).
    pub fn apply(
        &self,
        server: &ServerSpec,
        changes: TorrentChanges,
        stored: &MetainfoIndex,
    ) -> Option<Snapshot> {
        let stored = stored.read();
        let identity = self
            .views
            .values()
            .next()
            .map(|view| &view.server)
            .filter(|known| known.is_of(server))
            .cloned()
            .unwrap_or_else(|| Arc::new(ServerIdentity::of(server)));
        // A view is kept when its torrent and its metainfo flag are unchanged
        // (and with it its serialized form); else made anew.
        let view_of = |torrent: Torrent| {
            let has_metainfo = stored.contains(&torrent.info_hash);
            match self.views.get(&torrent.info_hash) {
                Some(view) if view.torrent == torrent && view.has_metainfo == has_metainfo => {
                    Arc::clone(view)
                }
                _ => Arc::new(TorrentView::new(&identity, torrent, has_metainfo)),
            }
        };
        let mut next = if changes.full {
            Views::with_capacity(changes.torrents.len())
        } else {
            let mut next = (*self.views).clone();
            for hash in &changes.removed {
                next.remove(hash);
            }
            next
        };
        for torrent in changes.torrents {
            next.insert(view_of(torrent));
        }
        // A stored or dropped metainfo renews the views it concerns.
        let renewed: Vec<Torrent> = next
            .values()
            .filter(|view| view.has_metainfo != stored.contains(&view.torrent.info_hash))
            .map(|view| view.torrent.clone())
            .collect();
        for torrent in renewed {
            next.insert(view_of(torrent));
        }
        let unchanged = next.len() == self.views.len()
            && next.iter().all(|(hash, view)| {
                self.views
                    .get(hash)
                    .is_some_and(|old| Arc::ptr_eq(old, view))
            });
        if unchanged {
            return None;
        }
        let rate = |of: fn(&Torrent) -> u64| {
            next.values()
                .map(|view| of(&view.torrent))
                .fold(0, u64::saturating_add)
        };
        Some(Snapshot {
            revision: self.revision + 1,
            download_rate: rate(|t| t.download_rate),
            upload_rate: rate(|t| t.upload_rate),
            views: Arc::new(next),
        })
    }

    /// The torrent with this info hash, as its client reported it.
    pub fn torrent(&self, hash: &str) -> Option<&Torrent> {
        self.views.get(hash).map(|view| &view.torrent)
    }

    /// Every torrent, as its client reported it.
    pub fn torrents(&self) -> impl Iterator<Item = &Torrent> {
        self.views.values().map(|view| &view.torrent)
    }

    pub fn contains(&self, hash: &str) -> bool {
        self.views.contains_key(hash)
    }

    /// A first snapshot of `torrents`, on the tests' server.
    #[cfg(test)]
    pub fn of(torrents: Vec<Torrent>) -> Snapshot {
        let full = TorrentChanges {
            full: true,
            torrents,
            removed: Vec::new(),
        };
        let server = crate::automation::test_support::server();
        Snapshot::default()
            .apply(&server, full, &MetainfoIndex::default())
            .unwrap_or_default()
    }

    /// True when something is moving data or verifying it: worth polling often.
    pub fn is_busy(&self) -> bool {
        use tm_backends::TorrentState::{Checking, Downloading, Metadata};
        self.torrents().any(|t| {
            matches!(t.state, Downloading | Checking | Metadata)
                || t.download_rate > 0
                || t.upload_rate > 0
        })
    }
}

#[cfg(test)]
mod tests {
    use tm_backends::{Torrent, TorrentChanges, TorrentState};

    use super::*;
    use crate::automation::test_support::server;

    fn torrent(hash: &str, rate: u64) -> Torrent {
        Torrent {
            info_hash: hash.into(),
            info_hash_v2: None,
            name: format!("name-{hash}"),
            state: TorrentState::Downloading,
            progress: 10.0,
            size: 100,
            downloaded: 10,
            uploaded: 0,
            ratio: 0.0,
            download_rate: rate,
            upload_rate: 0,
            eta: None,
            peers: 1,
            seeds: 1,
            labels: vec![],
            category: None,
            save_path: "/d".into(),
            base_path: "/d/x".into(),
            added_at: Some(1),
            completed_at: None,
            is_private: false,
            is_active: true,
            complete: false,
            error: None,
            error_kind: None,
            tracker: None,
            tracker_status: None,
            tracker_message: None,
        }
    }

    #[test]
    fn a_stored_metainfo_renews_the_view_without_a_change_in_the_client() {
        let stored = MetainfoIndex::default();
        let full = TorrentChanges {
            full: true,
            torrents: vec![torrent("a", 1), torrent("b", 1)],
            removed: vec![],
        };
        let first = Snapshot::default().apply(&server(), full, &stored).unwrap();
        assert!(!first.views["a"].has_metainfo);
        let nothing = || TorrentChanges {
            full: false,
            torrents: vec![],
            removed: vec![],
        };
        assert!(first.apply(&server(), nothing(), &stored).is_none());
        stored.extend(["a".to_string()]);
        let second = first.apply(&server(), nothing(), &stored).unwrap();
        assert_eq!(second.revision, 2, "lists rendered before are stale");
        assert!(second.views["a"].has_metainfo);
        assert!(
            second.views["a"]
                .to_json()
                .contains(r#""has_metainfo":true"#)
        );
        assert!(Arc::ptr_eq(&first.views["b"], &second.views["b"]));
        assert!(second.apply(&server(), nothing(), &stored).is_none());
    }

    #[test]
    fn unchanged_torrents_keep_their_serialized_view() {
        let full = TorrentChanges {
            full: true,
            torrents: vec![torrent("a", 1), torrent("b", 1)],
            removed: vec![],
        };
        let first = Snapshot::default()
            .apply(&server(), full, &MetainfoIndex::default())
            .unwrap();
        assert_eq!(first.revision, 1);
        assert_eq!((first.download_rate, first.upload_rate), (2, 0));
        let delta = TorrentChanges {
            full: false,
            torrents: vec![torrent("b", 2)],
            removed: vec![],
        };
        let second = first
            .apply(&server(), delta, &MetainfoIndex::default())
            .unwrap();
        assert_eq!(second.revision, 2);
        assert_eq!(second.download_rate, 3);
        assert!(Arc::ptr_eq(&first.views["a"], &second.views["a"]));
        assert!(!Arc::ptr_eq(&first.views["b"], &second.views["b"]));
        assert!(second.views["b"].to_json().contains(r#""download_rate":2"#));
        let same = TorrentChanges {
            full: true,
            torrents: vec![torrent("a", 1), torrent("b", 2)],
            removed: vec![],
        };
        assert!(
            second
                .apply(&server(), same, &MetainfoIndex::default())
                .is_none(),
            "no change, no revision"
        );

        let json = super::super::view::delta("s1", 3, &first.views, &second.views);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["added"], serde_json::json!([]));
        assert_eq!(
            value["changed"],
            serde_json::json!([{"info_hash": "b", "server_id": "s1", "download_rate": 2}])
        );
        assert_eq!(value["revision"], 3);
    }
}
