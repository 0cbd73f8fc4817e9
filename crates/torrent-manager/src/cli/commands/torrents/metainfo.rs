//! `metainfo`: save a torrent's stored .torrent file.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use tm_client::Client;

use super::OneTorrent;
use crate::cli::output::Output;

#[derive(Args)]
pub struct MetainfoArgs {
    #[command(flatten)]
    torrent: OneTorrent,
    /// Where to write it (`-`: standard output); default `HASH.torrent`.
    /// (`-o` is the global output format.)
    #[arg(long = "file", short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
}

pub async fn save(client: &Client, out: &Output, args: MetainfoArgs) -> anyhow::Result<()> {
    // A full hash needs no lookup: the torrent may have left every server
    // and still be stored for whoever added it.
    let (hash, server) = if is_full_hash(&args.torrent.hash) && args.torrent.server.is_none() {
        (args.torrent.hash.to_ascii_lowercase(), None)
    } else {
        let target = args.torrent.resolve(client).await?;
        (target.info_hash, target.server_id)
    };
    let bytes = client.torrent_metainfo(&hash, server.as_deref()).await?;
    let path = args
        .file
        .unwrap_or_else(|| PathBuf::from(format!("{hash}.torrent")));
    if path.as_os_str() == "-" {
        std::io::stdout().write_all(&bytes)?;
        return Ok(());
    }
    std::fs::write(&path, &bytes)
        .map_err(|e| anyhow::anyhow!("could not write {}: {e}", path.display()))?;
    let saved = serde_json::json!({"info_hash": hash, "path": path, "bytes": bytes.len()});
    out.show(&saved, || {
        format!("Saved {} ({} bytes)", path.display(), bytes.len())
    })
}

fn is_full_hash(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}
