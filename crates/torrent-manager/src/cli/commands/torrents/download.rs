//! `torrents download HASH`: a torrent's own files from its server's web
//! server — its one file, or a zip of several — or their list.

use std::path::PathBuf;

use clap::Args;
use comfy_table::Cell;
use tm_client::{Client, TorrentDownloadList};

use super::OneTorrent;
use crate::cli::output::{Output, fixed, rows, shrinking};
use crate::cli::transfer;
use crate::cli::units::size;

#[derive(Args)]
pub struct DownloadArgs {
    #[command(flatten)]
    torrent: OneTorrent,
    /// Where to write it; default: the file's name (one file) or
    /// `NAME.zip` (several), in this folder. (`-o` is the global output format.)
    #[arg(long = "file", short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
    /// Complete a partial file at the destination (one-file torrents; a zip
    /// is made while sent and cannot resume).
    #[arg(long)]
    resume: bool,
    /// Only list the files with their download routes.
    #[arg(long)]
    list: bool,
}

pub async fn download(client: &Client, out: &Output, args: DownloadArgs) -> anyhow::Result<()> {
    let target = args.torrent.resolve(client).await?;
    let (hash, server) = (&target.info_hash, target.server_id.as_deref());
    let listing = client.torrent_download_list(hash, server).await?;
    if args.list {
        return out.show(&listing, || render(out, &listing));
    }
    let name = match listing.files.as_slice() {
        [one] => transfer::file_name(&one.path).map(str::to_owned),
        _ => transfer::file_name(&listing.name).map(|n| format!("{n}.zip")),
    }
    .ok_or_else(|| anyhow::anyhow!("{:?} does not name a file", listing.name))?;
    if args.resume && listing.files.len() > 1 {
        anyhow::bail!(
            "a zip of several files cannot resume: download the files one by one (--list shows them)"
        );
    }
    let mut destination = transfer::open(
        args.file.unwrap_or_else(|| PathBuf::from(&name)),
        args.resume,
    )?;
    let have = destination.have;
    let bar = transfer::progress_bar(out, &name)?;
    let downloaded = client
        .download_torrent(
            hash,
            server,
            have,
            &mut destination.file,
            transfer::follow(&bar),
        )
        .await;
    bar.finish_and_clear();
    let downloaded = downloaded?;
    let saved = serde_json::json!({
        "info_hash": hash,
        "server_id": listing.server_id,
        "file": destination.path,
        "files": listing.files.len(),
        "bytes": downloaded.written,
        "resumed_from": have,
    });
    out.show(&saved, || {
        transfer::saved(&destination.path, have, downloaded.written)
    })
}

fn render(out: &Output, listing: &TorrentDownloadList) -> String {
    rows(
        out,
        &listing.files,
        "(no complete file)",
        &[shrinking("PATH"), fixed("SIZE"), shrinking("URL")],
        |file| {
            vec![
                Cell::new(&file.path),
                Cell::new(size(file.size)),
                Cell::new(&file.url),
            ]
        },
    )
}
