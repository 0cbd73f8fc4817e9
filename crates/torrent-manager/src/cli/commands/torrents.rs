//! `torrents` (alias `ls`): list, and `add|show|start|stop|rm|recheck|files|peers|trackers|labels`.

use std::path::Path;

use clap::{Args, Subcommand};
use comfy_table::{Cell, CellAlignment, Color};
use indicatif::{ProgressBar, ProgressStyle};
use tm_client::{
    AddTorrentRequest, Client, FilePriority, TorrentActionResponse, TorrentInfo, TorrentQuery,
    TorrentState, TorrentUpload, UploadOptions,
};

use super::servers;
use crate::cli::Context;
use crate::cli::output::{Output, rows};
use crate::cli::units::{duration, optional_timestamp, percent, rate, size};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TorrentsArgs {
    #[command(subcommand)]
    command: Option<TorrentCommand>,

    #[command(flatten)]
    list: ListArgs,
}

#[derive(Args)]
struct ListArgs {
    /// Only this server's torrents (its ID or name).
    #[arg(long)]
    server: Option<String>,
    /// Only torrents in these states (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = [
        "downloading", "seeding", "paused", "queued", "checking", "error", "metadata",
    ])]
    state: Vec<String>,
    /// Only torrents with this label.
    #[arg(long)]
    label: Option<String>,
    /// Only torrents whose name contains this (any case).
    #[arg(long)]
    search: Option<String>,
    /// Order by name, size, progress, state, ratio, download_rate, upload_rate,
    /// eta, added_at, completed_at, server_name, peers, seeds, uploaded or
    /// downloaded; a leading `-` reverses it (e.g. `-added_at`).
    #[arg(long, allow_hyphen_values = true)]
    sort: Option<String>,
    /// Show at most this many.
    #[arg(long)]
    limit: Option<usize>,
}

#[derive(Subcommand)]
enum TorrentCommand {
    /// List torrents (the same as `torrents` alone).
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Add magnet links, info hashes, URLs of .torrent files or local .torrent files.
    Add(AddArgs),
    /// Show everything about one torrent.
    Show(OneTorrent),
    /// Start (resume) torrents.
    Start(ManyTorrents),
    /// Stop (pause) torrents.
    Stop(ManyTorrents),
    /// Verify the data of torrents on disk.
    Recheck(ManyTorrents),
    /// Remove torrents from their client.
    #[command(visible_alias = "remove")]
    Rm {
        #[command(flatten)]
        torrents: ManyTorrents,
        /// Also delete the downloaded data.
        #[arg(long)]
        delete_data: bool,
    },
    /// The files of a torrent.
    Files(OneTorrent),
    /// The peers a torrent is connected to.
    Peers(OneTorrent),
    /// The trackers of a torrent.
    Trackers(OneTorrent),
    /// Show or change the labels of a torrent.
    Labels(LabelsArgs),
}

#[derive(Args)]
struct AddArgs {
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
    #[arg(long, value_delimiter = ',')]
    labels: Vec<String>,
    /// Download directory on the client's host.
    #[arg(long)]
    save_path: Option<String>,
}

#[derive(Args)]
struct OneTorrent {
    /// The info hash.
    hash: String,
    /// The server holding it (ID or name), when it is on several.
    #[arg(long)]
    server: Option<String>,
}

#[derive(Args)]
struct ManyTorrents {
    /// Info hashes.
    #[arg(required = true)]
    hashes: Vec<String>,
    /// The server holding them (ID or name), when they are on several.
    #[arg(long)]
    server: Option<String>,
}

#[derive(Args)]
struct LabelsArgs {
    #[command(flatten)]
    torrent: OneTorrent,
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

pub async fn run(context: &Context, args: TorrentsArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match args.command.unwrap_or(TorrentCommand::List(args.list)) {
        TorrentCommand::List(list) => list_torrents(client, out, list).await,
        TorrentCommand::Add(add) => add_torrents(client, out, add).await,
        TorrentCommand::Show(one) => {
            let server = server_id(client, one.server.as_deref()).await?;
            let torrent = client.get_torrent(&one.hash, server.as_deref()).await?;
            out.show(&torrent, || render_details(out, &torrent))
        }
        TorrentCommand::Start(many) => act(client, out, many, Action::Start).await,
        TorrentCommand::Stop(many) => act(client, out, many, Action::Stop).await,
        TorrentCommand::Recheck(many) => act(client, out, many, Action::Recheck).await,
        TorrentCommand::Rm {
            torrents,
            delete_data,
        } => act(client, out, torrents, Action::Remove { delete_data }).await,
        TorrentCommand::Files(one) => {
            let server = server_id(client, one.server.as_deref()).await?;
            let files = client.torrent_files(&one.hash, server.as_deref()).await?;
            out.show(&files, || {
                let table = rows(
                    out,
                    &files.files,
                    "No files (a magnet link still fetching its metadata?).",
                    &["#", "PATH", "SIZE", "DONE", "PRIORITY"],
                    |file| {
                        vec![
                            Cell::new(file.index),
                            Cell::new(&file.path),
                            Cell::new(size(file.size)).set_alignment(CellAlignment::Right),
                            Cell::new(percent(file.progress)).set_alignment(CellAlignment::Right),
                            Cell::new(priority_name(file.priority)),
                        ]
                    },
                );
                format!(
                    "{} in {} on {}\n{table}",
                    files.name, files.path, files.server_name
                )
            })
        }
        TorrentCommand::Peers(one) => {
            let server = server_id(client, one.server.as_deref()).await?;
            let peers = client.torrent_peers(&one.hash, server.as_deref()).await?;
            out.show(&peers, || {
                rows(
                    out,
                    &peers.peers,
                    "No peers connected.",
                    &["ADDRESS", "CLIENT", "HAS", "DOWN", "UP"],
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
        TorrentCommand::Trackers(one) => {
            let server = server_id(client, one.server.as_deref()).await?;
            let trackers = client
                .torrent_trackers(&one.hash, server.as_deref())
                .await?;
            out.show(&trackers, || {
                let count = |n: Option<u64>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
                rows(
                    out,
                    &trackers.trackers,
                    "No trackers.",
                    &["URL", "STATUS", "SEEDS", "PEERS", "MESSAGE"],
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
        TorrentCommand::Labels(labels) => change_labels(client, out, labels).await,
    }
}

/// The ID of `--server`, when given.
async fn server_id(client: &Client, server: Option<&str>) -> anyhow::Result<Option<String>> {
    match server {
        Some(server) => Ok(Some(servers::resolve(client, server).await?)),
        None => Ok(None),
    }
}

async fn list_torrents(client: &Client, out: &Output, list: ListArgs) -> anyhow::Result<()> {
    let query = TorrentQuery {
        server_id: server_id(client, list.server.as_deref()).await?,
        state: (!list.state.is_empty()).then(|| list.state.join(",")),
        label: list.label,
        search: list.search,
        sort: list.sort,
        limit: list.limit,
        offset: None,
        ..TorrentQuery::default()
    };
    let page = client.list_torrents(&query).await?;
    out.show(&page.torrents, || {
        let mut text = rows(
            out,
            &page.torrents,
            "No torrents.",
            &[
                "NAME", "STATE", "DONE", "SIZE", "DOWN", "UP", "RATIO", "ETA", "SERVER", "HASH",
            ],
            |t| {
                let right = |text: String| Cell::new(text).set_alignment(CellAlignment::Right);
                vec![
                    Cell::new(&t.name),
                    state_cell(out, t.state),
                    right(percent(t.progress)),
                    right(size(t.size)),
                    right(rate(t.download_rate)),
                    right(rate(t.upload_rate)),
                    right(format!("{:.2}", t.ratio)),
                    right(duration(t.eta)),
                    Cell::new(&t.server_name),
                    Cell::new(&t.info_hash),
                ]
            },
        );
        if page.total > page.torrents.len() {
            text.push_str(&format!(
                "\n{} of {} shown",
                page.torrents.len(),
                page.total
            ));
        }
        text
    })
}

fn state_cell(out: &Output, state: TorrentState) -> Cell {
    let colour = match state {
        TorrentState::Downloading => Color::Cyan,
        TorrentState::Seeding => Color::Green,
        TorrentState::Paused => Color::DarkGrey,
        TorrentState::Queued | TorrentState::Checking | TorrentState::Metadata => Color::Yellow,
        TorrentState::Error => Color::Red,
    };
    out.coloured(state.as_str(), colour)
}

fn priority_name(priority: FilePriority) -> &'static str {
    match priority {
        FilePriority::Skip => "skip",
        FilePriority::Low => "low",
        FilePriority::Normal => "normal",
        FilePriority::High => "high",
    }
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
    if let Some(error) = &t.error {
        rows.push(("Message", error.clone()));
    }
    out.details(rows).trim_fmt()
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

async fn add_torrents(client: &Client, out: &Output, add: AddArgs) -> anyhow::Result<()> {
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
            &["ADDED", "HASH", "SERVER"],
            |o| {
                vec![
                    Cell::new(o.name.as_deref().unwrap_or(&o.source)),
                    Cell::new(o.info_hash.as_deref().unwrap_or("")),
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
            Err(error) => outcome.error = Some(format!("{error:#}")),
        }
    } else if source.ends_with(".torrent") && !source.contains("://") {
        outcome.error = Some("no such file".to_string());
    } else {
        let request = AddTorrentRequest {
            uri: source.to_string(),
            server_id: options.server_id.clone(),
            start: options.start,
            labels: options.labels.clone(),
            save_path: add.save_path.clone(),
        };
        match client.add_torrent(&request).await {
            Ok(added) => {
                outcome.info_hash = Some(added.info_hash);
                outcome.server_name = Some(added.server_name);
            }
            Err(error) => outcome.error = Some(error.to_string()),
        }
    }
    outcome
}

#[derive(Clone, Copy)]
enum Action {
    Start,
    Stop,
    Recheck,
    Remove { delete_data: bool },
}

/// Applies `action` to every hash; one failure does not stop the others.
async fn act(
    client: &Client,
    out: &Output,
    many: ManyTorrents,
    action: Action,
) -> anyhow::Result<()> {
    let server = server_id(client, many.server.as_deref()).await?;
    let server = server.as_deref();
    let mut done: Vec<TorrentActionResponse> = Vec::new();
    for hash in &many.hashes {
        let result = match action {
            Action::Start => client.start_torrent(hash, server).await,
            Action::Stop => client.stop_torrent(hash, server).await,
            Action::Recheck => client.recheck_torrent(hash, server).await,
            Action::Remove { delete_data } => {
                client.remove_torrent(hash, server, delete_data).await
            }
        };
        match result {
            Ok(response) => done.push(response),
            Err(error) => eprintln!("error: {hash}: {error}"),
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

async fn change_labels(client: &Client, out: &Output, args: LabelsArgs) -> anyhow::Result<()> {
    let hash = &args.torrent.hash;
    let server = server_id(client, args.torrent.server.as_deref()).await?;
    let server = server.as_deref();
    let mut labels = match args.set {
        // `--set ""` arrives as one empty label: it means none.
        Some(set) => {
            let set = set.into_iter().filter(|l| !l.is_empty()).collect();
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
    out.show(&labels, || {
        if labels.labels.is_empty() {
            "No labels.".to_string()
        } else {
            labels.labels.join(", ")
        }
    })
}
