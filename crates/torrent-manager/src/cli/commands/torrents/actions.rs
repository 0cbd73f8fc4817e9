//! `start`, `stop`, `recheck`, `reannounce` and `rm`, by hash or by selectors.

use std::io::Write;

use anyhow::Context as _;
use clap::Args;
use tm_client::{
    BulkAction, BulkActionRequest, BulkActionResponse, Client, TorrentActionResponse, TorrentInfo,
};

use super::lookup::{self, Selectors, reference, server_id};
use crate::cli::errors::describe;
use crate::cli::layout::short_id;
use crate::cli::output::Output;

#[derive(Args)]
pub struct ManyTorrents {
    /// Info hashes, or unique prefixes of them (8 characters or more).
    #[arg(
        required_unless_present_any = ["label", "state", "all", "server"],
        conflicts_with_all = ["label", "state", "all"]
    )]
    pub hashes: Vec<String>,
    /// With hashes: the server holding them. Without: every torrent of this
    /// server (ID or name).
    #[arg(long)]
    pub server: Option<String>,
    #[command(flatten)]
    pub selectors: Selectors,
}

#[derive(Clone, Copy)]
pub enum Action {
    Start,
    Stop,
    Recheck,
    Reannounce,
    Remove { delete_data: bool, yes: bool },
}

/// Applies `action` to the torrents named by hash, one by one (one failure
/// does not stop the others), or to those the selectors pick, in one request.
pub async fn act(
    client: &Client,
    out: &Output,
    many: ManyTorrents,
    action: Action,
) -> anyhow::Result<()> {
    let server = server_id(client, many.server.as_deref()).await?;
    if many.hashes.is_empty() {
        let torrents = many.selectors.select(client, server).await?;
        return act_on_selection(client, out, &torrents, action).await;
    }
    let mut done: Vec<TorrentActionResponse> = Vec::new();
    for hash in &many.hashes {
        match act_on_one(client, hash, server.as_deref(), action).await {
            Ok(response) => done.push(response),
            Err(error) => eprintln!("error: {hash}: {}", describe(&error)),
        }
    }
    out.show(&done, || {
        done.iter()
            .map(|r| {
                let data = r.data.as_ref().map_or_else(String::new, |d| {
                    let reason = d
                        .reason
                        .as_deref()
                        .map_or_else(String::new, |r| format!(": {r}"));
                    format!(" (data {} at {}{reason})", d.result, d.path)
                });
                format!("{}: {}{data}", r.message, r.info_hash)
            })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let failed = many.hashes.len() - done.len();
    if failed > 0 {
        anyhow::bail!("{failed} of {} failed", many.hashes.len());
    }
    Ok(())
}

async fn act_on_one(
    client: &Client,
    hash: &str,
    server: Option<&str>,
    action: Action,
) -> anyhow::Result<TorrentActionResponse> {
    let target = lookup::torrent(client, hash, server).await?;
    let (hash, server) = (target.info_hash.as_str(), target.server_id.as_deref());
    let response = match action {
        Action::Start => client.start_torrent(hash, server).await,
        Action::Stop => client.stop_torrent(hash, server).await,
        Action::Recheck => client.recheck_torrent(hash, server).await,
        Action::Reannounce => client.reannounce_torrent(hash, server).await,
        Action::Remove { delete_data, .. } => {
            client.remove_torrent(hash, server, delete_data).await
        }
    };
    Ok(response?)
}

async fn act_on_selection(
    client: &Client,
    out: &Output,
    torrents: &[TorrentInfo],
    action: Action,
) -> anyhow::Result<()> {
    if torrents.is_empty() {
        return report(out, torrents, &nothing_done());
    }
    let (bulk, delete_data) = match action {
        Action::Start => (BulkAction::Start, false),
        Action::Stop => (BulkAction::Stop, false),
        Action::Recheck => (BulkAction::Recheck, false),
        Action::Reannounce => (BulkAction::Reannounce, false),
        Action::Remove { delete_data, yes } => {
            if !yes {
                confirm_removal(torrents, delete_data)?;
            }
            (BulkAction::Remove, delete_data)
        }
    };
    let request = BulkActionRequest {
        action: bulk,
        torrents: torrents.iter().map(reference).collect(),
        delete_data,
        labels: Vec::new(),
        path: None,
    };
    let answer = client.bulk_action(&request).await?;
    report(out, torrents, &answer)
}

/// The answer of a bulk request on no torrents.
pub fn nothing_done() -> BulkActionResponse {
    BulkActionResponse {
        success_count: 0,
        failure_count: 0,
        results: Vec::new(),
    }
}

/// Prints what a bulk request did to each torrent: failures on stderr, and
/// an error when there were any.
pub fn report(
    out: &Output,
    torrents: &[TorrentInfo],
    answer: &BulkActionResponse,
) -> anyhow::Result<()> {
    let name_of = |hash: &str| {
        torrents
            .iter()
            .find(|t| t.info_hash == hash)
            .map_or("", |t| t.name.as_str())
    };
    for failed in answer.results.iter().filter(|r| !r.success) {
        let name = name_of(&failed.info_hash);
        eprintln!(
            "error: {} {name}: {}",
            short_id(&failed.info_hash),
            failed.message
        );
    }
    out.show(answer, || {
        if answer.results.is_empty() {
            return "No torrents match.".to_string();
        }
        answer
            .results
            .iter()
            .filter(|r| r.success)
            .map(|r| {
                let name = name_of(&r.info_hash);
                format!("{}: {} {name}", r.message, short_id(&r.info_hash))
            })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    if answer.failure_count > 0 {
        anyhow::bail!(
            "{} of {} failed",
            answer.failure_count,
            answer.results.len()
        );
    }
    Ok(())
}

/// Asks on the terminal (or reads a `y` from stdin) before removing what
/// selectors picked, as the user may not have pictured how many that is.
fn confirm_removal(torrents: &[TorrentInfo], delete_data: bool) -> anyhow::Result<()> {
    const SHOWN: usize = 5;
    let mut names: Vec<&str> = torrents
        .iter()
        .take(SHOWN)
        .map(|t| t.name.as_str())
        .collect();
    if torrents.len() > SHOWN {
        names.push("…");
    }
    let data = if delete_data {
        " and delete their data"
    } else {
        ""
    };
    eprint!(
        "Remove {} torrent(s) ({}){data}? [y/N] ",
        torrents.len(),
        names.join(", ")
    );
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("reading the answer")?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        anyhow::bail!("nothing removed (pass --yes to remove without asking)")
    }
}
