//! A torrent as a rule sees it: its normalised fields, read from the fleet's
//! snapshot of its server.

use tm_api_types::{TorrentState, TrackerHealth};
use tm_backends::Torrent;

use super::conditions::Field;
use crate::fleet::ServerSpec;

/// One torrent of one server, with what the rule engine knows around it.
pub struct Subject<'a> {
    pub torrent: &'a Torrent,
    pub state: TorrentState,
    pub server: &'a ServerSpec,
    /// Bytes free in the server's download directory, when the poller knows.
    pub free_space: Option<u64>,
    /// Unix seconds.
    pub now: i64,
    /// Unix seconds since which no data moved (see `idle`).
    pub idle_since: Option<i64>,
    /// How many of the user's servers hold this info hash (counted only
    /// for a rule that tests it).
    pub copies: u32,
    /// How many other torrents hold the same content; `None` while the
    /// torrent's file list is not fetched (or the rule does not ask).
    pub cross_seeds: Option<u32>,
}

/// A field's value; `None` when the torrent has none (no tracker, not
/// complete yet).
pub enum FieldValue<'a> {
    Number(Option<f64>),
    Text(Option<&'a str>),
    Labels(&'a [String]),
}

impl Subject<'_> {
    pub fn value(&self, field: Field) -> FieldValue<'_> {
        let t = self.torrent;
        let age = |at: Option<i64>| FieldValue::Number(at.map(|at| (self.now - at).max(0) as f64));
        match field {
            Field::State => FieldValue::Text(Some(self.state.as_str())),
            Field::Ratio => FieldValue::Number(Some(t.ratio)),
            // No client reports seeding time alike: time since completion.
            Field::SeedingTime | Field::CompletedAge => age(t.completed_at.filter(|_| t.complete)),
            Field::InactiveTime => age(self.idle_since),
            Field::AddedAge => age(t.added_at),
            Field::Size => FieldValue::Number(Some(t.size as f64)),
            Field::Progress => FieldValue::Number(Some(t.progress)),
            Field::Label => FieldValue::Labels(&t.labels),
            Field::Tracker => FieldValue::Text(t.tracker.as_deref()),
            Field::TrackerStatus => FieldValue::Text(t.tracker_status.map(TrackerHealth::as_str)),
            Field::Name => FieldValue::Text(Some(&t.name)),
            Field::SavePath => FieldValue::Text(Some(without_trailing_slash(&t.save_path))),
            Field::Server => FieldValue::Text(Some(&self.server.id)),
            Field::Client => FieldValue::Text(Some(self.server.server_type.as_str())),
            Field::FreeSpace => FieldValue::Number(self.free_space.map(|b| b as f64)),
            Field::Copies => FieldValue::Number(Some(f64::from(self.copies))),
            Field::CrossSeeds => FieldValue::Number(self.cross_seeds.map(f64::from)),
        }
    }
}

/// A directory as rules compare it: clients differ in a trailing separator.
fn without_trailing_slash(dir: &str) -> &str {
    match dir.trim_end_matches(['/', '\\']) {
        "" if !dir.is_empty() => &dir[..1],
        trimmed => trimmed,
    }
}
