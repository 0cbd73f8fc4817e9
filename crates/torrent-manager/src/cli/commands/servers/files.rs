//! `servers files SERVER [PATH]` and `download SERVER PATH`: the finished
//! files on a seedbox's web server (the server's HTTP location).

use std::path::PathBuf;

use clap::Args;
use comfy_table::Cell;
use tm_client::ServerFileList;

use super::resolve;
use crate::cli::output::{Output, fixed, rows, shrinking};
use crate::cli::units::{optional_timestamp, size};
use crate::cli::{Context, transfer};

pub async fn list(context: &Context, server: &str, path: &str) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    let id = resolve(client, server).await?;
    let listing = client.list_server_files(&id, path).await?;
    out.show(&listing, || render(out, &listing))
}

fn render(out: &Output, listing: &ServerFileList) -> String {
    let heading = format!("{}:/{}", listing.server_name, listing.path);
    let table = rows(
        out,
        &listing.entries,
        "(empty folder)",
        &[shrinking("NAME"), fixed("SIZE"), fixed("MODIFIED")],
        |entry| {
            let name = if entry.is_dir {
                format!("{}/", entry.name)
            } else {
                entry.name.clone()
            };
            vec![
                Cell::new(name),
                Cell::new(entry.size.map(size).unwrap_or_default()),
                Cell::new(optional_timestamp(entry.modified, "")),
            ]
        },
    );
    format!("{heading}\n{table}")
}

#[derive(Args)]
pub struct DownloadArgs {
    /// The server (name, ID or ID prefix).
    server: String,
    /// The file, relative to the server's HTTP location (as `servers files` shows it).
    path: String,
    /// Where to write it; default: the file's name in this folder.
    /// (`-o` is the global output format.)
    #[arg(long = "file", short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
    /// Complete a partial file at the destination instead of starting over.
    #[arg(long)]
    resume: bool,
}

pub async fn download(context: &Context, args: DownloadArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    let id = resolve(client, &args.server).await?;
    let name = transfer::file_name(&args.path)
        .ok_or_else(|| anyhow::anyhow!("{:?} does not name a file", args.path))?;
    let mut destination = transfer::open(
        args.file.unwrap_or_else(|| PathBuf::from(name)),
        args.resume,
    )?;
    let have = destination.have;
    let bar = transfer::progress_bar(out, name)?;
    let downloaded = client
        .download_file(
            &id,
            &args.path,
            have,
            &mut destination.file,
            transfer::follow(&bar),
        )
        .await;
    bar.finish_and_clear();
    let downloaded = downloaded?;
    let saved = serde_json::json!({
        "server_id": id,
        "path": args.path,
        "file": destination.path,
        "bytes": downloaded.written,
        "resumed_from": have,
    });
    out.show(&saved, || {
        transfer::saved(&destination.path, have, downloaded.written)
    })
}
