//! `duplicates` and `cross-seed`: what your servers hold in common, one row
//! per copy.

use comfy_table::{Cell, CellAlignment};
use tm_client::Client;

use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, rows, secondary, shrinking};
use crate::cli::units::{percent, size};

pub async fn duplicates(client: &Client, out: &Output) -> anyhow::Result<()> {
    let found = client.duplicates().await?;
    out.show(&found, || {
        let copies: Vec<_> = found
            .groups
            .iter()
            .flat_map(|g| g.copies.iter().map(move |c| (g, c)))
            .collect();
        rows(
            out,
            &copies,
            "No torrent is on more than one server.",
            &[
                fixed("HASH"),
                shrinking("NAME"),
                fixed("SIZE"),
                secondary("SERVER"),
                fixed("STATE"),
                fixed("DONE"),
                shrinking("PATH"),
            ],
            |(group, copy)| {
                vec![
                    Cell::new(short_id(&group.info_hash)),
                    Cell::new(&group.name),
                    Cell::new(size(group.size)).set_alignment(CellAlignment::Right),
                    Cell::new(&copy.server_name),
                    Cell::new(copy.state.as_str()),
                    Cell::new(percent(copy.progress)).set_alignment(CellAlignment::Right),
                    Cell::new(&copy.save_path),
                ]
            },
        )
    })
}

pub async fn cross_seed(client: &Client, out: &Output) -> anyhow::Result<()> {
    let found = client.cross_seed_groups().await?;
    out.show(&found, || {
        let torrents: Vec<_> = found
            .groups
            .iter()
            .enumerate()
            .flat_map(|(n, g)| g.torrents.iter().map(move |t| (n + 1, g, t)))
            .collect();
        let table = rows(
            out,
            &torrents,
            "No torrents share their content.",
            &[
                fixed("GROUP"),
                fixed("SIZE"),
                fixed("FILES"),
                shrinking("NAME"),
                secondary("SERVER"),
                secondary("TRACKER"),
                fixed("STATE"),
                fixed("HASH"),
            ],
            |(n, group, torrent)| {
                vec![
                    Cell::new(n).set_alignment(CellAlignment::Right),
                    Cell::new(size(group.size)).set_alignment(CellAlignment::Right),
                    Cell::new(group.files).set_alignment(CellAlignment::Right),
                    Cell::new(&torrent.name),
                    Cell::new(&torrent.server_name),
                    Cell::new(torrent.tracker.as_deref().unwrap_or("-")),
                    Cell::new(torrent.state.as_str()),
                    Cell::new(short_id(&torrent.info_hash)),
                ]
            },
        );
        match found.pending {
            0 => table,
            pending => format!(
                "{table}\n{pending} torrents not compared yet (their file lists are being fetched)."
            ),
        }
    })
}
