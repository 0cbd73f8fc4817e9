//! qBittorrent's JSON (torrents/info, sync/maindata objects) → the model.
//! The state column of the table in `model.rs` is `state_of`.

use serde::Deserialize;

use crate::model::{Torrent, TorrentErrorKind, TorrentState, TrackerHealth, tracker_host};

/// qBittorrent's ETA for "never" (100 days).
const ETA_INFINITE: i64 = 8_640_000;

/// One torrent as `torrents/info` (or a merged `sync/maindata` entry) has
/// it. Every field is optional on the wire: older versions lack some.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct QbtTorrent {
    pub hash: String,
    pub infohash_v2: Option<String>,
    pub name: String,
    pub state: String,
    /// 0–1 of the wanted files.
    pub progress: f64,
    /// -1 while a magnet has no metadata.
    pub total_size: i64,
    /// Bytes of the wanted files present and verified.
    pub completed: i64,
    pub amount_left: i64,
    pub uploaded: i64,
    pub ratio: f64,
    pub dlspeed: i64,
    pub upspeed: i64,
    pub eta: i64,
    pub num_seeds: i64,
    pub num_leechs: i64,
    /// Comma-separated.
    pub tags: String,
    pub category: String,
    pub save_path: String,
    pub content_path: String,
    pub added_on: i64,
    pub completion_on: i64,
    /// 5.0+ only.
    pub private: Option<bool>,
    /// The tracker currently working (empty when none is).
    pub tracker: String,
    /// Lists the trackers (`tr=`) in the torrent's order.
    pub magnet_uri: String,
    /// WebAPI 2.11.7+.
    pub has_tracker_warning: bool,
    pub has_tracker_error: bool,
    pub trackers_count: i64,
    /// Bytes per second; 0 or -1 unlimited.
    pub dl_limit: i64,
    pub up_limit: i64,
}

/// The model's state for qBittorrent's `state` (4.x and 5.x names).
pub(super) fn state_of(state: &str) -> TorrentState {
    match state {
        "checkingUP" | "checkingDL" | "checkingResumeData" => TorrentState::Checking,
        "error" | "missingFiles" => TorrentState::Error,
        "pausedUP" | "pausedDL" | "stoppedUP" | "stoppedDL" => TorrentState::Paused,
        "queuedUP" | "queuedDL" => TorrentState::Queued,
        "metaDL" | "forcedMetaDL" => TorrentState::Metadata,
        "uploading" | "stalledUP" | "forcedUP" => TorrentState::Seeding,
        // downloading, stalledDL, forcedDL, allocating, moving, unknown.
        _ => TorrentState::Downloading,
    }
}

/// `tags` ("a, b") as a list.
pub(super) fn split_tags(tags: &str) -> Vec<String> {
    tags.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A directory as the other adapters report it: no trailing slash.
pub(super) fn clean_dir(path: &str) -> String {
    let trimmed = path.trim_end_matches(['/', '\\']);
    if trimmed.is_empty() {
        path.chars().take(1).collect()
    } else {
        trimmed.to_owned()
    }
}

/// The torrent's data, absolute. Right after an add, before libtorrent's
/// first status, 4.5 gives a multi-file torrent's folder relative to the
/// save path (`album`).
pub(super) fn content_path(save_path: &str, content_path: &str) -> String {
    let bytes = content_path.as_bytes();
    let absolute =
        bytes.first().is_some_and(|b| matches!(b, b'/' | b'\\')) || bytes.get(1) == Some(&b':');
    if content_path.is_empty() {
        save_path.to_owned()
    } else if absolute {
        clean_dir(content_path)
    } else {
        format!(
            "{}/{}",
            save_path.trim_end_matches('/'),
            clean_dir(content_path)
        )
    }
}

/// The host of the first `tr=` of the torrent's magnet link: the only
/// place `torrents/info` lists its trackers in order.
fn first_tracker(magnet_uri: &str) -> Option<String> {
    let magnet = crate::magnet::parse_magnet(magnet_uri).ok()?;
    tracker_host(magnet.trackers.first()?)
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl QbtTorrent {
    pub fn state(&self) -> TorrentState {
        state_of(&self.state)
    }

    pub fn into_torrent(self) -> Torrent {
        let state = self.state();
        let has_metadata = self.total_size >= 0 && state != TorrentState::Metadata;
        let complete = has_metadata && self.amount_left == 0 && self.progress >= 1.0;
        let (error, error_kind) = match self.state.as_str() {
            "missingFiles" => (
                Some("the torrent's files are missing".to_owned()),
                Some(TorrentErrorKind::Client),
            ),
            "error" => (
                Some("qBittorrent reports an error (see its log)".to_owned()),
                Some(TorrentErrorKind::Client),
            ),
            _ if self.has_tracker_error => (
                Some("a tracker answered with an error".to_owned()),
                Some(TorrentErrorKind::Tracker),
            ),
            _ if self.has_tracker_warning => (
                Some("a tracker answered with a warning".to_owned()),
                Some(TorrentErrorKind::Tracker),
            ),
            _ => (None, None),
        };
        let tracker = first_tracker(&self.magnet_uri).or_else(|| tracker_host(&self.tracker));
        let tracker_status = self.tracker_health(tracker.is_some());
        let eta = (!complete && (0..ETA_INFINITE).contains(&self.eta)).then_some(self.eta);
        let save_path = clean_dir(&self.save_path);
        let base_path = content_path(&save_path, &self.content_path);
        Torrent {
            info_hash: self.hash.to_ascii_lowercase(),
            info_hash_v2: self
                .infohash_v2
                .filter(|h| !h.is_empty())
                .map(|h| h.to_ascii_lowercase()),
            name: self.name,
            state,
            progress: (self.progress * 100.0).clamp(0.0, 100.0),
            size: count(self.total_size),
            downloaded: count(self.completed),
            uploaded: count(self.uploaded),
            ratio: if self.ratio.is_finite() && self.ratio > 0.0 {
                self.ratio
            } else {
                0.0
            },
            download_rate: count(self.dlspeed),
            upload_rate: count(self.upspeed),
            eta,
            peers: u32::try_from(count(self.num_seeds) + count(self.num_leechs))
                .unwrap_or(u32::MAX),
            seeds: u32::try_from(count(self.num_seeds)).unwrap_or(u32::MAX),
            labels: split_tags(&self.tags),
            category: (!self.category.is_empty()).then_some(self.category),
            save_path,
            base_path,
            added_at: (self.added_on > 0).then_some(self.added_on),
            completed_at: (self.completion_on > 0).then_some(self.completion_on),
            is_private: self.private.unwrap_or(false),
            is_active: !matches!(state, TorrentState::Paused),
            complete,
            error,
            error_kind,
            tracker,
            tracker_status,
            // `torrents/info` carries no tracker message (see `trackers()`).
            tracker_message: None,
        }
    }

    /// From the list alone: `tracker` names a tracker that works; WebAPI
    /// 2.11.7+ flags errors (their messages need a call per torrent);
    /// otherwise no tracker is known to work, which before 2.11.7 includes
    /// failing ones.
    fn tracker_health(&self, has_tracker_url: bool) -> Option<TrackerHealth> {
        if !self.tracker.is_empty() {
            Some(TrackerHealth::Working)
        } else if self.trackers_count <= 0 && !has_tracker_url {
            None
        } else if self.has_tracker_error || self.has_tracker_warning {
            Some(TrackerHealth::Error)
        } else {
            Some(TrackerHealth::NotContacted)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn torrent(json: serde_json::Value) -> Torrent {
        serde_json::from_value::<QbtTorrent>(json)
            .unwrap()
            .into_torrent()
    }

    #[test]
    fn maps_a_paused_complete_torrent() {
        let t = torrent(serde_json::json!({
            "hash": "ABCDEF0123456789ABCDEF0123456789ABCDEF01",
            "name": "x.bin", "state": "pausedUP", "progress": 1, "total_size": 100,
            "completed": 100, "amount_left": 0, "eta": 8640000, "tags": "tv, a b",
            "category": "shows", "save_path": "/data/", "content_path": "/data/x.bin",
            "added_on": 1700000000, "completion_on": -1, "tracker": ""
        }));
        assert_eq!(t.info_hash, "abcdef0123456789abcdef0123456789abcdef01");
        assert_eq!(t.state, TorrentState::Paused);
        assert!(t.complete && !t.is_active);
        assert_eq!(t.eta, None);
        assert_eq!(t.labels, vec!["tv", "a b"]);
        assert_eq!(t.category.as_deref(), Some("shows"));
        assert_eq!(t.save_path, "/data");
        assert_eq!(t.base_path, "/data/x.bin");
        assert_eq!(t.completed_at, None);
        assert_eq!(content_path("/data", "album"), "/data/album");
        assert_eq!(content_path("/", "x/"), "/x");
        assert_eq!(content_path("C:\\dl", "C:\\dl\\x"), "C:\\dl\\x");
        assert_eq!(t.tracker, None);
        let tracked = torrent(serde_json::json!({
            "hash": "abcdef0123456789abcdef0123456789abcdef01", "state": "stalledUP",
            "tracker": "http://working.example/a",
            "magnet_uri": "magnet:?xt=urn:btih:abcdef0123456789abcdef0123456789abcdef01\
                           &tr=http%3a%2f%2fFirst.example%3a1%2fannounce&tr=udp%3a%2f%2fb%3a80"
        }));
        assert_eq!(tracked.tracker.as_deref(), Some("first.example"));
    }

    #[test]
    fn tracker_health_from_the_list() {
        let health = |fields: serde_json::Value| {
            let mut object = serde_json::json!({
                "hash": "abcdef0123456789abcdef0123456789abcdef01", "state": "stalledUP",
            });
            for (key, value) in fields.as_object().unwrap() {
                object[key] = value.clone();
            }
            let t = torrent(object);
            assert_eq!(t.tracker_message, None);
            t.tracker_status
        };
        let working = "http://t.example/announce";
        assert_eq!(
            health(serde_json::json!({"tracker": working, "trackers_count": 1})),
            Some(TrackerHealth::Working)
        );
        assert_eq!(
            health(serde_json::json!({"tracker": working, "has_tracker_error": true})),
            Some(TrackerHealth::Working),
            "another tracker works"
        );
        assert_eq!(
            health(serde_json::json!({"tracker": "", "trackers_count": 2})),
            Some(TrackerHealth::NotContacted)
        );
        assert_eq!(
            health(serde_json::json!({"trackers_count": 1, "has_tracker_error": true})),
            Some(TrackerHealth::Error)
        );
        assert_eq!(
            health(serde_json::json!({"trackers_count": 1, "has_tracker_warning": true})),
            Some(TrackerHealth::Error)
        );
        assert_eq!(health(serde_json::json!({"trackers_count": 0})), None);
        assert_eq!(
            health(serde_json::json!({
                "magnet_uri": "magnet:?xt=urn:btih:abcdef0123456789abcdef0123456789abcdef01\
                               &tr=http%3a%2f%2ft.example%2fannounce"
            })),
            Some(TrackerHealth::NotContacted),
            "no trackers_count: the magnet names one"
        );
    }

    #[test]
    fn maps_both_state_sets_and_magnets() {
        for (name, state) in [
            ("stoppedDL", TorrentState::Paused),
            ("pausedDL", TorrentState::Paused),
            ("stalledUP", TorrentState::Seeding),
            ("forcedMetaDL", TorrentState::Metadata),
            ("checkingResumeData", TorrentState::Checking),
            ("missingFiles", TorrentState::Error),
            ("queuedDL", TorrentState::Queued),
            ("stalledDL", TorrentState::Downloading),
        ] {
            assert_eq!(state_of(name), state, "{name}");
        }
        let magnet = torrent(serde_json::json!({
            "hash": "0123456789abcdef0123456789abcdef01234567", "state": "metaDL",
            "total_size": -1, "progress": 0, "eta": 8640000
        }));
        assert_eq!(magnet.size, 0);
        assert!(!magnet.complete && magnet.is_active);
        assert_eq!(magnet.labels, Vec::<String>::new());
        assert_eq!(magnet.category, None);
    }
}
