//! `GET /torrents`: filtering, sorting and paging the snapshots.

use std::cmp::Ordering;
use std::sync::Arc;

use tm_api_types::{TorrentQuery, TorrentState, TrackerHealth};
use tm_backends::{Torrent, TorrentErrorKind};

use super::torrents::TorrentPage;
use super::{Error, Result};
use crate::fleet::{Snapshot, TorrentView};

/// The matching torrents of `snapshots`, sorted and paged.
pub(super) fn page_of(snapshots: &[Snapshot], query: &TorrentQuery) -> Result<TorrentPage> {
    let states = parse_states(query.state.as_deref())?;
    let sort = SortKey::parse(query.sort.as_deref())?;
    let search = query.search.as_deref().map(str::to_lowercase);
    let error = ErrorFilter::parse(query.error.as_deref())?;
    let tracker_statuses = parse_tracker_statuses(query.tracker_status.as_deref())?;
    let tracker = query
        .tracker
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase);
    let mut torrents: Vec<Arc<TorrentView>> = snapshots
        .iter()
        .flat_map(|snapshot| snapshot.views.values())
        .filter(|v| states.as_ref().is_none_or(|s| s.contains(&v.state())))
        .filter(|v| {
            query
                .label
                .as_ref()
                .is_none_or(|l| v.torrent.labels.contains(l))
        })
        .filter(|v| search.as_ref().is_none_or(|s| v.name_key.contains(s)))
        .filter(|v| error.is_none_or(|e| e.matches(&v.torrent)))
        .filter(|v| {
            tracker_statuses
                .as_ref()
                .is_none_or(|s| v.torrent.tracker_status.is_some_and(|t| s.contains(&t)))
        })
        .filter(|v| {
            tracker
                .as_ref()
                .is_none_or(|t| v.torrent.tracker.as_ref() == Some(t))
        })
        .cloned()
        .collect();
    torrents.sort_by(|a, b| sort.compare(a, b));
    let total = torrents.len();
    let offset = query.offset.unwrap_or(0).min(total);
    let end = query
        .limit
        .map_or(total, |limit| offset.saturating_add(limit).min(total));
    Ok(TorrentPage {
        torrents: torrents.drain(offset..end).collect(),
        total,
    })
}

pub(super) fn parse_states(value: Option<&str>) -> Result<Option<Vec<TorrentState>>> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    value
        .split(',')
        .map(|s| {
            serde_json::from_value(serde_json::Value::String(s.trim().to_string())).map_err(|_| {
                Error::Invalid(format!(
                    "unknown state '{}': use downloading, seeding, paused, queued, checking, error or metadata",
                    s.trim()
                ))
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// `tracker_status=unregistered,tracker_down`: any of these.
fn parse_tracker_statuses(value: Option<&str>) -> Result<Option<Vec<TrackerHealth>>> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    value
        .split(',')
        .map(|name| {
            let name = name.trim();
            TrackerHealth::ALL
                .into_iter()
                .find(|status| status.as_str() == name)
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "unknown tracker status '{name}': use working, updating, not_contacted, \
                         unregistered, tracker_down or error"
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// `error=any|tracker|client`.
#[derive(Clone, Copy)]
enum ErrorFilter {
    Any,
    Kind(TorrentErrorKind),
}

impl ErrorFilter {
    fn parse(value: Option<&str>) -> Result<Option<Self>> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        Ok(Some(match value {
            "any" => ErrorFilter::Any,
            "tracker" => ErrorFilter::Kind(TorrentErrorKind::Tracker),
            "client" => ErrorFilter::Kind(TorrentErrorKind::Client),
            other => {
                return Err(Error::Invalid(format!(
                    "unknown error filter '{other}': use any, tracker or client"
                )));
            }
        }))
    }

    fn matches(self, torrent: &Torrent) -> bool {
        match self {
            ErrorFilter::Any => torrent.error_kind.is_some(),
            ErrorFilter::Kind(kind) => torrent.error_kind == Some(kind),
        }
    }
}

/// How `GET /torrents` orders its answer.
struct SortKey {
    field: SortField,
    descending: bool,
}

#[derive(Clone, Copy)]
enum SortField {
    Name,
    Size,
    Progress,
    State,
    Ratio,
    DownloadRate,
    UploadRate,
    Eta,
    AddedAt,
    CompletedAt,
    ServerName,
    Peers,
    Seeds,
    Uploaded,
    Downloaded,
}

impl SortKey {
    fn parse(value: Option<&str>) -> Result<Self> {
        let value = value.unwrap_or("name").trim();
        let (descending, name) = match value.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, value),
        };
        let field = match name {
            "name" => SortField::Name,
            "size" => SortField::Size,
            "progress" => SortField::Progress,
            "state" => SortField::State,
            "ratio" => SortField::Ratio,
            "download_rate" => SortField::DownloadRate,
            "upload_rate" => SortField::UploadRate,
            "eta" => SortField::Eta,
            "added_at" => SortField::AddedAt,
            "completed_at" => SortField::CompletedAt,
            "server_name" => SortField::ServerName,
            "peers" => SortField::Peers,
            "seeds" => SortField::Seeds,
            "uploaded" => SortField::Uploaded,
            "downloaded" => SortField::Downloaded,
            other => {
                return Err(Error::Invalid(format!(
                    "cannot sort by '{other}': use name, size, progress, state, ratio, download_rate, upload_rate, eta, added_at, completed_at, server_name, peers, seeds, uploaded or downloaded (prefix - for descending)"
                )));
            }
        };
        Ok(Self { field, descending })
    }

    fn compare(&self, a: &TorrentView, b: &TorrentView) -> Ordering {
        let name = a.name_key.cmp(&b.name_key);
        let (server_a, server_b) = (&a.server, &b.server);
        let (state_a, state_b) = (a.state(), b.state());
        let (a, b) = (&a.torrent, &b.torrent);
        let primary = match self.field {
            SortField::Name => name,
            SortField::Size => a.size.cmp(&b.size),
            SortField::Progress => a.progress.total_cmp(&b.progress),
            SortField::State => state_a.as_str().cmp(state_b.as_str()),
            SortField::Ratio => a.ratio.total_cmp(&b.ratio),
            SortField::DownloadRate => a.download_rate.cmp(&b.download_rate),
            SortField::UploadRate => a.upload_rate.cmp(&b.upload_rate),
            SortField::Eta => a.eta.cmp(&b.eta),
            SortField::AddedAt => a.added_at.cmp(&b.added_at),
            SortField::CompletedAt => a.completed_at.cmp(&b.completed_at),
            SortField::ServerName => server_a.name.cmp(&server_b.name),
            SortField::Peers => a.peers.cmp(&b.peers),
            SortField::Seeds => a.seeds.cmp(&b.seeds),
            SortField::Uploaded => a.uploaded.cmp(&b.uploaded),
            SortField::Downloaded => a.downloaded.cmp(&b.downloaded),
        };
        let primary = if self.descending {
            primary.reverse()
        } else {
            primary
        };
        // A stable order for equal keys, whatever the direction.
        primary
            .then_with(|| a.info_hash.cmp(&b.info_hash))
            .then_with(|| server_a.id.cmp(&server_b.id))
    }
}
