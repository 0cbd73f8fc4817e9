//! `add`: magnet links, info hashes, URLs and local .torrent files.

use std::path::Path;

use clap::Args;
use comfy_table::Cell;
use indicatif::{ProgressBar, ProgressStyle};
use tm_client::{AUTO_SERVER, AddTorrentRequest, Client, TorrentUpload, UploadOptions};

use super::lookup::server_id;
use crate::cli::commands::servers::resolve;
use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, rows, secondary, shrinking};

#[derive(Args)]
pub struct AddArgs {
    /// Magnet links, info hashes, http(s) URLs or paths of .torrent files.
    #[arg(required = true)]
    sources: Vec<String>,
    /// The server to add to (ID or name), or `auto`: where your placement
    /// rules say [default: your default server].
    #[arg(long)]
    server: Option<String>,
    /// Add to each of these servers (IDs or names, comma-separated).
    #[arg(long, value_delimiter = ',', conflicts_with = "server")]
    servers: Vec<String>,
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
    /// Why `--server auto` put it there.
    #[serde(skip_serializing_if = "Option::is_none")]
    placement: Option<String>,
    error: Option<String>,
}

impl AddOutcome {
    fn of(source: &str) -> Self {
        AddOutcome {
            source: source.to_string(),
            info_hash: None,
            name: None,
            server_name: None,
            placement: None,
            error: None,
        }
    }

    /// What the table calls it: the torrent's name, a magnet's `dn`, else the source.
    fn title(&self) -> String {
        self.name
            .clone()
            .or_else(|| magnet_name(&self.source))
            .unwrap_or_else(|| self.source.clone())
    }
}

pub async fn add_torrents(client: &Client, out: &Output, add: AddArgs) -> anyhow::Result<()> {
    let server = match add.server.as_deref() {
        Some(AUTO_SERVER) => Some(AUTO_SERVER.to_string()),
        other => server_id(client, other).await?,
    };
    let mut servers = Vec::with_capacity(add.servers.len());
    for server in &add.servers {
        servers.push(resolve(client, server).await?);
    }
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
        let added = if servers.is_empty() {
            vec![add_one(client, source, &options, &add).await]
        } else {
            add_to_servers(client, source, &options, &add, &servers).await
        };
        for outcome in added {
            if let Some(error) = &outcome.error {
                progress.suspend(|| eprintln!("error: {source}: {error}"));
            }
            if let Some(placement) = &outcome.placement {
                progress.suspend(|| eprintln!("{source}: {placement}"));
            }
            outcomes.push(outcome);
        }
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
    let mut outcome = AddOutcome::of(source);
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
                outcome.placement = added.placement.map(|p| p.reason);
            }
            Err(error) => outcome.error = Some(crate::cli::errors::describe(&error)),
        }
    } else if is_missing_file(source) {
        outcome.error = Some("no such file".to_string());
    } else {
        let request = uri_request(source, options, add, Vec::new());
        match client.add_torrent(&request).await {
            Ok(added) => {
                outcome.info_hash = Some(added.info_hash);
                outcome.server_name = Some(added.server_name);
                outcome.placement = added.placement.map(|p| p.reason);
            }
            Err(error) => outcome.error = Some(crate::cli::errors::client_error(&error)),
        }
    }
    outcome
}

/// Adds one source to each of `servers`: one outcome per server.
async fn add_to_servers(
    client: &Client,
    source: &str,
    options: &UploadOptions,
    add: &AddArgs,
    servers: &[String],
) -> Vec<AddOutcome> {
    let answer = if Path::new(source).is_file() {
        match TorrentUpload::from_path(source) {
            Ok(file) => client
                .upload_torrent_to_servers(file, options, servers)
                .await
                .map_err(|e| crate::cli::errors::client_error(&e)),
            Err(error) => Err(crate::cli::errors::describe(
                &anyhow::Error::from(error).context("reading the file"),
            )),
        }
    } else if is_missing_file(source) {
        Err("no such file".to_string())
    } else {
        let request = uri_request(source, options, add, servers.to_vec());
        client
            .add_torrent_to_servers(&request)
            .await
            .map_err(|e| crate::cli::errors::client_error(&e))
    };
    match answer {
        Ok(answer) => answer
            .outcomes
            .into_iter()
            .map(|o| AddOutcome {
                info_hash: o.info_hash,
                server_name: Some(o.server_name)
                    .filter(|n| !n.is_empty())
                    .or(Some(o.server_id)),
                error: (!o.success).then_some(o.message),
                ..AddOutcome::of(source)
            })
            .collect(),
        Err(error) => vec![AddOutcome {
            error: Some(error),
            ..AddOutcome::of(source)
        }],
    }
}

/// A path that looks like a .torrent file but is not there.
fn is_missing_file(source: &str) -> bool {
    source.ends_with(".torrent") && !source.contains("://")
}

/// `POST /torrents` for a magnet, hash or URL.
fn uri_request(
    source: &str,
    options: &UploadOptions,
    add: &AddArgs,
    server_ids: Vec<String>,
) -> AddTorrentRequest {
    AddTorrentRequest {
        uri: source.to_string(),
        server_id: options.server_id.clone(),
        server_ids,
        start: options.start,
        labels: options.labels.clone(),
        save_path: add.save_path.clone(),
    }
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
