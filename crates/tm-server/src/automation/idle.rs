//! When each torrent last moved data. No client reports this alike, so the
//! engine watches the snapshots' transfer rates every tick: a torrent is
//! idle since the last tick it was seen moving data, or, never seen moving,
//! since this process first saw it (a restart starts the count again).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::fleet::Snapshot;

#[derive(Default)]
pub struct IdleTracker {
    servers: Mutex<HashMap<String, ServerIdle>>,
}

#[derive(Default)]
struct ServerIdle {
    /// The snapshot revision last looked at in full.
    revision: Option<u64>,
    /// Torrents moving data in that revision.
    moving: Vec<String>,
    /// Info hash → unix seconds since which it is idle.
    since: HashMap<String, i64>,
}

impl IdleTracker {
    /// Records one look at a server's torrents (`now` in unix seconds). Only
    /// a new revision is walked in full; otherwise the moving ones are bumped.
    pub fn observe(&self, server_id: &str, snapshot: &Snapshot, now: i64) {
        let mut servers = self.servers.lock().unwrap_or_else(|e| e.into_inner());
        let server = servers.entry(server_id.to_string()).or_default();
        if server.revision != Some(snapshot.revision) {
            server.revision = Some(snapshot.revision);
            server.since.retain(|hash, _| snapshot.contains(hash));
            server.moving = snapshot
                .torrents()
                .filter(|t| t.download_rate > 0 || t.upload_rate > 0)
                .map(|t| t.info_hash.clone())
                .collect();
            for hash in snapshot.views.keys() {
                if !server.since.contains_key(hash) {
                    server.since.insert(hash.clone(), now);
                }
            }
        }
        for hash in &server.moving {
            server.since.insert(hash.clone(), now);
        }
    }

    /// Forgets the servers not in `live` (deleted or disabled).
    pub fn retain_servers(&self, live: &HashSet<String>) {
        let mut servers = self.servers.lock().unwrap_or_else(|e| e.into_inner());
        servers.retain(|id, _| live.contains(id));
    }

    pub fn idle_since(&self, server_id: &str, hash: &str) -> Option<i64> {
        let servers = self.servers.lock().unwrap_or_else(|e| e.into_inner());
        servers.get(server_id)?.since.get(hash).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::IdleTracker;
    use crate::automation::test_support::torrent;
    use crate::fleet::Snapshot;

    fn snapshot(revision: u64, upload_rate: u64) -> Snapshot {
        let mut moving = torrent();
        moving.upload_rate = upload_rate;
        Snapshot {
            revision,
            ..Snapshot::of(vec![moving])
        }
    }

    #[test]
    fn idle_time_counts_from_the_last_tick_data_moved() {
        let idle = IdleTracker::default();
        let hash = torrent().info_hash;
        idle.observe("s1", &snapshot(1, 0), 100);
        idle.observe("s1", &snapshot(1, 0), 150);
        assert_eq!(idle.idle_since("s1", &hash), Some(100), "first seen");
        idle.observe("s1", &snapshot(2, 500), 200);
        // Still moving in an unchanged snapshot: bumped every tick.
        idle.observe("s1", &snapshot(2, 500), 210);
        assert_eq!(idle.idle_since("s1", &hash), Some(210));
        idle.observe("s1", &snapshot(3, 0), 220);
        idle.observe("s1", &snapshot(3, 0), 300);
        assert_eq!(idle.idle_since("s1", &hash), Some(210));
        idle.observe(
            "s1",
            &Snapshot {
                revision: 4,
                ..Snapshot::default()
            },
            310,
        );
        assert_eq!(
            idle.idle_since("s1", &hash),
            None,
            "gone torrents are forgotten"
        );
        idle.observe("s1", &snapshot(5, 0), 320);
        idle.retain_servers(&Default::default());
        assert_eq!(idle.idle_since("s1", &hash), None, "and removed servers");
    }
}
