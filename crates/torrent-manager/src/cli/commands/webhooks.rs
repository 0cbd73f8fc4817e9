//! `webhooks` (list), `webhooks add|remove|test|deliveries`: lifecycle
//! events POSTed as signed JSON to your URLs.

use clap::{Args, Subcommand};
use comfy_table::{Cell, Color};
use tm_client::{Client, WebhookDelivery, WebhookDeliveryQuery, WebhookRequest};

use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, optional, rows, shrinking};
use crate::cli::units::timestamp;
use crate::cli::{Context, UsageError};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WebhooksArgs {
    #[command(subcommand)]
    command: Option<WebhooksCommand>,
}

#[derive(Subcommand)]
enum WebhooksCommand {
    /// List your webhooks (the same as `webhooks` alone).
    #[command(visible_alias = "ls")]
    List,
    /// Register a webhook. Its signing secret is printed once, alone on stdout.
    Add {
        /// Where events are POSTed (http or https).
        // Not `url`: that is the global --url option's name.
        #[arg(value_name = "URL")]
        hook_url: String,
        /// An event to send (repeat for more) [default: every event].
        #[arg(long = "event", value_name = "EVENT")]
        events: Vec<String>,
        /// The signing secret [default: a random one].
        #[arg(long)]
        secret: Option<String>,
        /// Register it disabled.
        #[arg(long)]
        disabled: bool,
    },
    /// Delete a webhook (ID or ID prefix) and its delivery log.
    #[command(visible_alias = "rm")]
    Remove { id: String },
    /// Send a webhook.test event now and show how it went.
    Test { id: String },
    /// The webhook's delivery attempts, newest first.
    Deliveries {
        id: String,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Only attempts older than this one (a delivery ID).
        #[arg(long)]
        before: Option<String>,
    },
}

pub async fn run(context: &Context, args: WebhooksArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match args.command.unwrap_or(WebhooksCommand::List) {
        WebhooksCommand::List => {
            let hooks = client.list_webhooks().await?;
            out.show(&hooks, || {
                rows(
                    out,
                    &hooks,
                    "No webhooks.",
                    &[
                        fixed("ID"),
                        shrinking("URL"),
                        optional("EVENTS", 1),
                        fixed("ENABLED"),
                        fixed("LAST DELIVERY"),
                    ],
                    |hook| {
                        let events = if hook.events.is_empty() {
                            "(all)".to_string()
                        } else {
                            hook.events.join(", ")
                        };
                        let last = match &hook.last_delivery {
                            Some(d) => outcome(out, d),
                            None => Cell::new("-"),
                        };
                        vec![
                            Cell::new(short_id(&hook.id)),
                            Cell::new(&hook.url),
                            Cell::new(events),
                            Cell::new(if hook.enabled { "yes" } else { "no" }),
                            last,
                        ]
                    },
                )
            })
        }
        WebhooksCommand::Add {
            hook_url,
            events,
            secret,
            disabled,
        } => {
            let request = WebhookRequest {
                url: hook_url,
                events,
                secret,
                enabled: !disabled,
            };
            let created = client.create_webhook(&request).await?;
            if !out.is_json() {
                // The secret alone on stdout, so `SECRET=$(torrent-manager webhooks add …)` works.
                eprintln!(
                    "Added the webhook {} to {}. Its signing secret is shown only now:",
                    created.webhook.id, created.webhook.url
                );
            }
            out.show(&created, || created.secret.clone())
        }
        WebhooksCommand::Remove { id } => {
            let id = resolve(client, &id).await?;
            client.delete_webhook(&id).await?;
            let removed = serde_json::json!({"message": "Webhook deleted", "id": id});
            out.show(&removed, || format!("Deleted the webhook {id}"))
        }
        WebhooksCommand::Test { id } => {
            let id = resolve(client, &id).await?;
            let delivery = client.test_webhook(&id).await?;
            out.show(&delivery, || {
                format!(
                    "webhook.test: {} in {} ms",
                    describe(&delivery),
                    delivery.duration_ms
                )
            })
        }
        WebhooksCommand::Deliveries { id, limit, before } => {
            let id = resolve(client, &id).await?;
            let query = WebhookDeliveryQuery {
                limit: Some(limit),
                before,
            };
            let page = client.webhook_deliveries(&id, &query).await?;
            out.show(&page, || {
                let table = rows(
                    out,
                    &page.deliveries,
                    "No deliveries yet.",
                    &[
                        fixed("TIME"),
                        fixed("EVENT"),
                        fixed("ATTEMPT"),
                        fixed("OUTCOME"),
                        optional("MS", 1),
                        optional("ID", 2),
                    ],
                    |d| {
                        vec![
                            Cell::new(timestamp(d.at)),
                            Cell::new(&d.event),
                            Cell::new(d.attempt),
                            outcome(out, d),
                            Cell::new(d.duration_ms),
                            Cell::new(&d.id),
                        ]
                    },
                );
                match &page.next_before {
                    Some(next) => format!("{table}\nolder: --before {next}"),
                    None => table,
                }
            })
        }
    }
}

/// `ok (HTTP 200)`, `failed: could not connect`.
fn describe(delivery: &WebhookDelivery) -> String {
    let status = delivery
        .status_code
        .map(|c| format!(" (HTTP {c})"))
        .unwrap_or_default();
    if delivery.ok {
        format!("ok{status}")
    } else {
        let error = delivery.error.as_deref().unwrap_or("failed");
        format!("failed: {error}")
    }
}

fn outcome(out: &Output, delivery: &WebhookDelivery) -> Cell {
    let colour = if delivery.ok {
        Color::Green
    } else {
        Color::Red
    };
    out.coloured(describe(delivery), colour)
}

/// The full ID of the webhook `id` names: itself or a unique prefix.
async fn resolve(client: &Client, id: &str) -> anyhow::Result<String> {
    let hooks = client.list_webhooks().await?;
    let matching: Vec<&str> = hooks
        .iter()
        .map(|h| h.id.as_str())
        .filter(|h| *h == id || h.starts_with(id))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(UsageError(format!("no webhook has the ID {id}")).into()),
        _ => Err(UsageError(format!("the ID prefix {id} names several webhooks")).into()),
    }
}
