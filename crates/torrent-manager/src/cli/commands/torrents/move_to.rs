//! `move-to`: move a torrent with its data to another of your servers (a
//! job on the server), and follow it to its end.

use clap::Args;
use tm_client::{Client, MoveToServerRequest};

use super::lookup::{self, server_id};
use crate::cli::commands::{jobs, servers};
use crate::cli::output::Output;

#[derive(Args)]
pub struct MoveToArgs {
    /// The info hash, or a unique prefix of it (8 characters or more).
    hash: String,
    /// The server it is on now (ID or name); needed when it is on several.
    // `--server` too: what the other torrent commands (and their hints) call it.
    #[arg(long, visible_alias = "server")]
    from: Option<String>,
    /// The server to move it to (ID or name).
    #[arg(long)]
    to: String,
    /// Where the target keeps the data (absolute) [default: the target's own].
    #[arg(long)]
    path: Option<String>,
    /// Leave the torrent on the source (a copy rather than a move).
    #[arg(long, conflicts_with = "delete_data")]
    keep_source: bool,
    /// Delete the source's data once the target has verified its copy.
    #[arg(long)]
    delete_data: bool,
    /// Print the started job and return (follow it with `jobs show ID`).
    #[arg(long)]
    no_wait: bool,
}

pub async fn move_to(client: &Client, out: &Output, args: MoveToArgs) -> anyhow::Result<()> {
    let from = server_id(client, args.from.as_deref()).await?;
    let target = lookup::torrent(client, &args.hash, from.as_deref()).await?;
    let Some(from_server_id) = target.server_id else {
        anyhow::bail!(
            "torrent not found: {} is on none of your servers (name the source with --from)",
            target.info_hash
        );
    };
    let request = MoveToServerRequest {
        from_server_id,
        to_server_id: servers::resolve(client, &args.to).await?,
        save_path: args.path,
        remove_source: !args.keep_source,
        delete_data: args.delete_data,
    };
    let started = client.move_to_server(&target.info_hash, &request).await?;
    let job = if args.no_wait {
        started
    } else {
        jobs::follow(client, started).await?
    };
    jobs::show(client, out, &job).await?;
    jobs::outcome(&job)
}
