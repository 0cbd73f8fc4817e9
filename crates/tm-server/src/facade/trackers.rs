//! `torrents/info?includeTrackers=true` (qBittorrent 5.1): each torrent with
//! its tracker list, and `tracker` set to the URL of its working tracker.
//! Our snapshots keep only a tracker's host, so the lists are asked of the
//! clients, a few torrents at a time.

use futures::stream::{self, StreamExt};
use serde_json::Value;

use super::{Facade, tracker_object};

/// Tracker lists asked of the clients at once.
const CONCURRENT_LISTS: usize = 8;

impl Facade<'_> {
    /// Adds `trackers` (and `tracker`) to each object of `torrents/info`.
    /// A torrent whose client fails to answer gets an empty list.
    pub async fn include_trackers(&self, objects: &mut [Value]) {
        let keys: Vec<(String, String)> = objects
            .iter()
            .map(|o| {
                let text = |field: &str| o[field].as_str().unwrap_or_default().to_string();
                (text("hash"), text("server_id"))
            })
            .collect();
        let lists: Vec<Vec<Value>> = stream::iter(keys)
            .map(|(hash, server)| async move { self.tracker_objects(&hash, &server).await })
            .buffered(CONCURRENT_LISTS)
            .collect()
            .await;
        for (object, trackers) in objects.iter_mut().zip(lists) {
            let working = trackers
                .iter()
                .find(|t| t["status"] == 2)
                .and_then(|t| t["url"].as_str())
                .unwrap_or_default()
                .to_string();
            object["tracker"] = Value::String(working);
            object["trackers"] = Value::Array(trackers);
        }
    }

    async fn tracker_objects(&self, hash: &str, server: &str) -> Vec<Value> {
        match self
            .core
            .torrent_trackers(self.user, hash, Some(server))
            .await
        {
            Ok(response) => response
                .trackers
                .iter()
                .enumerate()
                .map(|(tier, tracker)| tracker_object(tier, tracker))
                .collect(),
            Err(error) => {
                tracing::debug!(target: "facade", %error, "no tracker list for torrents/info");
                Vec::new()
            }
        }
    }
}
