//! `rss` (list), `rss show|add|edit|remove|refresh|preview|items`: feeds
//! whose items the filter takes are added to a server automatically.

use clap::{Args, Subcommand};
use comfy_table::{Cell, Color};
use tm_client::{
    Client, RssFeed, RssFeedRequest, RssFeedUpdate, RssFilter, RssItemStatus, RssItemsQuery,
};

use crate::cli::Context;
use crate::cli::commands::servers;
use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, optional, rows, shrinking};
use crate::cli::pick::Named;
use crate::cli::units::{optional_timestamp, parse_bytes, size, timestamp};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RssArgs {
    #[command(subcommand)]
    command: Option<RssCommand>,
}

#[derive(Subcommand)]
enum RssCommand {
    /// List your feeds (the same as `rss` alone).
    #[command(visible_alias = "ls")]
    List,
    /// One feed: its filter, last fetch and item counts.
    Show { feed: String },
    /// Add a feed; items already in it are added only when the filter takes them.
    Add {
        name: String,
        /// The feed's http(s) URL.
        // Not `url`: that is the global --url option's name.
        #[arg(value_name = "URL")]
        feed_url: String,
        /// Where its torrents go: a server (ID or name) or `auto` (placement).
        #[arg(long, default_value = "auto")]
        server: String,
        /// Hours an item waits after it is first seen.
        #[arg(long, default_value_t = 0)]
        delay_hours: i64,
        /// Minutes between two fetches (at least 5).
        #[arg(long, default_value_t = 15)]
        interval: u32,
        /// Add it disabled.
        #[arg(long)]
        disabled: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Change a feed: the options given; filter options change those fields only.
    Edit {
        feed: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "feed-url", value_name = "URL")]
        feed_url: Option<String>,
        #[arg(long)]
        server: Option<String>,
        #[arg(long)]
        delay_hours: Option<i64>,
        #[arg(long)]
        interval: Option<u32>,
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        #[arg(long)]
        disable: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Delete a feed and its items (the torrents it added stay).
    #[command(visible_alias = "rm")]
    Remove { feed: String },
    /// Fetch a feed now and add what is due.
    Refresh { feed: String },
    /// Which stored items the feed's filter (changed by the options given) would take.
    Preview {
        feed: String,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Your feeds' items, newest first.
    Items {
        /// Only this feed's.
        #[arg(long)]
        feed: Option<String>,
        /// new, matched, downloaded, rejected or failed.
        #[arg(long, value_parser = ["new", "matched", "downloaded", "rejected", "failed"])]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// The filter as options; each one given replaces that field.
#[derive(Args, Default)]
struct FilterArgs {
    /// Titles must match this regex.
    #[arg(long)]
    include: Option<String>,
    /// Titles matching this regex are not taken.
    #[arg(long)]
    exclude: Option<String>,
    /// Smallest size taken (500M, 1.5G or bytes).
    #[arg(long, value_parser = bytes_parser)]
    min_size: Option<u64>,
    /// Largest size taken.
    #[arg(long, value_parser = bytes_parser)]
    max_size: Option<u64>,
    /// Take each episode of a show once, whatever its quality.
    #[arg(long)]
    smart_episodes: bool,
    /// A label of the added torrents (repeat for more).
    #[arg(long = "label", value_name = "LABEL")]
    labels: Vec<String>,
    /// Add the torrents paused.
    #[arg(long, conflicts_with = "start")]
    paused: bool,
    /// Add the torrents started.
    #[arg(long)]
    start: bool,
}

fn bytes_parser(text: &str) -> Result<u64, String> {
    parse_bytes(text).ok_or_else(|| format!("'{text}' is not a size like 500M or 1.5G"))
}

impl FilterArgs {
    fn is_empty(&self) -> bool {
        self.include.is_none()
            && self.exclude.is_none()
            && self.min_size.is_none()
            && self.max_size.is_none()
            && !self.smart_episodes
            && self.labels.is_empty()
            && !self.paused
            && !self.start
    }

    /// `base` with the fields given replaced.
    fn applied_to(self, mut base: RssFilter) -> RssFilter {
        base.include = self.include.or(base.include);
        base.exclude = self.exclude.or(base.exclude);
        base.min_size = self.min_size.or(base.min_size);
        base.max_size = self.max_size.or(base.max_size);
        base.smart_episodes |= self.smart_episodes;
        if !self.labels.is_empty() {
            base.labels = self.labels;
        }
        if self.paused || self.start {
            base.start = self.start;
        }
        base
    }
}

pub async fn run(context: &Context, args: RssArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match args.command.unwrap_or(RssCommand::List) {
        RssCommand::List => {
            let feeds = client.list_rss_feeds().await?;
            out.show(&feeds, || feed_table(out, &feeds))
        }
        RssCommand::Show { feed } => {
            let feed = client.get_rss_feed(&resolve(client, &feed).await?).await?;
            out.show(&feed, || details(out, &feed))
        }
        RssCommand::Add {
            name,
            feed_url,
            server,
            delay_hours,
            interval,
            disabled,
            filter,
        } => {
            let request = RssFeedRequest {
                name,
                url: feed_url,
                server_id: server_or_auto(client, &server).await?,
                delay_hours,
                enabled: !disabled,
                interval_minutes: interval,
                filter: filter.applied_to(RssFilter {
                    start: true,
                    ..RssFilter::default()
                }),
            };
            let feed = client.create_rss_feed(&request).await?;
            out.show(&feed, || {
                format!("Added the feed {} ({})", feed.name, feed.id)
            })
        }
        RssCommand::Edit {
            feed,
            name,
            feed_url,
            server,
            delay_hours,
            interval,
            enable,
            disable,
            filter,
        } => {
            let id = resolve(client, &feed).await?;
            let filter = if filter.is_empty() {
                None
            } else {
                Some(filter.applied_to(client.get_rss_feed(&id).await?.filter))
            };
            let server_id = match server {
                Some(server) => Some(server_or_auto(client, &server).await?),
                None => None,
            };
            let update = RssFeedUpdate {
                name,
                url: feed_url,
                server_id,
                delay_hours,
                enabled: (enable || disable).then_some(enable),
                interval_minutes: interval,
                filter,
            };
            let feed = client.update_rss_feed(&id, &update).await?;
            out.show(&feed, || details(out, &feed))
        }
        RssCommand::Remove { feed } => {
            let id = resolve(client, &feed).await?;
            let removed = client.delete_rss_feed(&id).await?;
            out.show(&removed, || format!("Deleted the feed {id}"))
        }
        RssCommand::Refresh { feed } => {
            let id = resolve(client, &feed).await?;
            let refreshed = client.refresh_rss_feed(&id).await?;
            out.show(&refreshed, || {
                let fetched = if refreshed.not_modified {
                    "not modified since the last fetch".to_string()
                } else {
                    format!("{} new items", refreshed.new_items)
                };
                format!(
                    "{}: {fetched}, {} added",
                    refreshed.feed.name, refreshed.added
                )
            })
        }
        RssCommand::Preview { feed, filter } => {
            let id = resolve(client, &feed).await?;
            let filter = if filter.is_empty() {
                None
            } else {
                Some(filter.applied_to(client.get_rss_feed(&id).await?.filter))
            };
            let preview = client.preview_rss_feed(&id, filter.as_ref()).await?;
            out.show(&preview, || {
                let table = rows(
                    out,
                    &preview.items,
                    "The feed has no items yet: `rss refresh` fetches it.",
                    &[fixed("TAKE"), shrinking("TITLE"), optional("WHY NOT", 1)],
                    |item| {
                        vec![
                            if item.take {
                                out.coloured("yes", Color::Green)
                            } else {
                                Cell::new("no")
                            },
                            Cell::new(&item.title),
                            Cell::new(item.reason.as_deref().unwrap_or("")),
                        ]
                    },
                );
                format!(
                    "{table}\n{} of {} taken",
                    preview.taken,
                    preview.items.len()
                )
            })
        }
        RssCommand::Items {
            feed,
            status,
            limit,
        } => {
            let feed_id = match feed {
                Some(feed) => Some(resolve(client, &feed).await?),
                None => None,
            };
            let query = RssItemsQuery {
                feed_id,
                status: status.as_deref().and_then(RssItemStatus::parse),
                limit: Some(limit),
            };
            let items = client.list_rss_items(&query).await?;
            out.show(&items, || {
                rows(
                    out,
                    &items,
                    "No items.",
                    &[
                        fixed("SEEN"),
                        fixed("STATUS"),
                        shrinking("TITLE"),
                        optional("SIZE", 2),
                        optional("WHY", 1),
                    ],
                    |item| {
                        let why = item.reason.as_deref().or(item.last_error.as_deref());
                        vec![
                            Cell::new(timestamp(item.detected_at)),
                            status_cell(out, item.status),
                            Cell::new(&item.title),
                            Cell::new(item.size.map(size).unwrap_or_default()),
                            Cell::new(why.unwrap_or("")),
                        ]
                    },
                )
            })
        }
    }
}

fn feed_table(out: &Output, feeds: &[RssFeed]) -> String {
    rows(
        out,
        feeds,
        "No feeds: `torrent-manager rss add NAME URL` adds one.",
        &[
            fixed("ID"),
            fixed("NAME"),
            fixed("ENABLED"),
            fixed("LAST CHECK"),
            fixed("ADDED"),
            optional("SERVER", 2),
            optional("LAST ERROR", 1),
        ],
        |feed| {
            vec![
                Cell::new(short_id(&feed.id)),
                Cell::new(&feed.name),
                Cell::new(if feed.enabled { "yes" } else { "no" }),
                Cell::new(optional_timestamp(feed.last_checked_at, "never")),
                Cell::new(feed.item_counts.downloaded),
                Cell::new(feed.server_name.as_deref().unwrap_or(&feed.server_id)),
                match &feed.last_error {
                    Some(error) => out.coloured(error, Color::Red),
                    None => Cell::new(""),
                },
            ]
        },
    )
}

fn details(out: &Output, feed: &RssFeed) -> String {
    let filter = &feed.filter;
    let bound = |b: Option<u64>| b.map(size).unwrap_or_else(|| "-".into());
    let counts = &feed.item_counts;
    out.details(vec![
        ("ID", feed.id.clone()),
        ("Name", feed.name.clone()),
        ("URL", feed.url.clone()),
        (
            "Server",
            feed.server_name.clone().unwrap_or(feed.server_id.clone()),
        ),
        ("Enabled", if feed.enabled { "yes" } else { "no" }.into()),
        ("Every", format!("{} min", feed.interval_minutes)),
        ("Delay", format!("{} h", feed.delay_hours)),
        (
            "Include",
            filter.include.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "Exclude",
            filter.exclude.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "Size",
            format!("{} to {}", bound(filter.min_size), bound(filter.max_size)),
        ),
        (
            "Smart episodes",
            if filter.smart_episodes { "yes" } else { "no" }.into(),
        ),
        ("Labels", filter.labels.join(", ")),
        (
            "Added as",
            if filter.start { "started" } else { "paused" }.into(),
        ),
        (
            "Last check",
            optional_timestamp(feed.last_checked_at, "never"),
        ),
        (
            "Last error",
            feed.last_error.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "Items",
            format!(
                "{} new, {} matched, {} downloaded, {} rejected, {} failed",
                counts.new, counts.matched, counts.downloaded, counts.rejected, counts.failed
            ),
        ),
    ])
    .to_string()
}

fn status_cell(out: &Output, status: RssItemStatus) -> Cell {
    let colour = match status {
        RssItemStatus::Downloaded => Color::Green,
        RssItemStatus::Failed => Color::Red,
        RssItemStatus::Matched => Color::Yellow,
        RssItemStatus::New | RssItemStatus::Rejected => return Cell::new(status.as_str()),
    };
    out.coloured(status.as_str(), colour)
}

async fn server_or_auto(client: &Client, server: &str) -> anyhow::Result<String> {
    if server == tm_client::AUTO_SERVER {
        return Ok(server.to_string());
    }
    servers::resolve(client, server).await
}

/// The ID of the feed `given` names: an ID, a name, or a unique prefix of
/// an ID as `rss list` shows them.
async fn resolve(client: &Client, given: &str) -> anyhow::Result<String> {
    let feeds = client.list_rss_feeds().await?;
    Named {
        items: &feeds,
        id: |f: &RssFeed| &f.id,
        name: |f: &RssFeed| &f.name,
        kind: "feed",
        listing: "rss list",
    }
    .pick(given)
}
