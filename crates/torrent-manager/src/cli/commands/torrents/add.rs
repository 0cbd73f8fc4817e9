//! `add`: magnet links, info hashes, URLs and local .torrent files.

use std::path::Path;

use clap::Args;
use comfy_table::Cell;
use indicatif::{ProgressBar, ProgressStyle};
use tm_client::{AddTorrentRequest, Client, TorrentUpload, UploadOptions};

use super::lookup::server_id;
use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, rows, secondary, shrinking};

#[derive(Args)]
pub struct AddArgs {
    /// Magnet links, info hashes, http(s) URLs or paths of .torrent files.
    #[arg(required = true)]
    sources: Vec<String>,
    /// The server to add to (ID or name) [default: your default server].
    #[arg(long)]
    server: Option<String>,
    /// Add without starting.
    #[arg(long)]
    paused: bool,
    /// Labels for the new torrents (comma-separated).
    #[arg(long, alias = "label", value_delimiter = ',')]
    labels: Vec<String>,
    /// Download directory on the client's host.
    #[arg(long)]
    save_path: Option<String>,
}

/// What became of one source given to `add`.
#[derive(serde::Serialize)]
struct AddOutcome {
    source: String,
    info_hash: Option<String>,
    /// Known at once for uploaded files only.
    name: Option<String>,
    server_name: Option<String>,
    error: Option<String>,
}

impl AddOutcome {
    /// What the table calls it: the torrent's name, a magnet's `dn`, else the source.
    fn title(&self) -> String {
        self.name
            .clone()
            .or_else(|| magnet_name(&self.source))
            .unwrap_or_else(|| self.source.clone())
    }
}

pub async fn add_torrents(client: &Client, out: &Output, add: AddArgs) -> anyhow::Result<()> {
    let server = server_id(client, add.server.as_deref()).await?;
    let options = UploadOptions {
        server_id: server.clone(),
        start: !add.paused,
        labels: add.labels.clone(),
        save_path: add.save_path.clone(),
    };
    // Drawn on stderr, and only on a terminal.
    let progress = if add.sources.len() > 1 && !out.is_json() {
        ProgressBar::new(add.sources.len() as u64).with_style(ProgressStyle::with_template(
            "{bar:30} {pos}/{len} {wide_msg}",
        )?)
    } else {
        ProgressBar::hidden()
    };
    let mut outcomes = Vec::new();
    for source in &add.sources {
        progress.set_message(source.clone());
        let outcome = add_one(client, source, &options, &add).await;
        if let Some(error) = &outcome.error {
            progress.suspend(|| eprintln!("error: {source}: {error}"));
        }
        outcomes.push(outcome);
        progress.inc(1);
    }
    progress.finish_and_clear();

    let added: Vec<&AddOutcome> = outcomes.iter().filter(|o| o.error.is_none()).collect();
    out.show(&outcomes, || {
        rows(
            out,
            &added,
            "Nothing added.",
            &[fixed("HASH"), shrinking("ADDED"), secondary("SERVER")],
            |o| {
                vec![
                    Cell::new(o.info_hash.as_deref().map(short_id).unwrap_or("")),
                    Cell::new(o.title()),
                    Cell::new(o.server_name.as_deref().unwrap_or("")),
                ]
            },
        )
    })?;
    let failed = outcomes.len() - added.len();
    if failed > 0 {
        anyhow::bail!("{failed} of {} could not be added", outcomes.len());
    }
    Ok(())
}

/// Uploads a local file, or hands anything else to the server as a URI.
async fn add_one(
    client: &Client,
    source: &str,
    options: &UploadOptions,
    add: &AddArgs,
) -> AddOutcome {
    let mut outcome = AddOutcome {
        source: source.to_string(),
        info_hash: None,
        name: None,
        server_name: None,
        error: None,
    };
    if Path::new(source).is_file() {
        let uploaded = match TorrentUpload::from_path(source) {
            Ok(file) => client
                .upload_torrent(file, options)
                .await
                .map_err(anyhow::Error::from),
            Err(error) => Err(anyhow::Error::from(error).context("reading the file")),
        };
        match uploaded {
            Ok(added) => {
                outcome.info_hash = Some(added.info_hash);
                outcome.name = Some(added.torrent_name);
                outcome.server_name = Some(added.server_name);
            }
            Err(error) => outcome.error = Some(crate::cli::errors::describe(&error)),
        }
    } else if source.ends_with(".torrent") && !source.contains("://") {
        outcome.error = Some("no such file".to_string());
    } else {
        let request = AddTorrentRequest {
            uri: source.to_string(),
            server_id: options.server_id.clone(),
            server_ids: Vec::new(),
            start: options.start,
            labels: options.labels.clone(),
            save_path: add.save_path.clone(),
        };
        match client.add_torrent(&request).await {
            Ok(added) => {
                outcome.info_hash = Some(added.info_hash);
                outcome.server_name = Some(added.server_name);
            }
            Err(error) => outcome.error = Some(crate::cli::errors::client_error(&error)),
        }
    }
    outcome
}

/// The display name (`dn`) of a magnet link, percent-decoded.
fn magnet_name(source: &str) -> Option<String> {
    let query = source.strip_prefix("magnet:?")?;
    let value = query.split('&').find_map(|pair| pair.strip_prefix("dn="))?;
    let mut bytes = Vec::with_capacity(value.len());
    let mut rest = value.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        let escaped = (byte == b'%')
            .then(|| tail.get(..2))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (byte, escaped) {
            (_, Some(decoded)) => {
                bytes.push(decoded);
                rest = &tail[2..];
            }
            (b'+', None) => {
                bytes.push(b' ');
                rest = tail;
            }
            (other, None) => {
                bytes.push(other);
                rest = tail;
            }
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned()).filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_magnet_links() {
        let magnet = "magnet:?xt=urn:btih:abc&dn=Big+Buck%20Bunny%C3%A9&tr=x";
        assert_eq!(magnet_name(magnet).as_deref(), Some("Big Buck Bunnyé"));
        assert_eq!(magnet_name("magnet:?xt=urn:btih:abc"), None);
        assert_eq!(magnet_name("magnet:?dn=50%"), Some("50%".into()));
        assert_eq!(magnet_name("http://x/a.torrent"), None);
    }
}
