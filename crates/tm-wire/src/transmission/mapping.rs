//! Transmission answers → the normalised model.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::model::{Torrent, TorrentErrorKind, TorrentState, tracker_host};
use crate::tracker_health;

/// Requested for lists and single torrents (`id` only to map `removed` ids
/// to hashes), in `Field` order.
pub const TORRENT_FIELDS: [&str; 24] = [
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
    "trackers",
];

/// Index into `TORRENT_FIELDS`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Field {
    Id,
    HashString,
    Name,
    Status,
    Error,
    ErrorString,
    PercentDone,
    MetadataPercentComplete,
    TotalSize,
    HaveValid,
    LeftUntilDone,
    UploadedEver,
    UploadRatio,
    RateDownload,
    RateUpload,
    Eta,
    PeersConnected,
    PeersSendingToUs,
    Labels,
    DownloadDir,
    AddedDate,
    DoneDate,
    IsPrivate,
    Trackers,
}

impl Field {
    /// In `TORRENT_FIELDS` order.
    const ALL: [Field; TORRENT_FIELDS.len()] = [
        Field::Id,
        Field::HashString,
        Field::Name,
        Field::Status,
        Field::Error,
        Field::ErrorString,
        Field::PercentDone,
        Field::MetadataPercentComplete,
        Field::TotalSize,
        Field::HaveValid,
        Field::LeftUntilDone,
        Field::UploadedEver,
        Field::UploadRatio,
        Field::RateDownload,
        Field::RateUpload,
        Field::Eta,
        Field::PeersConnected,
        Field::PeersSendingToUs,
        Field::Labels,
        Field::DownloadDir,
        Field::AddedDate,
        Field::DoneDate,
        Field::IsPrivate,
        Field::Trackers,
    ];

    fn name(self) -> &'static str {
        TORRENT_FIELDS[self as usize]
    }

    pub(super) fn from_name(name: &str) -> Option<Field> {
        let index = TORRENT_FIELDS.iter().position(|f| *f == name)?;
        Some(Field::ALL[index])
    }

    fn kind(self) -> Kind {
        match self {
            Field::HashString | Field::Name | Field::ErrorString | Field::DownloadDir => Kind::Text,
            Field::PercentDone | Field::MetadataPercentComplete | Field::UploadRatio => Kind::Float,
            Field::IsPrivate => Kind::Flag,
            Field::Labels => Kind::Strings,
            Field::Trackers => Kind::FirstTracker,
            _ => Kind::Int,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Float,
    Text,
    Flag,
    Strings,
    /// A list of tracker objects, of which only the first's host is kept.
    FirstTracker,
}

/// Transmission `status` values.
const STATUS_STOPPED: i64 = 0;
const STATUS_CHECKING: i64 = 2;
const STATUS_SEEDING: i64 = 6;
/// `error` value for a local (non-tracker) error; 1 and 2 are a tracker's
/// warning and error.
const ERROR_LOCAL: i64 = 3;
const ERROR_TRACKER_WARNING: i64 = 1;
const ERROR_TRACKER: i64 = 2;

/// One `TORRENT_FIELDS` value, parsed straight into its type.
#[derive(Debug, Default)]
pub(super) enum Cell {
    #[default]
    Missing,
    Int(i64),
    Float(f64),
    Text(String),
    Flag(bool),
    Strings(Vec<String>),
    /// Host of the first tracker, if any.
    Host(Option<String>),
}

/// One torrent's values, indexed by `Field`; read from a table row or an
/// object alike, so both give the same torrent.
#[derive(Default)]
pub(super) struct Cells(pub(super) [Cell; TORRENT_FIELDS.len()]);

impl Cells {
    /// Moves the value out: each field is read once.
    fn take(&mut self, field: Field) -> Result<Cell, String> {
        match std::mem::take(&mut self.0[field as usize]) {
            Cell::Missing => Err(format!("missing field {}", field.name())),
            cell => Ok(cell),
        }
    }

    fn int(&mut self, field: Field) -> Result<i64, String> {
        match self.take(field)? {
            Cell::Int(value) => Ok(value),
            other => Err(format!("{}: unexpected {other:?}", field.name())),
        }
    }

    fn count(&mut self, field: Field) -> Result<u64, String> {
        Ok(u64::try_from(self.int(field)?).unwrap_or(0))
    }

    fn float(&mut self, field: Field) -> Result<f64, String> {
        match self.take(field)? {
            Cell::Float(value) => Ok(value),
            other => Err(format!("{}: unexpected {other:?}", field.name())),
        }
    }

    fn text(&mut self, field: Field) -> Result<String, String> {
        match self.take(field)? {
            Cell::Text(value) => Ok(value),
            other => Err(format!("{}: unexpected {other:?}", field.name())),
        }
    }

    fn flag(&mut self, field: Field) -> Result<bool, String> {
        match self.take(field)? {
            Cell::Flag(value) => Ok(value),
            other => Err(format!("{}: unexpected {other:?}", field.name())),
        }
    }

    /// Missing counts as no tracker (replies recorded before it was asked for).
    fn host(&mut self, field: Field) -> Result<Option<String>, String> {
        match std::mem::take(&mut self.0[field as usize]) {
            Cell::Missing => Ok(None),
            Cell::Host(value) => Ok(value),
            other => Err(format!("{}: unexpected {other:?}", field.name())),
        }
    }

    fn strings(&mut self, field: Field) -> Result<Vec<String>, String> {
        match self.take(field)? {
            Cell::Strings(value) => Ok(value),
            other => Err(format!("{}: unexpected {other:?}", field.name())),
        }
    }
}

/// `(id, torrent)` from one `torrent-get` object with `TORRENT_FIELDS`.
pub fn torrent_from_object(value: Value) -> Result<(i64, Torrent), String> {
    let mut cells = value
        .deserialize_map(ObjectVisitor)
        .map_err(|e| e.to_string())?;
    torrent_from_cells(&mut cells)
}

/// Moves the values out of `f`.
pub(super) fn torrent_from_cells(f: &mut Cells) -> Result<(i64, Torrent), String> {
    use Field::*;
    let status = f.int(Status)?;
    let error_code = f.int(Error)?;
    let error_text = f.text(ErrorString)?;
    let metadata_done = f.float(MetadataPercentComplete)? >= 1.0;
    let left = f.count(LeftUntilDone)?;
    let percent_done = f.float(PercentDone)?;
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
    let name = f.text(Name)?;
    let download_dir = f.text(DownloadDir)?;
    let eta = f.int(Eta)?;
    let ratio = f.float(UploadRatio)?;
    let added = f.int(AddedDate)?;
    let done = f.int(DoneDate)?;
    let labels = f.strings(Labels)?;
    let mut info_hash = f.text(HashString)?;
    info_hash.make_ascii_lowercase();
    let download_rate = f.count(RateDownload)?;
    // Transmission 3 reports -1 ("not available") while a download has no
    // estimate of its own yet, even with data flowing.
    let eta = match (complete, eta, download_rate) {
        (true, _, _) => None,
        (false, eta, _) if eta >= 0 => Some(eta),
        (false, _, 0) => None,
        (false, _, rate) if state == TorrentState::Downloading => i64::try_from(left / rate).ok(),
        _ => None,
    };
    // Only a tracker's answer reaches `error` (e.g. "Unregistered torrent");
    // a tracker that cannot be reached, or works, shows only in
    // `trackerStats`, which is not listed (see the model's table).
    let (tracker_status, tracker_message) = match error_code {
        ERROR_TRACKER_WARNING | ERROR_TRACKER => tracker_health::from_message(&error_text),
        _ => (None, None),
    };
    let error = (!error_text.is_empty()).then_some(error_text);
    let error_kind = error.as_ref().map(|_| match error_code {
        ERROR_LOCAL => TorrentErrorKind::Client,
        _ => TorrentErrorKind::Tracker,
    });
    let torrent = Torrent {
        info_hash,
        info_hash_v2: None,
        state,
        progress: percent_done * 100.0,
        size: f.count(TotalSize)?,
        downloaded: f.count(HaveValid)?,
        uploaded: f.count(UploadedEver)?,
        // -1: not available, -2: infinite.
        ratio: if ratio >= 0.0 { ratio } else { 0.0 },
        download_rate,
        upload_rate: f.count(RateUpload)?,
        eta,
        peers: u32::try_from(f.count(PeersConnected)?).unwrap_or(u32::MAX),
        seeds: u32::try_from(f.count(PeersSendingToUs)?).unwrap_or(u32::MAX),
        labels,
        category: None,
        base_path: [download_dir.trim_end_matches('/'), "/", &name].concat(),
        save_path: download_dir,
        added_at: (added > 0).then_some(added),
        completed_at: (done > 0).then_some(done),
        is_private: f.flag(IsPrivate)?,
        is_active: status != STATUS_STOPPED,
        complete,
        error,
        error_kind,
        tracker: f.host(Trackers)?,
        tracker_status,
        tracker_message,
        name,
    };
    Ok((f.int(Id)?, torrent))
}

/// Parses one field's value into its `Cell`.
impl<'de> DeserializeSeed<'de> for Field {
    type Value = Cell;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cell, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Numbers are taken in any JSON form (Transmission sends some integers as
/// floats); labels keep only their strings.
impl<'de> Visitor<'de> for Field {
    type Value = Cell;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let kind = match self.kind() {
            Kind::Int | Kind::Float => "a number",
            Kind::Text => "a string",
            Kind::Flag => "a boolean",
            Kind::Strings | Kind::FirstTracker => "a list",
        };
        write!(f, "{} as {kind}", self.name())
    }

    // As `Value::as_i64` / `as_f64` read numbers (a too large u64 saturates).
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Cell, E> {
        match self.kind() {
            Kind::Int => Ok(Cell::Int(value)),
            Kind::Float => Ok(Cell::Float(value as f64)),
            _ => Err(E::invalid_type(de::Unexpected::Signed(value), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Cell, E> {
        match self.kind() {
            Kind::Int => Ok(Cell::Int(i64::try_from(value).unwrap_or(i64::MAX))),
            Kind::Float => Ok(Cell::Float(value as f64)),
            _ => Err(E::invalid_type(de::Unexpected::Unsigned(value), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Cell, E> {
        match self.kind() {
            Kind::Int => Ok(Cell::Int(value as i64)),
            Kind::Float => Ok(Cell::Float(value)),
            _ => Err(E::invalid_type(de::Unexpected::Float(value), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Cell, E> {
        match self.kind() {
            Kind::Text => Ok(Cell::Text(value.to_owned())),
            _ => Err(E::invalid_type(de::Unexpected::Str(value), &self)),
        }
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Cell, E> {
        match self.kind() {
            Kind::Text => Ok(Cell::Text(value)),
            _ => Err(E::invalid_type(de::Unexpected::Str(&value), &self)),
        }
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Cell, E> {
        match self.kind() {
            Kind::Flag => Ok(Cell::Flag(value)),
            _ => Err(E::invalid_type(de::Unexpected::Bool(value), &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cell, A::Error> {
        match self.kind() {
            Kind::Strings => {}
            Kind::FirstTracker => return first_tracker_host(seq).map(Cell::Host),
            _ => return Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
        }
        let mut labels = Vec::new();
        while let Some(label) = seq.next_element::<Value>()? {
            if let Value::String(label) = label {
                labels.push(label);
            }
        }
        Ok(Cell::Strings(labels))
    }
}

/// One entry of `trackers`; other keys are skipped.
#[derive(serde::Deserialize)]
struct TrackerEntry {
    announce: Option<String>,
}

/// The host of the first tracker's announce URL; the rest is skipped.
fn first_tracker_host<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<String>, A::Error> {
    let first = seq.next_element::<TrackerEntry>()?;
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(first
        .and_then(|t| t.announce)
        .and_then(|url| tracker_host(&url)))
}

/// A `torrent-get` object (what `get` asks for): fields by name.
struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Cells;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a torrent object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cells, A::Error> {
        let mut cells = Cells::default();
        while let Some(name) = map.next_key::<String>()? {
            match Field::from_name(&name) {
                Some(field) => cells.0[field as usize] = map.next_value_seed(field)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(cells)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::TrackerHealth;

    /// A `torrent-get` object with every field of `TORRENT_FIELDS`.
    pub(crate) fn torrent(status: i64, error: i64, metadata: f64, percent: f64) -> Value {
        json!({
            "id": 7, "hashString": "ABCDEF0123456789ABCDEF0123456789ABCDEF01", "name": "x.bin",
            "status": status, "error": error, "errorString": if error > 0 { "boom" } else { "" },
            "percentDone": percent, "metadataPercentComplete": metadata, "totalSize": 1000,
            "haveValid": 500, "leftUntilDone": if percent >= 1.0 { 0 } else { 500 },
            "uploadedEver": 10, "uploadRatio": -1, "rateDownload": 5, "rateUpload": 0,
            "eta": 100, "peersConnected": 2, "peersSendingToUs": 1, "labels": ["tv"],
            "downloadDir": "/dl/", "addedDate": 1_700_000_000, "doneDate": 0, "isPrivate": false,
            "trackers": [
                {"announce": "http://Tracker.Example.org:6969/announce", "id": 0, "scrape": "", "tier": 0},
                {"announce": "udp://backup.example.net:80", "id": 1, "scrape": "", "tier": 1}
            ]
        })
    }

    #[test]
    fn maps_an_object() {
        let (id, t) = torrent_from_object(torrent(4, 0, 1.0, 0.5)).unwrap();
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
    fn error_kinds_and_tracker_host() {
        let mapped = |error| torrent_from_object(torrent(4, error, 1.0, 0.5)).unwrap().1;
        let ok = mapped(0);
        assert_eq!((ok.error, ok.error_kind), (None, None));
        assert_eq!(ok.tracker.as_deref(), Some("tracker.example.org"));
        for warning in [1, 2] {
            let t = mapped(warning);
            assert_eq!(t.error.as_deref(), Some("boom"));
            assert_eq!(t.error_kind, Some(TorrentErrorKind::Tracker));
            assert_eq!(t.state, TorrentState::Downloading);
        }
        let local = mapped(3);
        assert_eq!(local.error_kind, Some(TorrentErrorKind::Client));
        assert_eq!(local.state, TorrentState::Error);
        // A code without text is no error.
        let mut object = torrent(4, 2, 1.0, 0.5);
        object["errorString"] = json!("");
        let t = torrent_from_object(object).unwrap().1;
        assert_eq!((t.error, t.error_kind), (None, None));
        let mut object = torrent(4, 0, 1.0, 0.5);
        object["trackers"] = json!([]);
        assert_eq!(torrent_from_object(object).unwrap().1.tracker, None);
    }

    #[test]
    fn tracker_health_from_a_trackers_answer() {
        let health = |error: i64, text: &str| {
            let mut object = torrent(4, error, 1.0, 0.5);
            object["errorString"] = json!(text);
            let t = torrent_from_object(object).unwrap().1;
            (t.tracker_status, t.tracker_message)
        };
        assert_eq!(health(0, ""), (None, None), "working or not: not listed");
        for (code, text, status) in [
            (2, "Unregistered torrent", TrackerHealth::Unregistered),
            (
                2,
                "Requested download is not authorized for use with this tracker.",
                TrackerHealth::Unregistered,
            ),
            (
                1,
                "Tracker gave HTTP response code 503 (Service Unavailable)",
                TrackerHealth::TrackerDown,
            ),
            (2, "Invalid passkey", TrackerHealth::Error),
        ] {
            assert_eq!(
                health(code, text),
                (Some(status), Some(text.to_owned())),
                "{text}"
            );
        }
        // A local error says nothing of the trackers.
        assert_eq!(health(3, "No data found!"), (None, None));
    }

    #[test]
    fn eta_when_transmission_has_none() {
        let eta = |status, eta, rate| {
            let mut object = torrent(status, 0, 1.0, 0.5);
            object["eta"] = json!(eta);
            object["rateDownload"] = json!(rate);
            torrent_from_object(object).unwrap().1.eta
        };
        assert_eq!(eta(4, 100, 5), Some(100), "Transmission's own estimate");
        assert_eq!(eta(4, -1, 5), Some(100), "500 bytes left at 5 B/s");
        assert_eq!(eta(4, -1, 0), None, "no data flowing");
        assert_eq!(eta(4, -2, 5), Some(100));
        assert_eq!(eta(0, -1, 5), None, "paused");
        let mut done = torrent(6, 0, 1.0, 1.0);
        done["eta"] = json!(-1);
        assert_eq!(torrent_from_object(done).unwrap().1.eta, None);
    }

    #[test]
    fn state_mapping() {
        let state = |s, e, m, p| torrent_from_object(torrent(s, e, m, p)).unwrap().1.state;
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
    fn fields_are_in_torrent_fields_order() {
        for (index, field) in Field::ALL.iter().enumerate() {
            assert_eq!(*field as usize, index);
            assert_eq!(
                Field::from_name(field.name()).map(|f| f as usize),
                Some(index)
            );
        }
    }

    #[test]
    fn numbers_are_read_in_any_form() {
        let mut object = torrent(4, 0, 1.0, 0.5);
        object["totalSize"] = json!(1000.7);
        object["percentDone"] = json!(1);
        object["eta"] = json!(u64::MAX);
        object["labels"] = json!(["a", 1, null, ["b"], "c"]);
        let (_, t) = torrent_from_object(object).unwrap();
        assert_eq!(t.size, 1000);
        assert_eq!(t.progress, 100.0);
        assert_eq!(t.labels, vec!["a", "c"]);
    }
}
