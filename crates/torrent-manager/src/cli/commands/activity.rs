//! `activity`: who changed what, when, and how it went.

use anyhow::Context as _;
use clap::Args;
use comfy_table::{Cell, Color};
use tm_client::{ActivityEntry, ActivityQuery, OffsetDateTime};

use crate::cli::output::{fixed, optional, rows, shrinking};
use crate::cli::units::timestamp;
use crate::cli::{Context, UsageError};

#[derive(Args)]
pub struct ActivityArgs {
    /// Only this server's entries (ID, name or ID prefix).
    #[arg(long)]
    server: Option<String>,
    /// Only this torrent's entries (info hash).
    #[arg(long)]
    torrent: Option<String>,
    /// Only changes by this actor: a username, key name, client User-Agent or rule name.
    #[arg(long)]
    actor: Option<String>,
    /// Only entries newer than this: 30m, 6h, 2d, 1w.
    #[arg(long)]
    since: Option<String>,
    /// Only entries mentioning this (torrent or server name, action, message).
    #[arg(long)]
    search: Option<String>,
    /// At most this many entries, newest first.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Skip this many of the newest entries first.
    #[arg(long, default_value_t = 0)]
    offset: u32,
}

pub async fn run(context: &Context, args: ActivityArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    let server_id = match &args.server {
        Some(server) => Some(super::servers::resolve(client, server).await?),
        None => None,
    };
    let since = match &args.since {
        Some(age) => Some(OffsetDateTime::now_utc() - parse_age(age)?),
        None => None,
    };
    let query = ActivityQuery {
        server_id,
        info_hash: args.torrent,
        actor: args.actor,
        search: args.search,
        since,
        limit: Some(args.limit),
        offset: Some(args.offset),
        ..Default::default()
    };
    let page = client.activity(&query).await.context("activity")?;
    out.show(&page, || {
        let table = rows(
            out,
            &page.items,
            "No activity.",
            &[
                fixed("TIME"),
                fixed("ACTOR"),
                fixed("ACTION"),
                shrinking("TARGET"),
                fixed("OUTCOME"),
                optional("MESSAGE", 1),
            ],
            |entry| {
                let outcome = if entry.success {
                    out.coloured("ok", Color::Green)
                } else {
                    out.coloured("failed", Color::Red)
                };
                vec![
                    Cell::new(timestamp(entry.at)),
                    Cell::new(actor_of(entry)),
                    Cell::new(&entry.action),
                    Cell::new(target_of(entry)),
                    outcome,
                    Cell::new(&entry.message),
                ]
            },
        );
        if (page.items.len() as u64) < page.total {
            let shown = u64::from(args.offset) + page.items.len() as u64;
            format!(
                "{table}\n{shown} of {} entries (--offset for more)",
                page.total
            )
        } else {
            table
        }
    })
}

/// `web alice`, `api_key nightly`, `facade Sonarr/4.0`.
fn actor_of(entry: &ActivityEntry) -> String {
    format!("{} {}", entry.actor.kind.as_str(), entry.actor.name)
}

/// The torrent (or server) the entry is about.
fn target_of(entry: &ActivityEntry) -> String {
    let torrent = entry
        .torrent_name
        .clone()
        .or_else(|| entry.info_hash.clone());
    match (torrent, &entry.server_name) {
        (Some(torrent), Some(server)) => format!("{torrent} ({server})"),
        (Some(torrent), None) => torrent,
        (None, Some(server)) => server.clone(),
        (None, None) => String::new(),
    }
}

/// `30m`, `6h`, `2d`, `1w` (or `90s`) as a duration.
fn parse_age(text: &str) -> anyhow::Result<time::Duration> {
    let seconds = crate::cli::units::parse_seconds(text).ok_or_else(|| {
        UsageError(format!(
            "--since takes an age like 30m, 6h, 2d or 1w, not '{}'",
            text.trim()
        ))
    })?;
    Ok(time::Duration::seconds(
        i64::try_from(seconds).unwrap_or(i64::MAX),
    ))
}

#[cfg(test)]
mod tests {
    use super::parse_age;

    #[test]
    fn ages_read_as_durations() {
        assert_eq!(parse_age("90s").unwrap().whole_seconds(), 90);
        assert_eq!(parse_age("1h").unwrap().whole_seconds(), 3600);
        assert_eq!(parse_age("2d").unwrap().whole_seconds(), 172_800);
        for bad in ["", "h", "1y", "-1h", "x1h"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }
}
