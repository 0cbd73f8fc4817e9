//! `torrents` / `ls`: the listing, with a `Sum:` line like transmission-remote's.

use clap::Args;
use clap::builder::PossibleValuesParser;
use comfy_table::{Cell, CellAlignment, Color};
use tm_client::{
    Client, TorrentErrorKind, TorrentInfo, TorrentPage, TorrentQuery, TorrentState, TrackerHealth,
};

use super::lookup::server_id;
use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, optional, rows, secondary, shrinking};
use crate::cli::units::{self, duration, percent, rate, size};
use crate::cli::watch::WatchArgs;

#[derive(Args)]
pub struct ListArgs {
    /// Only this server's torrents (its ID or name).
    #[arg(long)]
    server: Option<String>,
    /// Only torrents in these states (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = super::STATES)]
    state: Vec<String>,
    /// Only torrents with this label.
    #[arg(long = "labels", alias = "label", value_name = "LABEL")]
    label: Option<String>,
    /// Only torrents whose name contains this (any case).
    #[arg(long)]
    search: Option<String>,
    /// Only torrents with an error: of any kind (no value), `tracker` (an
    /// announce problem; the torrent still works) or `client` (the client's own).
    #[arg(
        long,
        value_name = "KIND",
        num_args = 0..=1,
        default_missing_value = "any",
        value_parser = ["any", "tracker", "client"]
    )]
    errors: Option<String>,
    /// Only torrents whose first tracker is this host (as `show` gives it).
    #[arg(long, value_name = "HOST")]
    tracker: Option<String>,
    /// Only torrents whose trackers are in one of these states
    /// (comma-separated; `show` gives a torrent's, with the tracker's message).
    #[arg(
        long,
        value_name = "STATUS",
        value_delimiter = ',',
        value_parser = PossibleValuesParser::new(TrackerHealth::ALL.map(TrackerHealth::as_str))
    )]
    tracker_status: Vec<String>,
    /// Order by name, size, progress, state, ratio, download_rate, upload_rate,
    /// eta, added_at, completed_at, server_name, peers, seeds, uploaded or
    /// downloaded; a leading `-` reverses it (e.g. `-added_at`).
    #[arg(long, allow_hyphen_values = true)]
    sort: Option<String>,
    /// Show at most this many.
    #[arg(long)]
    limit: Option<usize>,
    #[command(flatten)]
    watch: WatchArgs,
}

pub async fn list_torrents(client: &Client, out: &Output, list: ListArgs) -> anyhow::Result<()> {
    let query = TorrentQuery {
        server_id: server_id(client, list.server.as_deref()).await?,
        state: (!list.state.is_empty()).then(|| list.state.join(",")),
        label: list.label,
        search: list.search,
        error: list.errors,
        tracker: list.tracker,
        tracker_status: (!list.tracker_status.is_empty()).then(|| list.tracker_status.join(",")),
        sort: list.sort,
        limit: list.limit,
        ..Default::default()
    };
    list.watch
        .run(|| async {
            let page = client.list_torrents(&query).await?;
            out.show(&page.torrents, || render(out, &page))
        })
        .await
}

fn render(out: &Output, page: &TorrentPage) -> String {
    let right = |text: String| Cell::new(text).set_alignment(CellAlignment::Right);
    // The error column shows only when there is something to show in it.
    let with_errors = page.torrents.iter().any(|t| t.error_kind.is_some());
    let mut columns = vec![
        fixed("HASH"),
        shrinking("NAME"),
        fixed("STATE"),
        fixed("DONE"),
        fixed("SIZE"),
        optional("DOWN", 4),
        optional("UP", 3),
        optional("RATIO", 1),
        optional("ETA", 2),
        secondary("SERVER"),
    ];
    if with_errors {
        columns.insert(3, fixed("ERROR"));
    }
    let mut text = rows(out, &page.torrents, "No torrents.", &columns, |t| {
        let mut cells = vec![
            Cell::new(short_id(&t.info_hash)),
            Cell::new(&t.name),
            state_cell(out, t.state),
            right(percent(t.progress)),
            right(size(t.size)),
            right(rate(t.download_rate)),
            right(rate(t.upload_rate)),
            right(format!("{:.2}", t.ratio)),
            right(duration(t.eta)),
            Cell::new(&t.server_name),
        ];
        if with_errors {
            cells.insert(3, error_cell(out, t.error_kind));
        }
        cells
    });
    if !page.torrents.is_empty() {
        text.push('\n');
        text.push_str(&sum_line(&page.torrents));
    }
    if page.total > page.torrents.len() {
        text.push_str(&format!(
            " ({} of {} shown)",
            page.torrents.len(),
            page.total
        ));
    }
    text
}

/// `Sum: 3 torrents, 1.2 GiB, down 1.0 MiB/s, up 20.0 KiB/s`.
fn sum_line(torrents: &[TorrentInfo]) -> String {
    let total = |field: fn(&TorrentInfo) -> u64| torrents.iter().map(field).sum::<u64>();
    format!(
        "Sum: {}, {}, down {}, up {}",
        units::torrents(torrents.len()),
        size(total(|t| t.size)),
        rate(total(|t| t.download_rate)),
        rate(total(|t| t.upload_rate))
    )
}

/// Whose problem a torrent's error is; the message is in `show`.
fn error_cell(out: &Output, kind: Option<TorrentErrorKind>) -> Cell {
    match kind {
        Some(TorrentErrorKind::Tracker) => out.coloured("tracker", Color::Yellow),
        Some(TorrentErrorKind::Client) => out.coloured("client", Color::Red),
        None => Cell::new(""),
    }
}

pub fn state_cell(out: &Output, state: TorrentState) -> Cell {
    let colour = match state {
        TorrentState::Downloading => Color::Cyan,
        TorrentState::Seeding => Color::Green,
        TorrentState::Paused => Color::DarkGrey,
        TorrentState::Queued | TorrentState::Checking | TorrentState::Metadata => Color::Yellow,
        TorrentState::Error => Color::Red,
    };
    out.coloured(state.as_str(), colour)
}
