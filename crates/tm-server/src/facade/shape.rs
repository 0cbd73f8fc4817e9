//! Our torrents in qBittorrent's JSON shapes and units: progress 0–1,
//! Unix seconds, 8640000 for an unknown ETA, -1 for what is not known.

use serde_json::{Value, json};
use tm_api_types::{FilePriority, TorrentFileInfo, TorrentInfo, TrackerInfo};

use super::{Entry, ShareLimits, state::qbit_state};

/// qBittorrent's "infinite" ETA (100 days).
const MAX_ETA: i64 = 8_640_000;

fn unix_seconds(at: Option<time::OffsetDateTime>) -> Option<i64> {
    at.map(|t| t.unix_timestamp())
}

/// Where the data is: the torrent's file or folder.
fn content_path(info: &TorrentInfo) -> String {
    if info.base_path.is_empty() {
        format!("{}/{}", info.save_path.trim_end_matches('/'), info.name)
    } else {
        info.base_path.clone()
    }
}

/// Seconds seeded: since completion (our clients do not all report seeding
/// time; this counts stopped time too).
fn seeding_time(info: &TorrentInfo, now: i64) -> i64 {
    match unix_seconds(info.completed_at) {
        Some(done) if info.complete => (now - done).max(0),
        _ => 0,
    }
}

/// The last moment data moved, as far as we know: now while it moves, else
/// its completion or addition (our clients do not all report it).
fn last_activity(info: &TorrentInfo, now: i64) -> i64 {
    if info.download_rate > 0 || info.upload_rate > 0 {
        return now;
    }
    unix_seconds(info.completed_at)
        .or(unix_seconds(info.added_at))
        .unwrap_or(0)
}

/// One element of `torrents/info`.
pub fn torrent_object(entry: &Entry, limits: ShareLimits, now: i64) -> Value {
    let info = entry.info();
    let added_on = unix_seconds(info.added_at).unwrap_or(0);
    let mut object = json!({
        "hash": info.info_hash,
        "infohash_v1": info.info_hash,
        "infohash_v2": info.info_hash_v2.clone().unwrap_or_default(),
        "name": info.name,
        "size": info.size,
        "total_size": info.size,
        "progress": info.progress / 100.0,
        "dlspeed": info.download_rate,
        "upspeed": info.upload_rate,
        "eta": info.eta.unwrap_or(MAX_ETA).min(MAX_ETA),
        "state": qbit_state(info),
        "category": entry.category.clone().unwrap_or_default(),
        "tags": entry.tags.join(", "),
        "save_path": info.save_path,
        "content_path": content_path(info),
        "download_path": "",
        "ratio": info.ratio,
        "ratio_limit": limits.ratio,
        "seeding_time_limit": limits.seeding_minutes,
        "inactive_seeding_time_limit": limits.inactive_seeding_minutes,
        "max_ratio": limits.effective_ratio(),
        "max_seeding_time": limits.effective_seeding_minutes(),
        "max_inactive_seeding_time": limits.effective_inactive_minutes(),
    });
    // Two halves: one json! of every field is past the macro's recursion limit.
    let rest = json!({
        "last_activity": last_activity(info, now),
        "added_on": added_on,
        "completion_on": unix_seconds(info.completed_at).unwrap_or(-1),
        "amount_left": info.size.saturating_sub(info.downloaded),
        "completed": info.downloaded,
        "downloaded": info.downloaded,
        "uploaded": info.uploaded,
        "num_seeds": info.seeds,
        "num_leechs": info.peers.saturating_sub(info.seeds),
        "tracker": "",
        "seeding_time": seeding_time(info, now),
        "time_active": if added_on > 0 { (now - added_on).max(0) } else { 0 },
        "auto_tmm": false,
        "force_start": false,
        // -1: queueing is off.
        "priority": -1,
        "private": info.is_private,
        "super_seeding": false,
        "seq_dl": false,
        "f_l_piece_prio": false,
        "dl_limit": -1,
        "up_limit": -1,
        "availability": -1,
        "magnet_uri": "",
        // torrent-manager's own: which server holds the copy shown.
        "server_id": info.server_id,
        "server_name": info.server_name,
    });
    if let (Value::Object(object), Value::Object(rest)) = (&mut object, rest) {
        object.extend(rest);
    }
    object
}

/// `torrents/properties`.
pub fn properties(entry: &Entry, now: i64) -> Value {
    let info = entry.info();
    let added_on = unix_seconds(info.added_at).unwrap_or(-1);
    json!({
        "hash": info.info_hash,
        "infohash_v1": info.info_hash,
        "infohash_v2": info.info_hash_v2.clone().unwrap_or_default(),
        "name": info.name,
        "save_path": info.save_path,
        "download_path": "",
        "total_size": info.size,
        "total_downloaded": info.downloaded,
        "total_uploaded": info.uploaded,
        "share_ratio": info.ratio,
        "dl_speed": info.download_rate,
        "up_speed": info.upload_rate,
        "eta": info.eta.unwrap_or(MAX_ETA).min(MAX_ETA),
        "seeds": info.seeds,
        "peers": info.peers.saturating_sub(info.seeds),
        "seeding_time": seeding_time(info, now),
        "time_elapsed": if added_on > 0 { (now - added_on).max(0) } else { 0 },
        "addition_date": added_on,
        "completion_date": unix_seconds(info.completed_at).unwrap_or(-1),
        "last_seen": -1,
        "creation_date": -1,
        "piece_size": -1,
        "pieces_num": -1,
        "pieces_have": -1,
        "dl_limit": -1,
        "up_limit": -1,
        "isPrivate": info.is_private,
        "is_private": info.is_private,
        "comment": "",
        "created_by": "",
    })
}

/// One element of `torrents/files`. qBittorrent names a file with the
/// torrent's folder in front (ours are inside it), except a single file.
pub fn file_object(entry: &Entry, file: &TorrentFileInfo, single: bool) -> Value {
    let name = if single {
        file.path.clone()
    } else {
        format!("{}/{}", entry.info().name, file.path)
    };
    let priority = match file.priority {
        FilePriority::Skip => 0,
        FilePriority::Low | FilePriority::Normal => 1,
        FilePriority::High => 6,
    };
    json!({
        "index": file.index,
        "name": name,
        "size": file.size,
        "progress": file.progress / 100.0,
        "priority": priority,
        "is_seed": file.progress >= 100.0,
        "availability": -1,
    })
}

/// One element of `torrents/trackers` (status: 0 disabled, 1 not
/// contacted, 2 working, 4 not working; -1 counts: unknown).
pub fn tracker_object(tier: usize, tracker: &TrackerInfo) -> Value {
    let status = match tracker.status.as_str() {
        "disabled" => 0,
        "working" => 2,
        "error" => 4,
        _ => 1,
    };
    let count = |n: Option<u64>| n.map_or(-1, |n| n as i64);
    json!({
        "url": tracker.url,
        "status": status,
        "tier": tier,
        "num_peers": -1,
        "num_seeds": count(tracker.seeds),
        "num_leeches": count(tracker.peers),
        "num_downloaded": -1,
        "msg": tracker.message.clone().unwrap_or_default(),
    })
}

/// Whether a file list is that of a single-file torrent.
pub fn is_single_file(entry: &Entry, files: &[TorrentFileInfo]) -> bool {
    matches!(files, [only] if only.path == entry.info().name)
}
