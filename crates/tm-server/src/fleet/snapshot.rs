use std::collections::HashMap;
use std::sync::Arc;

use tm_backends::{Torrent, TorrentChanges};

/// A server's torrents at one moment. Immutable: a poll builds the next one.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Goes up by one whenever the torrents change.
    pub revision: u64,
    pub torrents: Arc<HashMap<String, Torrent>>,
}

impl Snapshot {
    /// The snapshot after `changes`, or `None` when nothing changed.
    pub fn apply(&self, changes: TorrentChanges) -> Option<Snapshot> {
        let next: HashMap<String, Torrent> = if changes.full {
            changes
                .torrents
                .into_iter()
                .map(|t| (t.info_hash.clone(), t))
                .collect()
        } else {
            if changes.torrents.is_empty() && changes.removed.is_empty() {
                return None;
            }
            let mut next = (*self.torrents).clone();
            for hash in &changes.removed {
                next.remove(hash);
            }
            for torrent in changes.torrents {
                next.insert(torrent.info_hash.clone(), torrent);
            }
            next
        };
        if next == *self.torrents {
            return None;
        }
        Some(Snapshot {
            revision: self.revision + 1,
            torrents: Arc::new(next),
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
