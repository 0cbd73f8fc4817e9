//! Per-torrent details from `torrent-get` objects: files, peers, trackers.

use serde_json::{Map, Value};

use crate::model::{FilePriority, Peer, TorrentFile, Tracker, TrackerStatus};

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
