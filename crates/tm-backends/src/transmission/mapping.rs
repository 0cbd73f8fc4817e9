//! Transmission answers → the normalised model.

use serde_json::{Map, Value};

use crate::model::{
    FilePriority, Peer, Torrent, TorrentFile, TorrentState, Tracker, TrackerStatus,
};

/// Requested for lists and single torrents (`id` only to map `removed` ids to hashes).
pub const TORRENT_FIELDS: [&str; 23] = [
    "id",
    "hashString",
    "name",
    "status",
    "error",
    "errorString",
    "percentDone",
    "metadataPercentComplete",
    "totalSize",
    "haveValid",
    "leftUntilDone",
    "uploadedEver",
    "uploadRatio",
    "rateDownload",
    "rateUpload",
    "eta",
    "peersConnected",
    "peersSendingToUs",
    "labels",
    "downloadDir",
    "addedDate",
    "doneDate",
    "isPrivate",
];

/// Transmission `status` values.
const STATUS_STOPPED: i64 = 0;
const STATUS_CHECKING: i64 = 2;
const STATUS_SEEDING: i64 = 6;
/// `error` value for a local (non-tracker) error.
const ERROR_LOCAL: i64 = 3;

/// Typed access to one JSON object's fields.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn value(&self, name: &str) -> Result<&Value, String> {
        self.0
            .get(name)
            .ok_or_else(|| format!("missing field {name}"))
    }

    fn int(&self, name: &str) -> Result<i64, String> {
        let value = self.value(name)?;
        value
            .as_i64()
            .or_else(|| value.as_f64().map(|f| f as i64))
            .ok_or_else(|| format!("{name} is not a number: {value}"))
    }

    fn count(&self, name: &str) -> Result<u64, String> {
        Ok(u64::try_from(self.int(name)?).unwrap_or(0))
    }

    fn float(&self, name: &str) -> Result<f64, String> {
        let value = self.value(name)?;
        value
            .as_f64()
            .ok_or_else(|| format!("{name} is not a number: {value}"))
    }

    fn text(&self, name: &str) -> Result<String, String> {
        let value = self.value(name)?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{name} is not a string: {value}"))
    }

    fn flag(&self, name: &str) -> Result<bool, String> {
        let value = self.value(name)?;
        value
            .as_bool()
            .ok_or_else(|| format!("{name} is not a boolean: {value}"))
    }

    fn list(&self, name: &str) -> Result<&[Value], String> {
        let value = self.value(name)?;
        value
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| format!("{name} is not a list: {value}"))
    }
}

fn object(value: &Value) -> Result<Fields<'_>, String> {
    value
        .as_object()
        .map(Fields)
        .ok_or_else(|| format!("expected an object, got {value}"))
}

/// `(id, torrent)` from one `torrent-get` object with `TORRENT_FIELDS`.
pub fn torrent_from_object(value: &Value) -> Result<(i64, Torrent), String> {
    let f = object(value)?;
    let status = f.int("status")?;
    let error_code = f.int("error")?;
    let error_text = f.text("errorString")?;
    let metadata_done = f.float("metadataPercentComplete")? >= 1.0;
    let left = f.count("leftUntilDone")?;
    let percent_done = f.float("percentDone")?;
    let complete = metadata_done && left == 0 && percent_done >= 1.0;
    let state = match status {
        STATUS_CHECKING => TorrentState::Checking,
        _ if error_code == ERROR_LOCAL => TorrentState::Error,
        STATUS_STOPPED => TorrentState::Paused,
        1 | 3 | 5 => TorrentState::Queued,
        _ if !metadata_done => TorrentState::Metadata,
        STATUS_SEEDING => TorrentState::Seeding,
        _ if complete => TorrentState::Seeding,
        _ => TorrentState::Downloading,
    };
    let name = f.text("name")?;
    let download_dir = f.text("downloadDir")?;
    let eta = f.int("eta")?;
    let ratio = f.float("uploadRatio")?;
    let added = f.int("addedDate")?;
    let done = f.int("doneDate")?;
    let labels = f
        .list("labels")?
        .iter()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    let torrent = Torrent {
        info_hash: f.text("hashString")?.to_ascii_lowercase(),
        info_hash_v2: None,
        state,
        progress: percent_done * 100.0,
        size: f.count("totalSize")?,
        downloaded: f.count("haveValid")?,
        uploaded: f.count("uploadedEver")?,
        // -1: not available, -2: infinite.
        ratio: if ratio >= 0.0 { ratio } else { 0.0 },
        download_rate: f.count("rateDownload")?,
        upload_rate: f.count("rateUpload")?,
        // -1: not available, -2: unknown.
        eta: (!complete && eta >= 0).then_some(eta),
        peers: u32::try_from(f.count("peersConnected")?).unwrap_or(u32::MAX),
        seeds: u32::try_from(f.count("peersSendingToUs")?).unwrap_or(u32::MAX),
        labels,
        base_path: format!("{}/{name}", download_dir.trim_end_matches('/')),
        save_path: download_dir,
        added_at: (added > 0).then_some(added),
        completed_at: (done > 0).then_some(done),
        is_private: f.flag("isPrivate")?,
        is_active: status != STATUS_STOPPED,
        complete,
        error: (!error_text.is_empty()).then_some(error_text),
        name,
    };
    Ok((f.int("id")?, torrent))
}

/// `format: "table"`: a header row of field names, then one array per torrent.
pub fn torrents_from_table(table: &[Value]) -> Result<Vec<(i64, Torrent)>, String> {
    let Some((header, rows)) = table.split_first() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = header
        .as_array()
        .ok_or("table header is not a list")?
        .iter()
        .map(|n| {
            n.as_str()
                .map(str::to_owned)
                .ok_or("field name is not a string")
        })
        .collect::<Result<_, _>>()?;
    rows.iter()
        .map(|row| {
            let values = row.as_array().ok_or("table row is not a list")?;
            let object: Map<String, Value> =
                names.iter().cloned().zip(values.iter().cloned()).collect();
            torrent_from_object(&Value::Object(object))
        })
        .collect()
}

/// Files from `torrent-get` fields `name`, `files`, `fileStats`.
pub fn files_from_object(value: &Value) -> Result<Vec<TorrentFile>, String> {
    let f = object(value)?;
    let folder = format!("{}/", f.text("name")?);
    let files = f.list("files")?;
    let stats = f.list("fileStats")?;
    if files.len() != stats.len() {
        return Err("files and fileStats differ in length".to_owned());
    }
    files
        .iter()
        .zip(stats)
        .enumerate()
        .map(|(index, (file, stat))| {
            let file = object(file)?;
            let stat = object(stat)?;
            let name = file.text("name")?;
            let size = file.count("length")?;
            let done = stat.count("bytesCompleted")?;
            let priority = if !stat.flag("wanted")? {
                FilePriority::Skip
            } else {
                match stat.int("priority")? {
                    p if p < 0 => FilePriority::Low,
                    0 => FilePriority::Normal,
                    _ => FilePriority::High,
                }
            };
            Ok(TorrentFile {
                index,
                // Multi-file paths start with the torrent's folder; drop it.
                path: name.strip_prefix(&folder).unwrap_or(&name).to_owned(),
                size,
                progress: if size == 0 {
                    100.0
                } else {
                    done as f64 * 100.0 / size as f64
                },
                priority,
            })
        })
        .collect()
}

pub fn peer_from_object(value: &Value) -> Result<Peer, String> {
    let f = object(value)?;
    let ip = f.text("address")?;
    let port = f.int("port")?;
    Ok(Peer {
        address: if ip.contains(':') {
            format!("[{ip}]:{port}")
        } else {
            format!("{ip}:{port}")
        },
        client: f.text("clientName")?,
        progress: f.float("progress")? * 100.0,
        download_rate: f.count("rateToClient")?,
        upload_rate: f.count("rateToPeer")?,
    })
}

pub fn tracker_from_stats(value: &Value) -> Result<Tracker, String> {
    let f = object(value)?;
    let status = if f.flag("lastAnnounceSucceeded")? {
        TrackerStatus::Working
    } else if f.flag("hasAnnounced")? {
        TrackerStatus::Error
    } else {
        TrackerStatus::NotContacted
    };
    let message = f.text("lastAnnounceResult")?;
    let seeds = f.int("seederCount")?;
    let leechers = f.int("leecherCount")?;
    Ok(Tracker {
        url: f.text("announce")?,
        status,
        message: (!message.is_empty()).then_some(message),
        seeds: u64::try_from(seeds).ok(),
        peers: u64::try_from(leechers).ok(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn torrent(status: i64, error: i64, metadata: f64, percent: f64) -> Value {
        json!({
            "id": 7, "hashString": "ABCDEF0123456789ABCDEF0123456789ABCDEF01", "name": "x.bin",
            "status": status, "error": error, "errorString": if error > 0 { "boom" } else { "" },
            "percentDone": percent, "metadataPercentComplete": metadata, "totalSize": 1000,
            "haveValid": 500, "leftUntilDone": if percent >= 1.0 { 0 } else { 500 },
            "uploadedEver": 10, "uploadRatio": -1, "rateDownload": 5, "rateUpload": 0,
            "eta": 100, "peersConnected": 2, "peersSendingToUs": 1, "labels": ["tv"],
            "downloadDir": "/dl/", "addedDate": 1_700_000_000, "doneDate": 0, "isPrivate": false
        })
    }

    #[test]
    fn maps_an_object() {
        let (id, t) = torrent_from_object(&torrent(4, 0, 1.0, 0.5)).unwrap();
        assert_eq!(id, 7);
        assert_eq!(t.info_hash, "abcdef0123456789abcdef0123456789abcdef01");
        assert_eq!(t.state, TorrentState::Downloading);
        assert_eq!(t.progress, 50.0);
        assert_eq!(t.ratio, 0.0);
        assert_eq!(t.eta, Some(100));
        assert_eq!(t.base_path, "/dl/x.bin");
        assert_eq!(t.completed_at, None);
        assert!(t.is_active && !t.complete);
    }

    #[test]
    fn state_mapping() {
        let state = |s, e, m, p| torrent_from_object(&torrent(s, e, m, p)).unwrap().1.state;
        assert_eq!(state(0, 0, 1.0, 1.0), TorrentState::Paused);
        assert_eq!(state(1, 0, 1.0, 0.0), TorrentState::Queued);
        assert_eq!(state(2, 0, 1.0, 0.0), TorrentState::Checking);
        assert_eq!(state(3, 0, 1.0, 0.0), TorrentState::Queued);
        assert_eq!(state(4, 0, 0.0, 0.0), TorrentState::Metadata);
        assert_eq!(state(4, 2, 1.0, 0.0), TorrentState::Downloading);
        assert_eq!(state(4, 3, 1.0, 0.0), TorrentState::Error);
        assert_eq!(state(6, 0, 1.0, 1.0), TorrentState::Seeding);
    }

    #[test]
    fn reads_table_format() {
        let full = torrent(6, 0, 1.0, 1.0);
        let names: Vec<Value> = TORRENT_FIELDS.iter().map(|n| json!(n)).collect();
        let row: Vec<Value> = TORRENT_FIELDS.iter().map(|n| full[*n].clone()).collect();
        let parsed = torrents_from_table(&[json!(names), json!(row)]).unwrap();
        assert_eq!(parsed, vec![torrent_from_object(&full).unwrap()]);
    }

    #[test]
    fn strips_the_torrent_folder_from_file_paths() {
        let answer = json!({
            "name": "album",
            "files": [{"name": "album/a.flac", "length": 10, "bytesCompleted": 5}],
            "fileStats": [{"bytesCompleted": 5, "wanted": true, "priority": -1}]
        });
        let files = files_from_object(&answer).unwrap();
        assert_eq!(files[0].path, "a.flac");
        assert_eq!(files[0].progress, 50.0);
        assert_eq!(files[0].priority, FilePriority::Low);
    }
}
