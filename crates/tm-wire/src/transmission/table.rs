//! The big `torrent-get` list in table format, parsed as it streams in.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::mapping::{Cells, Field, torrent_from_cells};
use crate::model::Torrent;

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::transmission::mapping::tests::torrent;
    use crate::transmission::mapping::{TORRENT_FIELDS, torrent_from_object};

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

    /// A list captured from transmission-daemon 3.00 (names with `&`, `<`,
    /// quotes, non-ASCII; seeding, paused, missing data, magnet), and what
    /// the adapter made of it before the table parser was rewritten.
    #[test]
    fn pins_a_captured_list() {
        let expected: Vec<(i64, Torrent)> = serde_json::from_str(include_str!(
            "../../testdata/transmission/list.expected.json"
        ))
        .unwrap();
        // Straight from the captured bytes, as `TransmissionRpc::call_as` reads them.
        #[derive(Deserialize)]
        struct Answer {
            arguments: TableArguments,
        }
        let answer: Answer = serde_json::from_slice(include_bytes!(
            "../../testdata/transmission/list-table.json"
        ))
        .unwrap();
        let table = answer.arguments.torrents.unwrap();
        let parsed: Vec<(i64, Torrent)> = table.ids.into_iter().zip(table.torrents).collect();
        assert_eq!(parsed, expected);
        // The same torrents asked for as objects (what `get` reads).
        let answer: Value = serde_json::from_str(include_str!(
            "../../testdata/transmission/list-objects.json"
        ))
        .unwrap();
        let objects: Vec<(i64, Torrent)> = answer["arguments"]["torrents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| torrent_from_object(t.clone()).unwrap())
            .collect();
        assert_eq!(objects, expected);
    }
}
