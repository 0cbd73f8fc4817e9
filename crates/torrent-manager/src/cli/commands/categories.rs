//! `categories` (list), `categories set|remove`: where the torrents Sonarr
//! or Radarr add through the qBittorrent-compatible API go, per category.

use clap::{Args, Subcommand};
use comfy_table::Cell;
use tm_client::{Category, CategoryRequest};

use super::servers::resolve;
use crate::cli::Context;
use crate::cli::layout::short_id;
use crate::cli::output::{rows, secondary, shrinking};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CategoriesArgs {
    #[command(subcommand)]
    command: Option<CategoriesCommand>,
}

#[derive(Subcommand)]
enum CategoriesCommand {
    /// List your categories (the same as `categories` alone).
    #[command(visible_alias = "ls")]
    List,
    /// Create a category, or replace where it routes: options left out go
    /// back to the default server and the server's own download directory.
    Set {
        /// The category, as Sonarr or Radarr names it (e.g. tv-sonarr).
        name: String,
        /// The server its torrents go to (ID or name) [default: your default server].
        #[arg(long)]
        server: Option<String>,
        /// The absolute directory they are saved in [default: the server's own].
        #[arg(long)]
        save_path: Option<String>,
    },
    /// Remove a category; its torrents stay where they are.
    #[command(visible_alias = "rm")]
    Remove { name: String },
}

pub async fn run(context: &Context, args: CategoriesArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match args.command.unwrap_or(CategoriesCommand::List) {
        CategoriesCommand::List => {
            let categories = client.categories().await?;
            out.show(&categories, || {
                rows(
                    out,
                    &categories,
                    "No categories. Sonarr and Radarr send theirs to your default server.",
                    &[
                        shrinking("NAME"),
                        secondary("SERVER"),
                        shrinking("SAVE PATH"),
                    ],
                    |category| {
                        vec![
                            Cell::new(&category.name),
                            Cell::new(server_of(category)),
                            Cell::new(
                                category
                                    .save_path
                                    .as_deref()
                                    .unwrap_or("(the server's own)"),
                            ),
                        ]
                    },
                )
            })
        }
        CategoriesCommand::Set {
            name,
            server,
            save_path,
        } => {
            let server_id = match server {
                Some(server) => Some(resolve(client, &server).await?),
                None => None,
            };
            let request = CategoryRequest {
                save_path,
                server_id,
            };
            let category = client.put_category(&name, &request).await?;
            out.show(&category, || {
                format!(
                    "The category {} routes to {}, saving in {}",
                    category.name,
                    server_of(&category),
                    category
                        .save_path
                        .as_deref()
                        .unwrap_or("the server's own directory")
                )
            })
        }
        CategoriesCommand::Remove { name } => {
            let removed = client.delete_category(&name).await?;
            out.show(&removed, || removed.message.clone())
        }
    }
}

/// The server a category routes to, as people name it.
fn server_of(category: &Category) -> String {
    match (&category.server_name, &category.server_id) {
        (Some(name), _) => name.clone(),
        (None, Some(id)) => short_id(id).to_string(),
        (None, None) => "(default server)".to_string(),
    }
}
