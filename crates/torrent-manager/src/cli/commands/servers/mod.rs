//! `servers add|list|show|update|rm|test|files`.

mod check;
pub mod files;
mod render;
mod settings;

use clap::Subcommand;
use tm_client::{Client, ConnectionStatus, ServerInfo};

use crate::cli::Context;
use crate::cli::pick::Named;
use crate::cli::watch::WatchArgs;
use render::{render_details, render_list};
use settings::{AddArgs, UpdateArgs, create_request, update_request};

#[derive(Subcommand)]
pub enum ServersCommand {
    /// Register a torrent client.
    // Boxed: the many settings would make every command value that large.
    Add(Box<AddArgs>),
    /// List your servers.
    #[command(visible_alias = "ls")]
    List(WatchArgs),
    /// Show every setting and the polling status of one server.
    Show { server: String },
    /// Change some settings of a server; the rest stay.
    Update(Box<UpdateArgs>),
    /// Forget a server (its torrents stay on the client).
    #[command(visible_alias = "remove")]
    Rm { server: String },
    /// Connect to the client now and report its version.
    Test { server: String },
    /// List a folder of the server's HTTP location (its web server's files).
    Files {
        server: String,
        /// The folder, relative to the HTTP location; default its root.
        #[arg(default_value = "")]
        path: String,
    },
}
pub async fn run(context: &Context, command: ServersCommand) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match command {
        ServersCommand::Files { server, path } => files::list(context, &server, &path).await,
        ServersCommand::Add(mut args) => {
            args.read_password()?;
            let test_first = !args.skip_test;
            let request = create_request(*args);
            if test_first {
                check::before_saving(client, &request).await?;
            }
            let server = client.add_server(&request).await?;
            out.show(&server, || {
                format!("Added the server {} ({})", server.name, server.id)
            })
        }
        ServersCommand::List(watch) => {
            watch
                .run(|| async {
                    let servers = client.list_servers().await?;
                    out.show(&servers, || render_list(out, &servers))
                })
                .await
        }
        ServersCommand::Show { server } => {
            let id = resolve(client, &server).await?;
            let server = client.get_server(&id).await?;
            out.show(&server, || render_details(out, &server))
        }
        ServersCommand::Update(mut args) => {
            args.read_password()?;
            let id = resolve(client, &args.server).await?;
            let test_first = args.sets_password() && !args.skip_test;
            let request = update_request(*args)?;
            if test_first {
                let current = client.get_server(&id).await?;
                check::before_saving(client, &check::after_update(&current, &request)).await?;
            }
            let server = client.update_server(&id, &request).await?;
            out.show(&server, || format!("Updated the server {}", server.name))
        }
        ServersCommand::Rm { server } => {
            let id = resolve(client, &server).await?;
            let deleted = client.delete_server(&id).await?;
            out.show(&deleted, || deleted.message.clone())
        }
        ServersCommand::Test { server } => {
            let id = resolve(client, &server).await?;
            let tested = client.test_server(&id).await?;
            out.show(&tested, || match tested.status {
                ConnectionStatus::Connected => format!("Connected: {}", tested.message),
                ConnectionStatus::Failed => format!("Failed: {}", tested.message),
            })?;
            match tested.status {
                ConnectionStatus::Connected => Ok(()),
                ConnectionStatus::Failed => anyhow::bail!("the server could not be reached"),
            }
        }
    }
}

/// The ID of the server `id_or_name` names: an ID, a name, or a unique
/// prefix of an ID as `servers list` shows them.
pub async fn resolve(client: &Client, id_or_name: &str) -> anyhow::Result<String> {
    let servers = client.list_servers().await?;
    Named {
        items: &servers,
        id: |s: &ServerInfo| &s.id,
        name: |s: &ServerInfo| &s.name,
        kind: "server",
        listing: "servers list",
    }
    .pick(id_or_name)
}
