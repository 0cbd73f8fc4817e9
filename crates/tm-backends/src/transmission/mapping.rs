//! Transmission answers → the normalised model.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::model::{
    FilePriority, Peer, Torrent, TorrentFile, TorrentState, Tracker, TrackerStatus,
};

/// Requested for lists and single torrents (`id` only to map `removed` ids
/// to hashes), in `Field` order.
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

/// Index into `TORRENT_FIELDS`.
#[derive(Debug, Clone, Copy)]
enum Field {
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
    ];

    fn name(self) -> &'static str {
        TORRENT_FIELDS[self as usize]
    }

    fn from_name(name: &str) -> Option<Field> {
        let index = TORRENT_FIELDS.iter().position(|f| *f == name)?;
        Some(Field::ALL[index])
    }

    fn kind(self) -> Kind {
        match self {
            Field::HashString | Field::Name | Field::ErrorString | Field::DownloadDir => Kind::Text,
            Field::PercentDone | Field::MetadataPercentComplete | Field::UploadRatio => Kind::Float,
            Field::IsPrivate => Kind::Flag,
            Field::Labels => Kind::Strings,
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
}

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

/// One `TORRENT_FIELDS` value, parsed straight into its type.
#[derive(Debug, Default)]
enum Cell {
    #[default]
    Missing,
    Int(i64),
    Float(f64),
    Text(String),
    Flag(bool),
    Strings(Vec<String>),
}

/// One torrent's values, indexed by `Field`; read from a table row or an
/// object alike, so both give the same torrent.
#[derive(Default)]
struct Cells([Cell; TORRENT_FIELDS.len()]);

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
fn torrent_from_cells(f: &mut Cells) -> Result<(i64, Torrent), String> {
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
        download_rate: f.count(RateDownload)?,
        upload_rate: f.count(RateUpload)?,
        // -1: not available, -2: unknown.
        eta: (!complete && eta >= 0).then_some(eta),
        peers: u32::try_from(f.count(PeersConnected)?).unwrap_or(u32::MAX),
        seeds: u32::try_from(f.count(PeersSendingToUs)?).unwrap_or(u32::MAX),
        labels,
        base_path: [download_dir.trim_end_matches('/'), "/", &name].concat(),
        save_path: download_dir,
        added_at: (added > 0).then_some(added),
        completed_at: (done > 0).then_some(done),
        is_private: f.flag(IsPrivate)?,
        is_active: status != STATUS_STOPPED,
        complete,
        error: (!error_text.is_empty()).then_some(error_text),
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
            Kind::Strings => "a list",
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
        if self.kind() != Kind::Strings {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
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

/// The `arguments` of a `torrent-get` with `format: "table"`.
#[derive(Deserialize)]
pub struct TableArguments {
    pub torrents: Option<Table>,
    /// Ids of torrents removed since, for `ids: "recently-active"`.
    pub removed: Option<Value>,
}

/// The torrents of a table (a header row of field names, then one list per
/// torrent) and their ids, in the same order. Each value is parsed straight
/// into its type and each row converted as the parser reaches it: no `Value`
/// tree of the whole list, no map per row (a 5,000-torrent list took three
/// times as long that way).
#[derive(Default)]
pub struct Table {
    pub ids: Vec<i64>,
    pub torrents: Vec<Torrent>,
}

impl<'de> Deserialize<'de> for Table {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(TableVisitor)
    }
}

struct TableVisitor;

impl<'de> Visitor<'de> for TableVisitor {
    type Value = Table;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table: a list of field names, then a list per torrent")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Table, A::Error> {
        let mut table = Table::default();
        let Some(header) = seq.next_element::<Vec<String>>()? else {
            return Ok(table);
        };
        // Names are looked up once; rows are then read by position.
        let columns: Vec<Option<Field>> = header.iter().map(|n| Field::from_name(n)).collect();
        // One buffer for every row: rows are not moved around.
        let mut cells = Cells::default();
        while let Some(()) = seq.next_element_seed(RowSeed {
            columns: &columns,
            cells: &mut cells,
        })? {
            let (id, torrent) = torrent_from_cells(&mut cells).map_err(de::Error::custom)?;
            table.ids.push(id);
            table.torrents.push(torrent);
        }
        Ok(table)
    }
}

/// Reads one table row into `cells`: the value of `columns[i]` is the row's
/// `i`th (unknown columns and extra values are skipped; a repeated name keeps
/// the last value, as in an object).
struct RowSeed<'a> {
    columns: &'a [Option<Field>],
    cells: &'a mut Cells,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table row (a list)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        *self.cells = Cells::default();
        let mut columns = self.columns.iter();
        loop {
            match columns.next() {
                Some(Some(field)) => match seq.next_element_seed(*field)? {
                    Some(cell) => self.cells.0[*field as usize] = cell,
                    None => return Ok(()),
                },
                _ => {
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        return Ok(());
                    }
                }
            }
        }
    }
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

    fn table(json: &str) -> Result<Vec<(i64, Torrent)>, serde_json::Error> {
        serde_json::from_str::<TableArguments>(json).map(|a| {
            let table = a.torrents.unwrap();
            table.ids.into_iter().zip(table.torrents).collect()
        })
    }

    #[test]
    fn reads_table_format() {
        let full = torrent(6, 0, 1.0, 1.0);
        let names: Vec<Value> = TORRENT_FIELDS.iter().map(|n| json!(n)).collect();
        let row: Vec<Value> = TORRENT_FIELDS.iter().map(|n| full[*n].clone()).collect();
        let parsed = table(&json!({ "torrents": [names, row] }).to_string()).unwrap();
        assert_eq!(parsed, vec![torrent_from_object(full).unwrap()]);
        assert!(table(r#"{"torrents": []}"#).unwrap().is_empty());
    }

    #[test]
    fn table_columns_follow_the_header() {
        // Any column order, unknown columns ignored, extra cells ignored.
        let full = torrent(4, 0, 1.0, 0.5);
        let mut names: Vec<&str> = TORRENT_FIELDS.iter().rev().copied().collect();
        names.insert(3, "unknownField");
        let mut row: Vec<Value> = names
            .iter()
            .map(|n| full.get(*n).cloned().unwrap_or(json!(42)))
            .collect();
        row.push(json!("extra"));
        let parsed = table(&json!({ "torrents": [names, row] }).to_string()).unwrap();
        assert_eq!(parsed, vec![torrent_from_object(full).unwrap()]);
    }

    #[test]
    fn bad_table_rows_are_errors() {
        let names: Vec<Value> = TORRENT_FIELDS.iter().map(|n| json!(n)).collect();
        let short = json!({ "torrents": [names, [7, "abc"]] }).to_string();
        let err = table(&short).unwrap_err().to_string();
        assert!(err.contains("missing field status"), "{err}");
        let mut row: Vec<Value> = TORRENT_FIELDS
            .iter()
            .map(|n| torrent(4, 0, 1.0, 0.5)[*n].clone())
            .collect();
        row[3] = json!("four");
        let err = table(&json!({ "torrents": [names, row] }).to_string())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("invalid type: string \"four\", expected status as a number"),
            "{err}"
        );
        assert!(table(r#"{"torrents": [["id"], 5]}"#).is_err());
        assert!(table(r#"{"torrents": [[1], [1]]}"#).is_err());
        let err = torrent_from_object(json!({ "id": 1 })).unwrap_err();
        assert!(err.contains("missing field status"), "{err}");
        let err = torrent_from_object(json!({ "id": 1, "status": [] })).unwrap_err();
        assert!(err.contains("expected status as a number"), "{err}");
        assert!(torrent_from_object(json!([1])).is_err());
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

    /// A list captured from transmission-daemon 3.00 (names with `&`, `<`,
    /// quotes, non-ASCII; seeding, paused, missing data, magnet), and what
    /// the adapter made of it before the table parser was rewritten.
    #[test]
    fn pins_a_captured_list() {
        let expected: Vec<(i64, Torrent)> =
            serde_json::from_str(include_str!("testdata/list.expected.json")).unwrap();
        // Straight from the captured bytes, as `TransmissionRpc::call_as` reads them.
        #[derive(Deserialize)]
        struct Answer {
            arguments: TableArguments,
        }
        let answer: Answer =
            serde_json::from_slice(include_bytes!("testdata/list-table.json")).unwrap();
        let table = answer.arguments.torrents.unwrap();
        let parsed: Vec<(i64, Torrent)> = table.ids.into_iter().zip(table.torrents).collect();
        assert_eq!(parsed, expected);
        // The same torrents asked for as objects (what `get` reads).
        let answer: Value =
            serde_json::from_str(include_str!("testdata/list-objects.json")).unwrap();
        let objects: Vec<(i64, Torrent)> = answer["arguments"]["torrents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| torrent_from_object(t.clone()).unwrap())
            .collect();
        assert_eq!(objects, expected);
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
