//! rTorrent answers → the normalised model.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::xmlrpc::Value;
use crate::model::{
    FilePriority, Peer, Torrent, TorrentErrorKind, TorrentFile, TorrentState, Tracker,
    TrackerHealth, TrackerStatus, tracker_host,
};
use crate::tracker_health;

/// Fields of one torrent, in the order `torrent_from_row` reads them. Used as
/// `d.multicall2` commands (list) and, but for the last, as single calls (get).
pub const TORRENT_FIELDS: [&str; 26] = [
    "d.hash=",
    "d.name=",
    "d.state=",
    "d.is_active=",
    "d.complete=",
    "d.is_hash_checking=",
    "d.is_meta=",
    "d.message=",
    "d.size_bytes=",
    "d.completed_bytes=",
    "d.left_bytes=",
    "d.up.total=",
    "d.ratio=",
    "d.down.rate=",
    "d.up.rate=",
    "d.peers_connected=",
    "d.peers_complete=",
    "d.custom1=",
    "d.directory=",
    "d.base_path=",
    "d.is_multi_file=",
    "d.load_date=",
    "d.timestamp.finished=",
    "d.is_private=",
    "d.custom=tm_name",
    TRACKER_URLS,
];

/// The `d.custom` key holding a magnet's `dn`, its name until the metadata comes.
pub const MAGNET_NAME_KEY: &str = "tm_name";

/// The torrent's trackers as one string (a fixed command: no user text in
/// it): per tracker `url|successes|busy#` (`t.url`, `t.success_counter`,
/// `t.is_busy`), for the first host and the tracker health without a call
/// per torrent. Only valid inside `d.multicall2`; `get` asks `t.multicall`
/// for `TRACKER_SUMMARY_FIELDS` and joins them the same way.
pub const TRACKER_URLS: &str =
    "cat=\"$t.multicall=,t.url=,cat={|},t.success_counter=,cat={|},t.is_busy=,cat={#}\"";

/// The `t.multicall` fields of one `TRACKER_URLS` entry.
pub const TRACKER_SUMMARY_FIELDS: [&str; 3] = ["t.url=", "t.success_counter=", "t.is_busy="];

/// Reads values in `TORRENT_FIELDS` order, failing on a type mismatch.
/// Strings are moved out of the row, not copied.
struct RowReader {
    values: std::vec::IntoIter<Value>,
}

impl RowReader {
    fn new(row: Vec<Value>) -> Self {
        Self {
            values: row.into_iter(),
        }
    }

    fn int(&mut self) -> Result<i64, String> {
        let value = self.values.next().ok_or("row too short")?;
        value
            .as_i64()
            .ok_or_else(|| format!("expected an integer, got {value:?}"))
    }

    fn count(&mut self) -> Result<u64, String> {
        Ok(u64::try_from(self.int()?).unwrap_or(0))
    }

    fn flag(&mut self) -> Result<bool, String> {
        Ok(self.int()? != 0)
    }

    fn text(&mut self) -> Result<String, String> {
        match self.values.next().ok_or("row too short")? {
            Value::String(text) => Ok(text),
            other => Err(format!("expected a string, got {other:?}")),
        }
    }
}

pub fn torrent_from_row(row: Vec<Value>) -> Result<Torrent, String> {
    if row.len() != TORRENT_FIELDS.len() {
        return Err(format!(
            "expected {} fields per torrent, got {}",
            TORRENT_FIELDS.len(),
            row.len()
        ));
    }
    let mut r = RowReader::new(row);
    let mut hash = r.text()?;
    hash.make_ascii_lowercase();
    let name = r.text()?;
    let started = r.flag()?;
    let active = r.flag()?;
    let complete = r.flag()?;
    let checking = r.flag()?;
    let is_meta = r.flag()? || name.ends_with(".meta");
    let message = r.text()?;
    let size = r.count()?;
    let completed = r.count()?;
    let left = r.count()?;
    let uploaded = r.count()?;
    let ratio_per_mille = r.int()?;
    let download_rate = r.count()?;
    let upload_rate = r.count()?;
    let peers = r.count()?;
    let seeds = r.count()?;
    let labels = decode_labels(&r.text()?);
    let directory = r.text()?;
    let base_path = r.text()?;
    let multi_file = r.flag()?;
    let load_date = r.int()?;
    let finished = r.int()?;
    let private = r.flag()?;
    let magnet_name = r.text()?;
    let trackers = TrackerSummary::parse(&r.text()?);
    // While the metadata comes, the magnet's `dn` rather than "HASH.meta".
    let name = if is_meta && !magnet_name.is_empty() {
        magnet_name
    } else {
        name
    };

    let state = if checking {
        TorrentState::Checking
    } else if !message.is_empty() && !message.starts_with("Tracker:") {
        TorrentState::Error
    } else if !started || !active {
        TorrentState::Paused
    } else if is_meta {
        TorrentState::Metadata
    } else if complete {
        TorrentState::Seeding
    } else {
        TorrentState::Downloading
    };
    let (tracker_status, tracker_message) = match message.strip_prefix("Tracker:") {
        Some(tracker_message) => tracker_health::from_message(unbracket(tracker_message)),
        None => (trackers.health(), None),
    };
    let error = (!message.is_empty()).then_some(message);
    let error_kind = error
        .as_ref()
        .map(|message| match message.starts_with("Tracker:") {
            true => TorrentErrorKind::Tracker,
            false => TorrentErrorKind::Client,
        });
    let data = DataLocation {
        name: &name,
        directory: &directory,
        base_path: &base_path,
        multi_file,
    };
    Ok(Torrent {
        info_hash_v2: None,
        state,
        progress: percent(completed, size),
        size,
        downloaded: completed,
        uploaded,
        ratio: ratio_per_mille as f64 / 1000.0,
        download_rate,
        upload_rate,
        eta: (!complete && download_rate > 0).then(|| (left / download_rate) as i64),
        peers: u32::try_from(peers).unwrap_or(u32::MAX),
        seeds: u32::try_from(seeds).unwrap_or(u32::MAX),
        labels,
        category: None,
        save_path: data.save_path(),
        base_path: data.data_path(),
        added_at: (load_date > 0).then_some(load_date),
        completed_at: (finished > 0).then_some(finished),
        is_private: private,
        is_active: started && active,
        complete,
        error,
        error_kind,
        tracker: trackers.first_host,
        tracker_status,
        tracker_message,
        info_hash: hash,
        name,
    })
}

/// What `TRACKER_URLS` says of a torrent's trackers.
#[derive(Debug, Default, PartialEq)]
struct TrackerSummary {
    first_host: Option<String>,
    /// Real trackers (not `dht://`).
    count: usize,
    /// Trackers whose last announce succeeded (the counter resets on failure).
    working: usize,
    /// Trackers announcing right now.
    busy: usize,
}

impl TrackerSummary {
    /// Entries `url|successes|busy#`; a bare `url#` (older replies) counts
    /// as a tracker not contacted yet.
    fn parse(joined: &str) -> Self {
        let mut summary = TrackerSummary::default();
        for entry in joined.split('#').filter(|e| !e.is_empty()) {
            let mut fields = entry.rsplitn(3, '|');
            let (url, successes, busy) = match (fields.next(), fields.next(), fields.next()) {
                (Some(busy), Some(successes), Some(url)) => (url, successes, busy),
                _ => (entry, "0", "0"),
            };
            let Some(host) = tracker_host(url).filter(|_| !url.starts_with("dht://")) else {
                continue;
            };
            summary.first_host.get_or_insert(host);
            summary.count += 1;
            summary.working += usize::from(successes.trim().parse::<u64>().unwrap_or(0) > 0);
            summary.busy += usize::from(busy.trim() == "1");
        }
        summary
    }

    /// Without a tracker message: updating, working, not contacted; `None`
    /// without trackers.
    fn health(&self) -> Option<TrackerHealth> {
        if self.count == 0 {
            None
        } else if self.busy > 0 {
            Some(TrackerHealth::Updating)
        } else if self.working > 0 {
            Some(TrackerHealth::Working)
        } else {
            Some(TrackerHealth::NotContacted)
        }
    }
}

/// `[text]` → `text` (rTorrent writes `Tracker: [message]`).
fn unbracket(message: &str) -> &str {
    let message = message.trim();
    message
        .strip_prefix('[')
        .and_then(|m| m.strip_suffix(']'))
        .unwrap_or(message)
}

/// Where a torrent's data lives. `d.base_path` is empty while the torrent is
/// closed, so the path is rebuilt from `d.directory` (which, for multi-file
/// torrents, already ends with the torrent's folder).
pub struct DataLocation<'a> {
    pub name: &'a str,
    pub directory: &'a str,
    pub base_path: &'a str,
    pub multi_file: bool,
}

impl DataLocation<'_> {
    pub fn data_path(&self) -> String {
        if !self.base_path.is_empty() {
            self.base_path.to_owned()
        } else if self.multi_file || self.directory.is_empty() {
            self.directory.to_owned()
        } else {
            format!("{}/{}", self.directory.trim_end_matches('/'), self.name)
        }
    }

    fn save_path(&self) -> String {
        if self.multi_file {
            match self.directory.trim_end_matches('/').rsplit_once('/') {
                Some(("", _)) => "/".to_owned(),
                Some((parent, _)) => parent.to_owned(),
                None => String::new(),
            }
        } else {
            self.directory.to_owned()
        }
    }
}

/// Characters kept as-is in a label; the rest is percent-encoded, like
/// ruTorrent's `rawurlencode` (so `,` can separate several labels).
const LABEL_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Labels as stored in `d.custom1`: each URL-encoded, joined by commas. A
/// single label is exactly what ruTorrent writes.
pub fn encode_labels(labels: &[String]) -> String {
    labels
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| utf8_percent_encode(l.trim(), LABEL_ESCAPES).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn decode_labels(custom1: &str) -> Vec<String> {
    custom1
        .split(',')
        .map(|part| {
            percent_decode_str(part.trim())
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|label| !label.is_empty())
        .collect()
}

/// Fields of `f.multicall`, in the order `file_from_row` reads them.
pub const FILE_FIELDS: [&str; 5] = [
    "f.path=",
    "f.size_bytes=",
    "f.priority=",
    "f.completed_chunks=",
    "f.size_chunks=",
];

pub fn file_from_row(index: usize, row: Vec<Value>) -> Result<TorrentFile, String> {
    let mut r = RowReader::new(row);
    let path = r.text()?;
    let size = r.count()?;
    let priority = match r.int()? {
        0 => FilePriority::Skip,
        2 => FilePriority::High,
        _ => FilePriority::Normal,
    };
    let completed_chunks = r.count()?;
    let chunks = r.count()?;
    Ok(TorrentFile {
        index,
        path,
        size,
        progress: percent(completed_chunks, chunks),
        priority,
    })
}

/// rTorrent's file priority values (it has no "low").
pub fn priority_value(priority: FilePriority) -> i64 {
    match priority {
        FilePriority::Skip => 0,
        FilePriority::Low | FilePriority::Normal => 1,
        FilePriority::High => 2,
    }
}

pub const PEER_FIELDS: [&str; 6] = [
    "p.address=",
    "p.port=",
    "p.client_version=",
    "p.completed_percent=",
    "p.down_rate=",
    "p.up_rate=",
];

pub fn peer_from_row(row: Vec<Value>) -> Result<Peer, String> {
    let mut r = RowReader::new(row);
    let ip = r.text()?;
    let port = r.int()?;
    Ok(Peer {
        address: if ip.contains(':') {
            format!("[{ip}]:{port}")
        } else {
            format!("{ip}:{port}")
        },
        client: r.text()?,
        progress: r.int()? as f64,
        download_rate: r.count()?,
        upload_rate: r.count()?,
    })
}

pub const TRACKER_FIELDS: [&str; 6] = [
    "t.url=",
    "t.is_enabled=",
    "t.success_counter=",
    "t.failed_counter=",
    "t.scrape_complete=",
    "t.scrape_incomplete=",
];

/// `None` for rTorrent's pseudo-trackers (`dht://`).
pub fn tracker_from_row(row: Vec<Value>) -> Result<Option<Tracker>, String> {
    let mut r = RowReader::new(row);
    let url = r.text()?;
    let enabled = r.flag()?;
    let successes = r.count()?;
    let failures = r.count()?;
    let seeds = r.count()?;
    let leechers = r.count()?;
    if url.starts_with("dht://") {
        return Ok(None);
    }
    // The counters reset on success/failure, so at most one is non-zero.
    let status = if !enabled {
        TrackerStatus::Disabled
    } else if failures > 0 {
        TrackerStatus::Error
    } else if successes > 0 {
        TrackerStatus::Working
    } else {
        TrackerStatus::NotContacted
    };
    let scraped = successes > 0;
    Ok(Some(Tracker {
        url,
        status,
        message: None,
        seeds: scraped.then_some(seeds),
        peers: scraped.then_some(leechers),
    }))
}

fn percent(done: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        done as f64 * 100.0 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: i64, active: i64, complete: i64, message: &str, name: &str) -> Vec<Value> {
        vec![
            Value::from("ABCDEF0123456789ABCDEF0123456789ABCDEF01"),
            Value::from(name),
            Value::Int(state),
            Value::Int(active),
            Value::Int(complete),
            Value::Int(0),
            Value::Int(0),
            Value::from(message),
            Value::Int(1000),
            Value::Int(250),
            Value::Int(750),
            Value::Int(500),
            Value::Int(2500),
            Value::Int(75),
            Value::Int(0),
            Value::Int(3),
            Value::Int(1),
            Value::from("tv,a%20b"),
            Value::from("/data/dl"),
            Value::from(""),
            Value::Int(0),
            Value::Int(1_700_000_000),
            Value::Int(0),
            Value::Int(1),
            Value::from(""),
            Value::from(
                "http://Tracker.Example.org:6969/announce|0|0#udp://other.example.net:80|3|0#",
            ),
        ]
    }

    #[test]
    fn tracker_health_from_the_message_and_the_counters() {
        let health = |message: &str, trackers: &str| {
            let mut row = row(1, 1, 0, message, "x.bin");
            row[25] = Value::from(trackers);
            let t = torrent_from_row(row).unwrap();
            (t.tracker_status, t.tracker_message)
        };
        let one = "http://t.example/announce";
        assert_eq!(
            health("", &format!("{one}|2|0#")),
            (Some(TrackerHealth::Working), None)
        );
        assert_eq!(
            health("", &format!("{one}|0|0#")),
            (Some(TrackerHealth::NotContacted), None)
        );
        assert_eq!(
            health("", &format!("{one}|0|1#")),
            (Some(TrackerHealth::Updating), None)
        );
        assert_eq!(health("", ""), (None, None));
        assert_eq!(health("", "dht://ABCDEF|0|0#"), (None, None));
        // Replies without the counters still name the trackers.
        assert_eq!(
            health("", &format!("{one}#")),
            (Some(TrackerHealth::NotContacted), None)
        );
        // A message wins over the counters of another tracker.
        let both = format!("{one}|0|0#udp://b.example:80|4|0#");
        for (message, status, text) in [
            (
                "Tracker: [Failure reason \"Unregistered torrent\"]",
                TrackerHealth::Unregistered,
                "Failure reason \"Unregistered torrent\"",
            ),
            (
                "Tracker: [Couldn't connect to server]",
                TrackerHealth::TrackerDown,
                "Couldn't connect to server",
            ),
            (
                "Tracker: [Timeout was reached]",
                TrackerHealth::TrackerDown,
                "Timeout was reached",
            ),
            (
                "Tracker: [Failure reason \"Invalid passkey\"]",
                TrackerHealth::Error,
                "Failure reason \"Invalid passkey\"",
            ),
        ] {
            assert_eq!(
                health(message, &both),
                (Some(status), Some(text.to_owned())),
                "{message}"
            );
        }
        // A client error is not the tracker's.
        assert_eq!(
            health("Storage error: [No space]", &both),
            (Some(TrackerHealth::Working), None)
        );
    }

    #[test]
    fn error_kinds_and_tracker_host() {
        let t = torrent_from_row(row(1, 1, 0, "", "x.bin")).unwrap();
        assert_eq!((t.error, t.error_kind), (None, None));
        assert_eq!(t.tracker.as_deref(), Some("tracker.example.org"));
        let t = torrent_from_row(row(1, 1, 0, "Tracker: [Connection refused]", "x.bin")).unwrap();
        assert_eq!(t.error_kind, Some(TorrentErrorKind::Tracker));
        assert_eq!(t.state, TorrentState::Downloading);
        let t = torrent_from_row(row(1, 1, 0, "Storage error: [No space]", "x.bin")).unwrap();
        assert_eq!(t.error_kind, Some(TorrentErrorKind::Client));
        assert_eq!(t.state, TorrentState::Error);
        let mut none = row(1, 1, 0, "", "x.bin");
        none[25] = Value::from("");
        assert_eq!(torrent_from_row(none).unwrap().tracker, None);
    }

    #[test]
    fn a_magnet_is_named_from_its_dn_until_the_metadata_comes() {
        let hash_meta = "ABCDEF0123456789ABCDEF0123456789ABCDEF01.meta";
        let mut magnet = row(1, 1, 0, "", hash_meta);
        magnet[24] = Value::from("Some Album");
        let t = torrent_from_row(magnet).unwrap();
        assert_eq!(
            (t.name.as_str(), t.state),
            ("Some Album", TorrentState::Metadata)
        );
        // Without a stored dn the name stays as rTorrent has it.
        let t = torrent_from_row(row(1, 1, 0, "", hash_meta)).unwrap();
        assert_eq!(t.name, hash_meta);
        // Once the metadata is in, the torrent's own name wins.
        let mut loaded = row(1, 1, 0, "", "album");
        loaded[24] = Value::from("Some Album");
        assert_eq!(torrent_from_row(loaded).unwrap().name, "album");
    }

    #[test]
    fn maps_a_row() {
        let t = torrent_from_row(row(1, 1, 0, "", "x.bin")).unwrap();
        assert_eq!(t.info_hash, "abcdef0123456789abcdef0123456789abcdef01");
        assert_eq!(t.state, TorrentState::Downloading);
        assert_eq!(t.progress, 25.0);
        assert_eq!(t.ratio, 2.5);
        assert_eq!(t.eta, Some(10));
        assert_eq!(t.labels, vec!["tv", "a b"]);
        assert_eq!(t.base_path, "/data/dl/x.bin");
        assert_eq!(t.save_path, "/data/dl");
        assert_eq!(t.added_at, Some(1_700_000_000));
        assert_eq!(t.completed_at, None);
        assert!(t.is_private && t.is_active);
    }

    #[test]
    fn state_mapping() {
        let state = |s, a, c, m: &str, n: &str| torrent_from_row(row(s, a, c, m, n)).unwrap().state;
        assert_eq!(state(0, 0, 0, "", "x"), TorrentState::Paused);
        assert_eq!(state(1, 0, 1, "", "x"), TorrentState::Paused);
        assert_eq!(state(1, 1, 1, "", "x"), TorrentState::Seeding);
        assert_eq!(
            state(1, 1, 1, "Tracker: [timeout]", "x"),
            TorrentState::Seeding
        );
        assert_eq!(
            state(1, 1, 0, "Storage error: disk full", "x"),
            TorrentState::Error
        );
        assert_eq!(state(1, 1, 0, "", "ABC.meta"), TorrentState::Metadata);
    }

    #[test]
    fn multi_file_paths() {
        let location = DataLocation {
            name: "album",
            directory: "/data/dl/album",
            base_path: "",
            multi_file: true,
        };
        assert_eq!(location.data_path(), "/data/dl/album");
        assert_eq!(location.save_path(), "/data/dl");
    }

    #[test]
    fn labels_round_trip() {
        let labels = vec!["a,b".to_owned(), "tv".to_owned(), "é x".to_owned()];
        let stored = encode_labels(&labels);
        assert_eq!(stored, "a%2Cb,tv,%C3%A9%20x");
        assert_eq!(decode_labels(&stored), labels);
        assert!(decode_labels("").is_empty());
    }
}
