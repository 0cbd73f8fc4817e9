//! `show`, `peers` and `trackers`: one torrent in detail.

use comfy_table::{Cell, CellAlignment};
use tm_client::{Client, TorrentErrorKind, TorrentInfo};

use super::OneTorrent;
use crate::cli::output::{Output, fixed, rows, shrinking};
use crate::cli::units::{duration, optional_timestamp, percent, rate, size};

pub async fn show(client: &Client, out: &Output, one: OneTorrent) -> anyhow::Result<()> {
    let target = one.resolve(client).await?;
    let torrent = client
        .get_torrent(&target.info_hash, target.server_id.as_deref())
        .await?;
    out.show(&torrent, || render_details(out, &torrent))
}

pub async fn peers(client: &Client, out: &Output, one: OneTorrent) -> anyhow::Result<()> {
    let target = one.resolve(client).await?;
    let peers = client
        .torrent_peers(&target.info_hash, target.server_id.as_deref())
        .await?;
    out.show(&peers, || {
        rows(
            out,
            &peers.peers,
            "No peers connected.",
            &[
                fixed("ADDRESS"),
                shrinking("CLIENT"),
                fixed("HAS"),
                fixed("DOWN"),
                fixed("UP"),
            ],
            |peer| {
                vec![
                    Cell::new(&peer.address),
                    Cell::new(&peer.client),
                    Cell::new(percent(peer.progress)).set_alignment(CellAlignment::Right),
                    Cell::new(rate(peer.download_rate)).set_alignment(CellAlignment::Right),
                    Cell::new(rate(peer.upload_rate)).set_alignment(CellAlignment::Right),
                ]
            },
        )
    })
}

pub async fn trackers(client: &Client, out: &Output, one: OneTorrent) -> anyhow::Result<()> {
    let target = one.resolve(client).await?;
    let trackers = client
        .torrent_trackers(&target.info_hash, target.server_id.as_deref())
        .await?;
    out.show(&trackers, || {
        let count = |n: Option<u64>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
        rows(
            out,
            &trackers.trackers,
            "No trackers.",
            &[
                shrinking("URL"),
                fixed("STATUS"),
                fixed("SEEDS"),
                fixed("PEERS"),
                shrinking("MESSAGE"),
            ],
            |tracker| {
                vec![
                    Cell::new(&tracker.url),
                    Cell::new(&tracker.status),
                    Cell::new(count(tracker.seeds)),
                    Cell::new(count(tracker.peers)),
                    Cell::new(tracker.message.as_deref().unwrap_or("")),
                ]
            },
        )
    })
}

fn render_details(out: &Output, t: &TorrentInfo) -> String {
    let mut rows = vec![
        ("Name", t.name.clone()),
        ("Hash", t.info_hash.clone()),
        ("Server", t.server_name.clone()),
        ("State", t.state.as_str().to_string()),
        (
            "Done",
            format!("{} of {}", percent(t.progress), size(t.size)),
        ),
        ("Downloaded", size(t.downloaded)),
        ("Uploaded", size(t.uploaded)),
        ("Ratio", format!("{:.2}", t.ratio)),
        (
            "Speed",
            format!("down {}, up {}", rate(t.download_rate), rate(t.upload_rate)),
        ),
        ("ETA", duration(t.eta)),
        ("Peers", format!("{} ({} seeds)", t.peers, t.seeds)),
        ("Labels", t.labels.join(", ")),
        ("Path", t.base_path.clone()),
        ("Added", optional_timestamp(t.added_at, "-")),
        ("Completed", optional_timestamp(t.completed_at, "-")),
        (
            "Private",
            if t.is_private { "yes" } else { "no" }.to_string(),
        ),
    ];
    if let Some(category) = &t.category {
        rows.push(("Category", category.clone()));
    }
    if let Some(tracker) = &t.tracker {
        rows.push(("Tracker", tracker.clone()));
    }
    if let Some(status) = t.tracker_status {
        let text = match &t.tracker_message {
            Some(message) => format!("{} ({message})", status.as_str()),
            None => status.as_str().to_owned(),
        };
        rows.push(("Tracker status", text));
    }
    if let Some(error) = &t.error {
        let label = match t.error_kind {
            Some(TorrentErrorKind::Tracker) => "Tracker error",
            Some(TorrentErrorKind::Client) => "Client error",
            None => "Message",
        };
        rows.push((label, error.clone()));
    }
    out.details(rows).trim_fmt()
}
