//! `keys create|list|revoke`.

use clap::Subcommand;
use comfy_table::Cell;

use crate::cli::Context;
use crate::cli::output::{fixed, rows, shrinking};
use crate::cli::units::{optional_timestamp, timestamp};

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create an API key for scripts. It is printed once, alone on stdout.
    Create {
        /// What the key is for.
        name: String,
        /// Days until it expires (1 to 3650) [default: never].
        #[arg(long)]
        expires_days: Option<i64>,
    },
    /// List your API keys (their prefixes, never the keys).
    #[command(visible_alias = "ls")]
    List,
    /// Revoke a key by its prefix.
    Revoke {
        /// The prefix shown by `keys list`. It may start with '-' (keys are
        /// URL-safe base64), so it is never taken for a flag.
        #[arg(allow_hyphen_values = true)]
        prefix: String,
    },
}

pub async fn run(context: &Context, command: KeysCommand) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match command {
        KeysCommand::Create { name, expires_days } => {
            let created = client.create_api_key(&name, expires_days).await?;
            if !out.is_json() {
                // The key alone on stdout, so `KEY=$(torrent-manager keys create x)` works.
                let expiry = optional_timestamp(created.expires_at, "never");
                eprintln!(
                    "Created the API key '{}' (prefix {}, expires {expiry}). {}",
                    created.name, created.prefix, created.warning
                );
            }
            out.show(&created, || created.api_key.clone())
        }
        KeysCommand::List => {
            let keys = client.list_api_keys().await?;
            out.show(&keys, || {
                rows(
                    out,
                    &keys,
                    "No API keys.",
                    &[
                        fixed("PREFIX"),
                        shrinking("NAME"),
                        fixed("CREATED"),
                        fixed("LAST USED"),
                        fixed("EXPIRES"),
                    ],
                    |key| {
                        vec![
                            Cell::new(&key.prefix),
                            Cell::new(&key.name),
                            Cell::new(timestamp(key.created_at)),
                            Cell::new(optional_timestamp(key.last_used_at, "never")),
                            Cell::new(optional_timestamp(key.expires_at, "never")),
                        ]
                    },
                )
            })
        }
        KeysCommand::Revoke { prefix } => {
            let revoked = client.revoke_api_key(&prefix).await?;
            out.show(&revoked, || {
                format!("Revoked the API key '{}'", revoked.name)
            })
        }
    }
}
