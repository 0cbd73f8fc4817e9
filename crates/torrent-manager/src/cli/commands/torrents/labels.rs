//! `labels`: show or change the labels of one torrent, or change them on
//! many (by hash or selectors).

use clap::Args;
use tm_client::{BulkAction, BulkActionRequest, Client, LabelsResponse, TorrentInfo};

use super::actions::{ManyTorrents, nothing_done, report};
use super::lookup::{self, Target, reference, server_id};
use crate::cli::UsageError;
use crate::cli::layout::short_id;
use crate::cli::output::Output;

#[derive(Args)]
pub struct LabelsArgs {
    #[command(flatten)]
    torrents: ManyTorrents,
    /// Replace all labels with these (comma-separated; empty clears them).
    #[arg(long, value_delimiter = ',', num_args = 0..=1, conflicts_with_all = ["add", "remove"])]
    set: Option<Vec<String>>,
    /// Add these labels (comma-separated).
    #[arg(long, value_delimiter = ',')]
    add: Vec<String>,
    /// Remove these labels (comma-separated).
    #[arg(long, value_delimiter = ',')]
    remove: Vec<String>,
}

impl LabelsArgs {
    fn changes_something(&self) -> bool {
        self.set.is_some() || !self.add.is_empty() || !self.remove.is_empty()
    }
}

pub async fn change_labels(client: &Client, out: &Output, args: LabelsArgs) -> anyhow::Result<()> {
    let server = server_id(client, args.torrents.server.as_deref()).await?;
    let targets = if args.torrents.hashes.is_empty() {
        let picked = args.torrents.selectors.select(client, server).await?;
        if args.set.is_none() {
            return change_selection(client, out, &picked, &args).await;
        }
        picked
            .iter()
            .map(|t| Target {
                info_hash: t.info_hash.clone(),
                server_id: Some(t.server_id.clone()),
            })
            .collect()
    } else {
        let mut targets = Vec::new();
        for hash in &args.torrents.hashes {
            targets.push(lookup::torrent(client, hash, server.as_deref()).await?);
        }
        targets
    };
    if let [only] = targets.as_slice()
        && args.torrents.hashes.len() == 1
    {
        let labels = change_one(client, only, &args).await?;
        return out.show(&labels, || {
            if labels.labels.is_empty() {
                "No labels.".to_string()
            } else {
                labels.labels.join(", ")
            }
        });
    }
    if !args.changes_something() {
        return Err(UsageError(
            "for several torrents, say what to change: --set, --add or --remove".into(),
        )
        .into());
    }
    let mut changed = Vec::new();
    for target in &targets {
        changed.push(change_one(client, target, &args).await?);
    }
    out.show(&changed, || {
        if changed.is_empty() {
            return "No torrents match.".to_string();
        }
        changed
            .iter()
            .map(|l| format!("{}: {}", short_id(&l.info_hash), l.labels.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Adds and removes labels on what selectors picked, in one bulk request each.
async fn change_selection(
    client: &Client,
    out: &Output,
    picked: &[TorrentInfo],
    args: &LabelsArgs,
) -> anyhow::Result<()> {
    if !args.changes_something() {
        return Err(UsageError("say what to change: --set, --add or --remove".into()).into());
    }
    let mut answer = nothing_done();
    for (action, labels) in [
        (BulkAction::AddLabels, &args.add),
        (BulkAction::RemoveLabels, &args.remove),
    ] {
        if labels.is_empty() || picked.is_empty() {
            continue;
        }
        let request = BulkActionRequest {
            action,
            torrents: picked.iter().map(reference).collect(),
            delete_data: false,
            labels: labels.clone(),
            path: None,
        };
        let done = client.bulk_action(&request).await?;
        answer.success_count += done.success_count;
        answer.failure_count += done.failure_count;
        answer.results.extend(done.results);
    }
    report(out, picked, &answer)
}

/// Applies `--set`, `--add` and `--remove` to one torrent; what it holds after.
async fn change_one(
    client: &Client,
    target: &Target,
    args: &LabelsArgs,
) -> anyhow::Result<LabelsResponse> {
    let (hash, server) = (target.info_hash.as_str(), target.server_id.as_deref());
    let mut labels = match &args.set {
        // `--set ""` arrives as one empty label: it means none.
        Some(set) => {
            let set = set.iter().filter(|l| !l.is_empty()).cloned().collect();
            client.set_labels(hash, server, set).await?
        }
        None => client.labels(hash, server).await?,
    };
    for label in &args.add {
        labels = client.add_label(hash, server, label).await?;
    }
    for label in &args.remove {
        labels = client.remove_label(hash, server, label).await?;
    }
    Ok(labels)
}
