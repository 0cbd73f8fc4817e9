use std::collections::HashMap;
use std::sync::Arc;

use tm_backends::{Torrent, TorrentChanges};

use super::ServerSpec;
use super::metainfo_index::MetainfoIndex;
use super::view::TorrentView;

/// A server's torrents at one moment. Immutable: a poll builds the next one.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Goes up by one whenever the torrents change.
    pub revision: u64,
    pub torrents: Arc<HashMap<String, Torrent>>,
    /// The API's view of each torrent, serialized once when it changes, so a
    /// list is filtering, sorting and concatenation.
    pub views: Arc<HashMap<String, Arc<TorrentView>>>,
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
        let flags_changed = self
            .views
            .iter()
            .any(|(hash, view)| view.info.has_metainfo != stored.contains(hash));
        let next: Arc<HashMap<String, Torrent>> = if changes.full {
            Arc::new(
                changes
                    .torrents
                    .into_iter()
                    .map(|t| (t.info_hash.clone(), t))
                    .collect(),
            )
        } else if changes.torrents.is_empty() && changes.removed.is_empty() {
            Arc::clone(&self.torrents)
        } else {
            let mut next = (*self.torrents).clone();
            for hash in &changes.removed {
                next.remove(hash);
            }
            for torrent in changes.torrents {
                next.insert(torrent.info_hash.clone(), torrent);
            }
            Arc::new(next)
        };
        if !flags_changed && *next == *self.torrents {
            return None;
        }
        // Unchanged torrents keep their view (and its serialized form).
        let views = next
            .iter()
            .map(|(hash, torrent)| {
                let has_metainfo = stored.contains(hash);
                let view = match (self.torrents.get(hash), self.views.get(hash)) {
                    (Some(old), Some(view))
                        if old == torrent && view.info.has_metainfo == has_metainfo =>
                    {
                        Arc::clone(view)
                    }
                    _ => Arc::new(TorrentView::new(server, torrent, has_metainfo)),
                };
                (hash.clone(), view)
            })
            .collect();
        let rate = |of: fn(&Torrent) -> u64| next.values().map(of).fold(0, u64::saturating_add);
        Some(Snapshot {
            revision: self.revision + 1,
            download_rate: rate(|t| t.download_rate),
            upload_rate: rate(|t| t.upload_rate),
            torrents: next,
            views: Arc::new(views),
        })
    }

    /// True when something is moving data or verifying it: worth polling often.
    pub fn is_busy(&self) -> bool {
        use tm_backends::TorrentState::{Checking, Downloading, Metadata};
        self.torrents.values().any(|t| {
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
        assert!(!first.views["a"].info.has_metainfo);
        let nothing = || TorrentChanges {
            full: false,
            torrents: vec![],
            removed: vec![],
        };
        assert!(first.apply(&server(), nothing(), &stored).is_none());
        stored.extend(["a".to_string()]);
        let second = first.apply(&server(), nothing(), &stored).unwrap();
        assert_eq!(second.revision, 2, "lists rendered before are stale");
        assert!(second.views["a"].info.has_metainfo);
        assert!(second.views["a"].json.contains(r#""has_metainfo":true"#));
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
        assert!(second.views["b"].json.contains(r#""download_rate":2"#));
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
