//! Which torrents a command means: a unique prefix of an info hash, or
//! selectors (`--labels`, `--state`, `--server`, `--all`), both resolved
//! through the torrent list.

use clap::Args;
use tm_client::{Client, TorrentInfo, TorrentQuery, TorrentRef};

use crate::cli::UsageError;
use crate::cli::commands::servers;
use crate::cli::layout::SHORT_ID;

/// A full SHA-1 info hash in hex.
const FULL_HASH: usize = 40;

/// One torrent on one server, as the API addresses it.
pub struct Target {
    pub info_hash: String,
    /// `None` when a full hash is not in the list (yet): the server decides.
    pub server_id: Option<String>,
}

/// The ID of `--server`, when given.
pub async fn server_id(client: &Client, server: Option<&str>) -> anyhow::Result<Option<String>> {
    match server {
        Some(server) => Ok(Some(servers::resolve(client, server).await?)),
        None => Ok(None),
    }
}

/// The torrent whose info hash is or starts with `given` (8 hex characters
/// at least), on the server `server_id` when given.
pub async fn torrent(
    client: &Client,
    given: &str,
    server_id: Option<&str>,
) -> anyhow::Result<Target> {
    let prefix = given.trim().to_ascii_lowercase();
    let is_hex = prefix.chars().all(|c| c.is_ascii_hexdigit());
    if !is_hex || prefix.len() > FULL_HASH {
        // A base32 hash or a v2 hash: the server knows what to make of it.
        return Ok(Target {
            info_hash: given.to_string(),
            server_id: server_id.map(str::to_string),
        });
    }
    if prefix.len() < SHORT_ID {
        return Err(UsageError(format!(
            "'{given}' is too short: give at least {SHORT_ID} characters of the info hash"
        ))
        .into());
    }
    let query = TorrentQuery {
        server_id: server_id.map(str::to_string),
        ..Default::default()
    };
    let listed = client.list_torrents(&query).await?.torrents;
    let matches: Vec<&TorrentInfo> = listed
        .iter()
        .filter(|t| t.info_hash.starts_with(&prefix))
        .collect();
    match matches.as_slice() {
        [only] => Ok(Target {
            info_hash: only.info_hash.clone(),
            server_id: Some(only.server_id.clone()),
        }),
        [] if prefix.len() == FULL_HASH => Ok(Target {
            info_hash: prefix,
            server_id: server_id.map(str::to_string),
        }),
        [] => anyhow::bail!("torrent not found: no torrent's info hash starts with '{prefix}'"),
        several => Err(ambiguous(&prefix, several)),
    }
}

/// Lists the candidates, and says how to pick one.
fn ambiguous(prefix: &str, candidates: &[&TorrentInfo]) -> anyhow::Error {
    let lines: Vec<String> = candidates
        .iter()
        .map(|t| {
            format!(
                "  {}  {}  (--server {})",
                t.info_hash, t.name, t.server_name
            )
        })
        .collect();
    let same_torrent = candidates
        .iter()
        .all(|t| t.info_hash == candidates[0].info_hash);
    let how = if same_torrent {
        "it is on several of your servers: pick one with --server NAME"
    } else {
        "give more of the hash, or pick the server with --server NAME"
    };
    anyhow::anyhow!(
        "'{prefix}' matches {} torrents; {how}:\n{}",
        candidates.len(),
        lines.join("\n")
    )
}

/// Torrents chosen by what they are rather than by hash.
#[derive(Args)]
pub struct Selectors {
    /// Every torrent with this label (instead of hashes).
    #[arg(long = "labels", alias = "label", value_name = "LABEL")]
    pub label: Option<String>,
    /// Every torrent in these states (comma-separated; instead of hashes).
    #[arg(long, value_delimiter = ',', value_parser = super::STATES)]
    pub state: Vec<String>,
    /// Every torrent, on all servers or the one named with --server.
    #[arg(long)]
    pub all: bool,
}

impl Selectors {
    /// The torrents these selectors (and `server_id`) pick.
    pub async fn select(
        &self,
        client: &Client,
        server_id: Option<String>,
    ) -> anyhow::Result<Vec<TorrentInfo>> {
        let query = TorrentQuery {
            server_id,
            state: (!self.state.is_empty()).then(|| self.state.join(",")),
            label: self.label.clone(),
            ..Default::default()
        };
        Ok(client.list_torrents(&query).await?.torrents)
    }
}

/// The API's address of a listed torrent.
pub fn reference(torrent: &TorrentInfo) -> TorrentRef {
    TorrentRef {
        server_id: torrent.server_id.clone(),
        info_hash: torrent.info_hash.clone(),
    }
}
