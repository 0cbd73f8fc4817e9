//! `sync/maindata` deltas merged into a per-client cache.
//!
//! Each answer carries a `rid` to send next time; the next answer holds
//! only the changed fields of changed torrents, and `torrents_removed`, or
//! `full_update: true` with everything. Changes are collected until
//! `list_changes` takes them, so other readers of `maindata` (free space)
//! lose none.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::mapping::QbtTorrent;
use crate::model::{Torrent, TorrentChanges};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct MainData {
    rid: i64,
    full_update: bool,
    /// Hash → the torrent's fields (only the changed ones unless full).
    torrents: HashMap<String, Map<String, Value>>,
    torrents_removed: Vec<String>,
    server_state: Map<String, Value>,
}

#[derive(Debug, Default)]
pub(super) struct SyncCache {
    /// To send next; 0 asks for everything.
    rid: i64,
    torrents: HashMap<String, Map<String, Value>>,
    /// Changed since changes were last taken.
    changed: BTreeSet<String>,
    removed: BTreeSet<String>,
    /// A full update not yet taken.
    full_pending: bool,
    /// qBittorrent answers 0 until its background disk check has first run
    /// (moments after start), so a 0 counts only after a measured value:
    /// a rule on free space must not act on a disk that was never measured.
    free_space: Option<u64>,
}

impl SyncCache {
    pub fn rid(&self) -> i64 {
        self.rid
    }

    pub fn free_space(&self) -> Option<u64> {
        self.free_space
    }

    pub fn apply(&mut self, data: MainData) {
        self.rid = data.rid;
        if data.full_update {
            self.torrents.clear();
            self.changed.clear();
            self.removed.clear();
            self.full_pending = true;
        }
        for (hash, fields) in data.torrents {
            let hash = hash.to_ascii_lowercase();
            let entry = self.torrents.entry(hash.clone()).or_default();
            entry.extend(fields);
            entry.insert("hash".to_owned(), Value::String(hash.clone()));
            self.removed.remove(&hash);
            self.changed.insert(hash);
        }
        for hash in data.torrents_removed {
            let hash = hash.to_ascii_lowercase();
            self.torrents.remove(&hash);
            self.changed.remove(&hash);
            self.removed.insert(hash);
        }
        if let Some(free) = data.server_state.get("free_space_on_disk") {
            let measured = self.free_space.is_some();
            self.free_space = free.as_u64().filter(|&bytes| bytes > 0 || measured);
        }
    }

    /// What changed since the previous call: everything after a full update.
    pub fn take_changes(&mut self) -> Result<TorrentChanges, serde_json::Error> {
        let full = std::mem::take(&mut self.full_pending);
        let changed = std::mem::take(&mut self.changed);
        let removed = std::mem::take(&mut self.removed);
        let torrents = if full {
            self.torrents
                .values()
                .map(torrent)
                .collect::<Result<_, _>>()
        } else {
            changed
                .iter()
                .filter_map(|hash| self.torrents.get(hash))
                .map(torrent)
                .collect::<Result<_, _>>()
        }?;
        Ok(TorrentChanges {
            full,
            torrents,
            removed: if full {
                Vec::new()
            } else {
                removed.into_iter().collect()
            },
        })
    }
}

fn torrent(fields: &Map<String, Value>) -> Result<Torrent, serde_json::Error> {
    QbtTorrent::deserialize(fields).map(QbtTorrent::into_torrent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn data(value: Value) -> MainData {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn free_space_is_unknown_until_qbittorrent_has_measured_it() {
        let mut cache = SyncCache::default();
        let state = |rid: i64, free: u64| {
            data(json!({"rid": rid, "server_state": {"free_space_on_disk": free}}))
        };
        cache.apply(state(1, 0));
        assert_eq!(cache.free_space(), None);
        cache.apply(state(2, 5000));
        assert_eq!(cache.free_space(), Some(5000));
        cache.apply(state(3, 0));
        assert_eq!(cache.free_space(), Some(0));
    }

    #[test]
    fn merges_deltas_and_reports_removals() {
        let mut cache = SyncCache::default();
        cache.apply(data(json!({
            "rid": 1, "full_update": true,
            "torrents": {
                A: {"name": "a", "state": "pausedDL", "total_size": 10},
                B: {"name": "b", "state": "pausedDL", "total_size": 20}
            },
            "server_state": {"free_space_on_disk": 1234}
        })));
        assert_eq!(cache.rid(), 1);
        assert_eq!(cache.free_space(), Some(1234));
        let first = cache.take_changes().unwrap();
        assert!(first.full);
        assert_eq!(first.torrents.len(), 2);

        cache.apply(data(json!({
            "rid": 2, "torrents": {A: {"state": "stalledUP"}}, "torrents_removed": [B]
        })));
        let changes = cache.take_changes().unwrap();
        assert!(!changes.full);
        assert_eq!(changes.removed, vec![B.to_owned()]);
        assert_eq!(changes.torrents.len(), 1);
        assert_eq!(changes.torrents[0].name, "a");
        assert_eq!(changes.torrents[0].size, 10);
        assert_eq!(
            changes.torrents[0].state,
            crate::model::TorrentState::Seeding
        );
        let none = cache.take_changes().unwrap();
        assert!(!none.full && none.torrents.is_empty() && none.removed.is_empty());
    }
}
