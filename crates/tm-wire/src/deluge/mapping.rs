//! Deluge's status dictionaries → the normalised model. The values arrive as
//! JSON over deluge-web and as rencode (turned into the same JSON values) over
//! the daemon's RPC, so everything here reads `serde_json::Value`s loosely:
//! numbers in any form, and nothing trusted.

use serde_json::{Map, Value};

use crate::model::{
    FilePriority, Peer, Torrent, TorrentErrorKind, TorrentFile, TorrentState, Tracker,
    TrackerHealth, TrackerStatus, tracker_host,
};
use crate::tracker_health;

/// Asked for by `list` and `get` (`core.get_torrents_status`). `label` is the
/// Label plugin's field; Deluge leaves out fields nobody provides.
pub const TORRENT_FIELDS: [&str; 24] = [
    "hash",
    "name",
    "state",
    "message",
    "paused",
    "num_pieces",
    "total_wanted",
    "total_remaining",
    "total_size",
    "total_done",
    "total_uploaded",
    "ratio",
    "download_payload_rate",
    "upload_payload_rate",
    "eta",
    "num_peers",
    "num_seeds",
    "label",
    "download_location",
    "time_added",
    "completed_time",
    "private",
    "tracker_status",
    "trackers",
];

pub const FILE_FIELDS: [&str; 3] = ["files", "file_priorities", "file_progress"];
pub const TRACKER_FIELDS: [&str; 3] = ["trackers", "tracker_status", "tracker"];

/// Deluge 2's file priorities (libtorrent's 0–7, of which Deluge sets these).
const PRIORITY_SKIP: i64 = 0;
const PRIORITY_LOW: i64 = 1;
const PRIORITY_NORMAL: i64 = 4;
const PRIORITY_HIGH: i64 = 7;

/// One status dictionary, read field by field.
struct Status<'a> {
    fields: &'a Map<String, Value>,
}

impl<'a> Status<'a> {
    fn new(value: &'a Value) -> Result<Self, String> {
        value
            .as_object()
            .map(|fields| Self { fields })
            .ok_or_else(|| "a torrent's status is not a dictionary".to_owned())
    }

    fn get(&self, key: &str) -> Result<&'a Value, String> {
        self.fields
            .get(key)
            .ok_or_else(|| format!("missing field {key}"))
    }

    fn number(&self, key: &str) -> Result<f64, String> {
        self.get(key)?
            .as_f64()
            .ok_or_else(|| format!("{key}: not a number"))
    }

    /// A count or size: negative values (Deluge's "unknown") become 0.
    fn count(&self, key: &str) -> Result<u64, String> {
        Ok(self.number(key)?.max(0.0) as u64)
    }

    fn text(&self, key: &str) -> Result<&'a str, String> {
        self.get(key)?
            .as_str()
            .ok_or_else(|| format!("{key}: not a string"))
    }

    fn flag(&self, key: &str) -> Result<bool, String> {
        match self.get(key)? {
            Value::Bool(flag) => Ok(*flag),
            // rencode and older daemons send some flags as integers.
            Value::Number(n) => Ok(n.as_f64().is_some_and(|n| n != 0.0)),
            _ => Err(format!("{key}: not a flag")),
        }
    }

    fn list(&self, key: &str) -> Result<&'a Vec<Value>, String> {
        self.get(key)?
            .as_array()
            .ok_or_else(|| format!("{key}: not a list"))
    }
}

/// Every torrent of a `core.get_torrents_status` answer (`{hash: status}`).
pub fn torrents_from_status(answer: &Value) -> Result<Vec<Torrent>, String> {
    let by_hash = answer
        .as_object()
        .ok_or_else(|| "the torrents' status is not a dictionary".to_owned())?;
    by_hash.values().map(torrent_from_status).collect()
}

/// The normalised state (the Deluge column of the table in `model.rs`).
fn state(deluge_state: &str, has_metadata: bool, complete: bool) -> TorrentState {
    match deluge_state {
        "Checking" | "Allocating" => TorrentState::Checking,
        "Error" => TorrentState::Error,
        "Paused" => TorrentState::Paused,
        "Queued" => TorrentState::Queued,
        _ if !has_metadata => TorrentState::Metadata,
        "Seeding" => TorrentState::Seeding,
        _ if complete => TorrentState::Seeding,
        // "Downloading", and "Moving" (storage moving) of an incomplete torrent.
        _ => TorrentState::Downloading,
    }
}

pub fn torrent_from_status(value: &Value) -> Result<Torrent, String> {
    let s = Status::new(value)?;
    let deluge_state = s.text("state")?;
    // A magnet has no pieces until its metadata arrives.
    let has_metadata = s.count("num_pieces")? > 0;
    let wanted = s.count("total_wanted")?;
    let remaining = s.count("total_remaining")?;
    let complete = has_metadata && remaining == 0;
    let state = state(deluge_state, has_metadata, complete);
    // Of the wanted data, as the other clients count it. Deluge's own
    // `progress` is a check's progress while checking, and 100 in errors.
    let progress = if complete {
        100.0
    } else if wanted > 0 {
        wanted.saturating_sub(remaining) as f64 / wanted as f64 * 100.0
    } else {
        0.0
    };
    let name = s.text("name")?.to_owned();
    let save_path = s.text("download_location")?.to_owned();
    let eta = s.number("eta")?;
    let ratio = s.number("ratio")?;
    let added = s.number("time_added")? as i64;
    let completed = s.number("completed_time")? as i64;
    let (error, error_kind) = if state == TorrentState::Error {
        let message = s.text("message")?;
        (Some(message.to_owned()), Some(TorrentErrorKind::Client))
    } else {
        match tracker_problem(s.text("tracker_status")?) {
            Some(problem) => (Some(problem.to_owned()), Some(TorrentErrorKind::Tracker)),
            None => (None, None),
        }
    };
    let labels = match s.fields.get("label").and_then(Value::as_str) {
        Some(label) if !label.is_empty() => vec![label.to_owned()],
        _ => Vec::new(),
    };
    let tracker = s
        .list("trackers")?
        .first()
        .and_then(|t| t.get("url"))
        .and_then(Value::as_str)
        .and_then(tracker_host);
    let (tracker_status, tracker_message) = match &tracker {
        Some(_) => torrent_tracker_health(s.text("tracker_status")?),
        None => (None, None),
    };
    let seeds = s.count("num_seeds")?;
    Ok(Torrent {
        info_hash: s.text("hash")?.to_ascii_lowercase(),
        info_hash_v2: None,
        state,
        progress,
        size: s.count("total_size")?,
        downloaded: s.count("total_done")?,
        uploaded: s.count("total_uploaded")?,
        // -1: infinite (nothing downloaded).
        ratio: ratio.max(0.0),
        download_rate: s.count("download_payload_rate")?,
        upload_rate: s.count("upload_payload_rate")?,
        // 0: no estimate, -1: more than a year.
        eta: (!complete && eta > 0.0).then_some(eta as i64),
        // Deluge's `num_peers` leaves the seeds out.
        peers: u32::try_from(s.count("num_peers")? + seeds).unwrap_or(u32::MAX),
        seeds: u32::try_from(seeds).unwrap_or(u32::MAX),
        labels,
        category: None,
        base_path: [save_path.trim_end_matches('/'), "/", &name].concat(),
        save_path,
        added_at: (added > 0).then_some(added),
        completed_at: (completed > 0).then_some(completed),
        is_private: s.flag("private")?,
        // Queued torrents wait for a slot but are started; an error pauses
        // the torrent in libtorrent, but not for good unless it was paused.
        is_active: match deluge_state {
            "Paused" => false,
            "Error" => !s.flag("paused")?,
            _ => true,
        },
        complete,
        error,
        error_kind,
        tracker,
        tracker_status,
        tracker_message,
        name,
    })
}

/// `tracker_status` of a torrent with trackers: "Announce OK", "Announce
/// Sent", "Error: …" or "Warning: …" (the message classified), or empty
/// before any announce. Anything else (a daemon in another language) is
/// not understood.
fn torrent_tracker_health(status: &str) -> (Option<TrackerHealth>, Option<String>) {
    match status.trim() {
        "" => (Some(TrackerHealth::NotContacted), None),
        "Announce OK" => (Some(TrackerHealth::Working), None),
        "Announce Sent" => (Some(TrackerHealth::Updating), None),
        _ => match tracker_problem(status) {
            Some(problem) => tracker_health::from_message(problem),
            None => (None, None),
        },
    }
}

/// The problem in a `tracker_status` ("Error: …", "Warning: …"); "Announce
/// OK" and "Announce Sent" are none.
fn tracker_problem(status: &str) -> Option<&str> {
    ["Error:", "Warning:"]
        .iter()
        .find_map(|prefix| status.strip_prefix(prefix))
        .map(str::trim)
        .map(|problem| if problem.is_empty() { status } else { problem })
}

pub fn priority_from_deluge(priority: i64) -> FilePriority {
    match priority {
        ..=PRIORITY_SKIP => FilePriority::Skip,
        1..=3 => FilePriority::Low,
        PRIORITY_NORMAL => FilePriority::Normal,
        _ => FilePriority::High,
    }
}

pub fn priority_to_deluge(priority: FilePriority) -> i64 {
    match priority {
        FilePriority::Skip => PRIORITY_SKIP,
        FilePriority::Low => PRIORITY_LOW,
        FilePriority::Normal => PRIORITY_NORMAL,
        FilePriority::High => PRIORITY_HIGH,
    }
}

/// The current priorities from `file_priorities`.
pub fn priorities_from_status(value: &Value) -> Result<Vec<i64>, String> {
    Status::new(value)?
        .list("file_priorities")?
        .iter()
        .map(|p| {
            p.as_f64()
                .map(|p| p as i64)
                .ok_or("file_priorities: not a number".to_owned())
        })
        .collect()
}

/// Files from `FILE_FIELDS`, with paths inside the torrent's top folder.
pub fn files_from_status(value: &Value) -> Result<Vec<TorrentFile>, String> {
    let s = Status::new(value)?;
    let files = s.list("files")?;
    let priorities = priorities_from_status(value)?;
    let progress = s.list("file_progress")?;
    let paths: Vec<&str> = files
        .iter()
        .map(|f| {
            f.get("path")
                .and_then(Value::as_str)
                .ok_or("files: no path")
        })
        .collect::<Result<_, _>>()?;
    let top_folder = common_top_folder(&paths);
    files
        .iter()
        .zip(paths)
        .enumerate()
        .map(|(position, (file, path))| {
            let index = file
                .get("index")
                .and_then(Value::as_u64)
                .map_or(position, |i| i as usize);
            let size = file.get("size").and_then(Value::as_f64).unwrap_or(0.0);
            let done = progress.get(index).and_then(Value::as_f64).unwrap_or(0.0);
            let priority = priorities
                .get(index)
                .map_or(FilePriority::Normal, |p| priority_from_deluge(*p));
            Ok(TorrentFile {
                index,
                path: top_folder
                    .and_then(|top| path.strip_prefix(top))
                    .unwrap_or(path)
                    .to_owned(),
                size: size.max(0.0) as u64,
                progress: done.clamp(0.0, 1.0) * 100.0,
                priority,
            })
        })
        .collect()
}

/// `"folder/"` when every path lies in that one folder (a multi-file torrent).
fn common_top_folder<'p>(paths: &[&'p str]) -> Option<&'p str> {
    let first = paths.first()?;
    let slash = first.find('/')?;
    let top = &first[..=slash];
    paths.iter().all(|p| p.starts_with(top)).then_some(top)
}

pub fn peers_from_status(value: &Value) -> Result<Vec<Peer>, String> {
    Status::new(value)?
        .list("peers")?
        .iter()
        .map(|peer| {
            let text = |key: &str| peer.get(key).and_then(Value::as_str).unwrap_or_default();
            let number = |key: &str| peer.get(key).and_then(Value::as_f64).unwrap_or(0.0);
            let address = text("ip");
            if address.is_empty() {
                return Err("peers: no ip".to_owned());
            }
            Ok(Peer {
                address: address.to_owned(),
                client: text("client").to_owned(),
                progress: number("progress").clamp(0.0, 1.0) * 100.0,
                download_rate: number("down_speed").max(0.0) as u64,
                upload_rate: number("up_speed").max(0.0) as u64,
            })
        })
        .collect()
}

/// Trackers from `TRACKER_FIELDS`. Deluge keeps one status, that of the last
/// announce to the current tracker (the first one before any announce);
/// the others show as not contacted.
pub fn trackers_from_status(value: &Value) -> Result<Vec<Tracker>, String> {
    let s = Status::new(value)?;
    let status = s.text("tracker_status")?;
    let current = s.text("tracker")?;
    let urls: Vec<&str> = s
        .list("trackers")?
        .iter()
        .map(|t| {
            t.get("url")
                .and_then(Value::as_str)
                .ok_or("trackers: no url")
        })
        .collect::<Result<_, _>>()?;
    let current = if urls.contains(&current) {
        Some(current)
    } else {
        urls.first().copied()
    };
    Ok(urls
        .iter()
        .map(|url| {
            let (status, message) = if Some(*url) == current {
                tracker_status(status)
            } else {
                (TrackerStatus::NotContacted, None)
            };
            Tracker {
                url: (*url).to_owned(),
                status,
                message,
                seeds: None,
                peers: None,
            }
        })
        .collect())
}

fn tracker_status(status: &str) -> (TrackerStatus, Option<String>) {
    if status.starts_with("Announce OK") {
        (TrackerStatus::Working, None)
    } else if let Some(warning) = status.strip_prefix("Warning:") {
        (TrackerStatus::Working, Some(warning.trim().to_owned()))
    } else if let Some(error) = status.strip_prefix("Error:") {
        (TrackerStatus::Error, Some(error.trim().to_owned()))
    } else {
        (TrackerStatus::NotContacted, None)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const HASH: &str = "0123456789ABCDEF0123456789ABCDEF01234567";

    /// A status as Deluge 2.0.3 answers it, with `changes` applied.
    fn status(changes: Value) -> Value {
        let mut status = json!({
            "hash": HASH, "name": "album", "state": "Downloading", "message": "OK",
            "paused": false, "num_pieces": 4, "total_wanted": 1000, "total_remaining": 250,
            "total_size": 1200, "total_done": 750, "total_uploaded": 10, "ratio": -1.0,
            "download_payload_rate": 50, "upload_payload_rate": 0, "eta": 5,
            "num_peers": 2, "num_seeds": 1, "download_location": "/data/",
            "time_added": 1_700_000_000.0, "completed_time": 0, "private": false,
            "tracker_status": "Announce OK",
            "trackers": [{"url": "http://Tracker.Example.org:6969/announce", "tier": 0}],
        });
        for (key, value) in changes.as_object().unwrap() {
            status[key] = value.clone();
        }
        status
    }

    fn torrent(changes: Value) -> Torrent {
        torrent_from_status(&status(changes)).unwrap()
    }

    #[test]
    fn reads_a_downloading_torrent() {
        let t = torrent(json!({}));
        assert_eq!(t.info_hash, HASH.to_ascii_lowercase());
        assert_eq!(t.state, TorrentState::Downloading);
        assert_eq!(t.progress, 75.0);
        assert_eq!((t.size, t.downloaded, t.uploaded), (1200, 750, 10));
        assert_eq!(t.ratio, 0.0);
        assert_eq!(t.eta, Some(5));
        assert_eq!((t.peers, t.seeds), (3, 1));
        assert_eq!(t.save_path, "/data/");
        assert_eq!(t.base_path, "/data/album");
        assert_eq!(t.added_at, Some(1_700_000_000));
        assert_eq!(t.completed_at, None);
        assert!(t.labels.is_empty() && t.is_active && !t.complete);
        assert_eq!(t.tracker.as_deref(), Some("tracker.example.org"));
        assert_eq!((t.error, t.error_kind), (None, None));
    }

    #[test]
    fn tracker_health_from_tracker_status() {
        let health = |status: &str| {
            let t = torrent(json!({ "tracker_status": status }));
            (t.tracker_status, t.tracker_message)
        };
        assert_eq!(health("Announce OK"), (Some(TrackerHealth::Working), None));
        assert_eq!(
            health("Announce Sent"),
            (Some(TrackerHealth::Updating), None)
        );
        assert_eq!(health(""), (Some(TrackerHealth::NotContacted), None));
        for (status, health_of, message) in [
            (
                "Error: Unregistered torrent",
                TrackerHealth::Unregistered,
                "Unregistered torrent",
            ),
            (
                "Error: Connection refused",
                TrackerHealth::TrackerDown,
                "Connection refused",
            ),
            ("Error: timed out", TrackerHealth::TrackerDown, "timed out"),
            (
                "Warning: Torrent not registered with this tracker",
                TrackerHealth::Unregistered,
                "Torrent not registered with this tracker",
            ),
            (
                "Error: Invalid passkey",
                TrackerHealth::Error,
                "Invalid passkey",
            ),
        ] {
            assert_eq!(
                health(status),
                (Some(health_of), Some(message.to_owned())),
                "{status}"
            );
        }
        assert_eq!(health("Annonce OK"), (None, None), "not understood");
        let none = torrent(json!({"trackers": [], "tracker_status": "Error: x"}));
        assert_eq!((none.tracker_status, none.tracker_message), (None, None));
    }

    #[test]
    fn maps_the_states() {
        let state = |changes: Value| torrent(changes).state;
        let done = json!({"total_remaining": 0});
        assert_eq!(state(json!({"state": "Checking"})), TorrentState::Checking);
        assert_eq!(
            state(json!({"state": "Allocating"})),
            TorrentState::Checking
        );
        assert_eq!(state(json!({"state": "Error"})), TorrentState::Error);
        assert_eq!(state(json!({"state": "Paused"})), TorrentState::Paused);
        assert_eq!(state(json!({"state": "Queued"})), TorrentState::Queued);
        assert_eq!(state(json!({"num_pieces": 0})), TorrentState::Metadata);
        assert_eq!(state(json!({"state": "Seeding"})), TorrentState::Seeding);
        assert_eq!(state(done.clone()), TorrentState::Seeding);
        assert_eq!(
            state(json!({"state": "Moving", "total_remaining": 0})),
            TorrentState::Seeding
        );
        assert_eq!(state(json!({"state": "Moving"})), TorrentState::Downloading);
        let complete = torrent(done);
        assert!(complete.complete);
        assert_eq!((complete.progress, complete.eta), (100.0, None));
    }

    #[test]
    fn errors_and_activity() {
        let error = torrent(json!({"state": "Error", "message": "disk full", "paused": true}));
        assert_eq!(error.error.as_deref(), Some("disk full"));
        assert_eq!(error.error_kind, Some(TorrentErrorKind::Client));
        assert!(!error.is_active);
        let tracker = torrent(json!({"tracker_status": "Error: Connection refused"}));
        assert_eq!(tracker.state, TorrentState::Downloading);
        assert_eq!(tracker.error.as_deref(), Some("Connection refused"));
        assert_eq!(tracker.error_kind, Some(TorrentErrorKind::Tracker));
        assert!(!torrent(json!({"state": "Paused"})).is_active);
        assert!(torrent(json!({"state": "Queued", "paused": true})).is_active);
    }

    #[test]
    fn one_label_from_the_plugin() {
        assert_eq!(torrent(json!({"label": "tv"})).labels, ["tv"]);
        assert!(torrent(json!({"label": ""})).labels.is_empty());
    }

    #[test]
    fn malformed_statuses_are_errors() {
        assert!(torrent_from_status(&json!([])).is_err());
        assert!(torrent_from_status(&status(json!({"total_size": "big"}))).is_err());
        let mut missing = status(json!({}));
        missing.as_object_mut().unwrap().remove("state");
        assert!(torrent_from_status(&missing).is_err());
        assert!(torrents_from_status(&json!({HASH: 1})).is_err());
    }

    #[test]
    fn files_inside_the_top_folder() {
        let files = files_from_status(&json!({
            "files": [
                {"index": 0, "path": "album/a.flac", "size": 20, "offset": 0},
                {"index": 1, "path": "album/sub/b.flac", "size": 30, "offset": 20},
            ],
            "file_priorities": [0, 7],
            "file_progress": [0.5, 1.0],
        }))
        .unwrap();
        let summary: Vec<_> = files
            .iter()
            .map(|f| (f.index, f.path.as_str(), f.size, f.progress, f.priority))
            .collect();
        assert_eq!(
            summary,
            [
                (0, "a.flac", 20, 50.0, FilePriority::Skip),
                (1, "sub/b.flac", 30, 100.0, FilePriority::High)
            ]
        );
        let single = files_from_status(&json!({
            "files": [{"index": 0, "path": "one.bin", "size": 5}],
            "file_priorities": [4], "file_progress": [0.0],
        }))
        .unwrap();
        assert_eq!(single[0].path, "one.bin");
    }

    #[test]
    fn priorities_both_ways() {
        for priority in [
            FilePriority::Skip,
            FilePriority::Low,
            FilePriority::Normal,
            FilePriority::High,
        ] {
            assert_eq!(priority_from_deluge(priority_to_deluge(priority)), priority);
        }
        assert_eq!(priority_from_deluge(2), FilePriority::Low);
        assert_eq!(priority_from_deluge(5), FilePriority::High);
    }

    #[test]
    fn one_tracker_status_for_the_current_tracker() {
        let trackers = trackers_from_status(&json!({
            "trackers": [{"url": "http://a/announce"}, {"url": "http://b/announce"}],
            "tracker": "http://b/announce",
            "tracker_status": "Warning: slow down",
        }))
        .unwrap();
        assert_eq!(trackers[0].status, TrackerStatus::NotContacted);
        assert_eq!(trackers[1].status, TrackerStatus::Working);
        assert_eq!(trackers[1].message.as_deref(), Some("slow down"));
        let first = trackers_from_status(&json!({
            "trackers": [{"url": "http://a/announce"}], "tracker": "",
            "tracker_status": "Error: timed out",
        }))
        .unwrap();
        assert_eq!(first[0].status, TrackerStatus::Error);
        assert_eq!(first[0].message.as_deref(), Some("timed out"));
    }

    #[test]
    fn peers_with_percentages() {
        let peers = peers_from_status(&json!({"peers": [{
            "client": "Transmission 3.00", "ip": "127.0.0.1:51413", "progress": 0.25,
            "down_speed": 100, "up_speed": 5, "seed": 0, "country": "",
        }]}))
        .unwrap();
        assert_eq!(peers[0].address, "127.0.0.1:51413");
        assert_eq!(peers[0].progress, 25.0);
        assert_eq!((peers[0].download_rate, peers[0].upload_rate), (100, 5));
    }
}
