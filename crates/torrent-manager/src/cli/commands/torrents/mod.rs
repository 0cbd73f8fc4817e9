//! `torrents` (alias `ls`): list, and `add|show|start|stop|rm|recheck|reannounce|move|move-to|metainfo|files|download|peers|trackers|labels|settings|duplicates|cross-seed`.

mod actions;
mod add;
mod download;
mod files;
mod fleet;
mod inspect;
mod labels;
mod list;
mod lookup;
mod metainfo;
mod move_to;
mod settings;

use clap::{Args, Subcommand};
use tm_client::Client;

use crate::cli::Context;
use actions::{Action, ManyTorrents};
use lookup::{Target, server_id};

/// The states `--state` accepts.
const STATES: [&str; 7] = [
    "downloading",
    "seeding",
    "paused",
    "queued",
    "checking",
    "error",
    "metadata",
];

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TorrentsArgs {
    #[command(subcommand)]
    command: Option<TorrentCommand>,

    #[command(flatten)]
    list: list::ListArgs,
}

#[derive(Subcommand)]
enum TorrentCommand {
    /// List torrents (the same as `torrents` alone).
    #[command(visible_alias = "ls")]
    List(list::ListArgs),
    /// Add magnet links, info hashes, URLs of .torrent files or local .torrent files.
    Add(add::AddArgs),
    /// Show everything about one torrent.
    Show(OneTorrent),
    /// Start (resume) torrents.
    Start(ManyTorrents),
    /// Stop (pause) torrents.
    Stop(ManyTorrents),
    /// Verify the data of torrents on disk.
    Recheck(ManyTorrents),
    /// Ask the trackers of torrents for peers now.
    Reannounce(ManyTorrents),
    /// Remove torrents from their client.
    #[command(visible_alias = "remove")]
    Rm {
        #[command(flatten)]
        torrents: ManyTorrents,
        /// Also delete the downloaded data.
        #[arg(long)]
        delete_data: bool,
        /// Do not ask before removing the torrents selectors pick.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Move a torrent's data to another directory on its client's host.
    Move {
        #[command(flatten)]
        torrent: OneTorrent,
        /// The new directory (absolute, on the client's host).
        path: String,
    },
    /// Move a torrent with its data to another of your servers: the target
    /// downloads it from the source, verifies it, then the source is removed.
    MoveTo(move_to::MoveToArgs),
    /// Save a torrent's .torrent file, as the manager stored it.
    Metainfo(metainfo::MetainfoArgs),
    /// The files of a torrent, or set their priority.
    Files(files::FilesArgs),
    /// Save a torrent's files from its server's web server (one file as it
    /// is, several as a zip), through the server's http_download_root.
    Download(download::DownloadArgs),
    /// The peers a torrent is connected to.
    Peers(OneTorrent),
    /// The trackers of a torrent.
    Trackers(OneTorrent),
    /// Show or change the labels of torrents.
    Labels(labels::LabelsArgs),
    /// Show or change a torrent's seeding goals, speed limits and priority.
    Settings(settings::SettingsArgs),
    /// Torrents on more than one of your servers, and where each copy is.
    Duplicates,
    /// Torrents of different info hashes (trackers) with the same files.
    CrossSeed,
}

#[derive(Args)]
struct OneTorrent {
    /// The info hash, or a unique prefix of it (8 characters or more).
    hash: String,
    /// The server holding it (ID or name), when it is on several.
    #[arg(long)]
    server: Option<String>,
}

impl OneTorrent {
    async fn resolve(&self, client: &Client) -> anyhow::Result<Target> {
        let server = server_id(client, self.server.as_deref()).await?;
        lookup::torrent(client, &self.hash, server.as_deref()).await
    }
}

pub async fn run(context: &Context, args: TorrentsArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match args.command.unwrap_or(TorrentCommand::List(args.list)) {
        TorrentCommand::List(list) => list::list_torrents(client, out, list).await,
        TorrentCommand::Add(add) => add::add_torrents(client, out, add).await,
        TorrentCommand::Show(one) => inspect::show(client, out, one).await,
        TorrentCommand::Start(many) => actions::act(client, out, many, Action::Start).await,
        TorrentCommand::Stop(many) => actions::act(client, out, many, Action::Stop).await,
        TorrentCommand::Recheck(many) => actions::act(client, out, many, Action::Recheck).await,
        TorrentCommand::Reannounce(many) => {
            actions::act(client, out, many, Action::Reannounce).await
        }
        TorrentCommand::Rm {
            torrents,
            delete_data,
            yes,
        } => {
            let action = Action::Remove { delete_data, yes };
            actions::act(client, out, torrents, action).await
        }
        TorrentCommand::Move { torrent, path } => {
            let target = torrent.resolve(client).await?;
            let server = target.server_id.as_deref();
            let moved = client
                .move_torrent_data(&target.info_hash, &path, server)
                .await?;
            out.show(&moved, || format!("{}: {}", moved.message, moved.info_hash))
        }
        TorrentCommand::MoveTo(args) => move_to::move_to(client, out, args).await,
        TorrentCommand::Metainfo(args) => metainfo::save(client, out, args).await,
        TorrentCommand::Files(args) => files::files(client, out, args).await,
        TorrentCommand::Download(args) => download::download(client, out, args).await,
        TorrentCommand::Peers(one) => inspect::peers(client, out, one).await,
        TorrentCommand::Trackers(one) => inspect::trackers(client, out, one).await,
        TorrentCommand::Labels(args) => labels::change_labels(client, out, args).await,
        TorrentCommand::Settings(args) => settings::settings(client, out, args).await,
        TorrentCommand::Duplicates => fleet::duplicates(client, out).await,
        TorrentCommand::CrossSeed => fleet::cross_seed(client, out).await,
    }
}
