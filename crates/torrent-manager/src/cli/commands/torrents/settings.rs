//! `settings`: show or change a torrent's seeding goals, speed limits and
//! bandwidth priority.

use clap::{Args, ValueEnum};
use tm_client::{
    BandwidthPriority, Client, Patch, SeedingGoalAction, SeedingGoalsUpdate, TorrentSettings,
    TorrentSettingsUpdate,
};

use super::OneTorrent;
use crate::cli::UsageError;
use crate::cli::output::Output;
use crate::cli::units::{duration, parse_bytes, parse_seconds, rate};

#[derive(Args)]
pub struct SettingsArgs {
    #[command(flatten)]
    torrent: OneTorrent,
    /// Stop the torrent once it uploaded this many times its size.
    #[arg(long)]
    ratio: Option<f64>,
    /// Stop it after seeding this long (`90m`, `12h`, `7d`, `2w`).
    #[arg(long, value_name = "DURATION", value_parser = seconds)]
    seed_time: Option<u64>,
    /// Stop it after this long without transfer (`30m`, `2d`).
    #[arg(long, value_name = "DURATION", value_parser = seconds)]
    inactive_time: Option<u64>,
    /// What reaching a goal does: stop the torrent, remove it, or remove it
    /// and delete its files.
    #[arg(long, value_enum, value_name = "ACTION")]
    goal_action: Option<GoalAction>,
    /// Download limit, bytes per second (`500K`, `1M`, `2.5M`).
    #[arg(long, value_name = "RATE", value_parser = bytes)]
    limit_down: Option<u64>,
    /// Upload limit, bytes per second (`500K`, `1M`).
    #[arg(long, value_name = "RATE", value_parser = bytes)]
    limit_up: Option<u64>,
    /// Bandwidth priority among the client's torrents.
    #[arg(long, value_enum)]
    priority: Option<Priority>,
    /// Clear settings back to none (unlimited, no goal, normal priority).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SETTING")]
    clear: Vec<Setting>,
}

#[derive(Clone, Copy, ValueEnum)]
enum GoalAction {
    Stop,
    Remove,
    RemoveWithData,
}

impl From<GoalAction> for SeedingGoalAction {
    fn from(action: GoalAction) -> Self {
        match action {
            GoalAction::Stop => SeedingGoalAction::Stop,
            GoalAction::Remove => SeedingGoalAction::Remove,
            GoalAction::RemoveWithData => SeedingGoalAction::RemoveWithData,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Priority {
    Low,
    Normal,
    High,
}

/// What `--clear` takes.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Setting {
    Ratio,
    SeedTime,
    InactiveTime,
    LimitDown,
    LimitUp,
    Priority,
}

fn seconds(text: &str) -> Result<u64, String> {
    parse_seconds(text).ok_or_else(|| format!("'{text}' is not a duration like 90m, 12h or 7d"))
}

fn bytes(text: &str) -> Result<u64, String> {
    parse_bytes(text).ok_or_else(|| format!("'{text}' is not a rate like 500K or 1M"))
}

pub async fn settings(client: &Client, out: &Output, args: SettingsArgs) -> anyhow::Result<()> {
    let target = args.torrent.resolve(client).await?;
    let server = target.server_id.as_deref();
    let update = update_of(&args)?;
    let settings = if update == TorrentSettingsUpdate::default() {
        client.torrent_settings(&target.info_hash, server).await?
    } else {
        client
            .set_torrent_settings(&target.info_hash, server, &update)
            .await?
    };
    out.show(&settings, || out.details(rows_of(&settings)).to_string())
}

/// The change the flags ask for; a setting both set and cleared is refused.
fn update_of(args: &SettingsArgs) -> Result<TorrentSettingsUpdate, UsageError> {
    let cleared = |setting| args.clear.contains(&setting);
    let priority = args.priority.map(|p| match p {
        Priority::Low => BandwidthPriority::Low,
        Priority::Normal => BandwidthPriority::Normal,
        Priority::High => BandwidthPriority::High,
    });
    let seeding = SeedingGoalsUpdate {
        ratio: patch(args.ratio, cleared(Setting::Ratio))?,
        seeding_time: patch(args.seed_time, cleared(Setting::SeedTime))?,
        inactive_time: patch(args.inactive_time, cleared(Setting::InactiveTime))?,
        action: args.goal_action.map(SeedingGoalAction::from),
    };
    Ok(TorrentSettingsUpdate {
        seeding: (seeding != SeedingGoalsUpdate::default()).then_some(seeding),
        download_limit: patch(args.limit_down, cleared(Setting::LimitDown))?,
        upload_limit: patch(args.limit_up, cleared(Setting::LimitUp))?,
        priority: patch(priority, cleared(Setting::Priority))?,
    })
}

fn patch<T>(value: Option<T>, cleared: bool) -> Result<Patch<T>, UsageError> {
    match (value, cleared) {
        (Some(_), true) => Err(UsageError(
            "a setting cannot be both set and cleared".into(),
        )),
        (Some(value), false) => Ok(Patch::Set(value)),
        (None, true) => Ok(Patch::Clear),
        (None, false) => Ok(Patch::Unchanged),
    }
}

fn rows_of(settings: &TorrentSettings) -> Vec<(&'static str, String)> {
    let can = settings.capabilities;
    let limit = |value: Option<u64>| {
        if !can.speed_limits {
            "not on this client".to_string()
        } else {
            value.map_or_else(|| "unlimited".to_string(), rate)
        }
    };
    let goal_time = |value: Option<u64>| {
        value.map_or_else(
            || "none".to_string(),
            |s| duration(Some(i64::try_from(s).unwrap_or(i64::MAX))),
        )
    };
    let seeding = &settings.seeding;
    vec![
        ("Hash", settings.info_hash.clone()),
        ("Server", settings.server_id.clone()),
        (
            "Ratio goal",
            seeding
                .ratio
                .map_or_else(|| "none".into(), |r| format!("{r}")),
        ),
        ("Seed time goal", goal_time(seeding.seeding_time)),
        ("Inactive goal", goal_time(seeding.inactive_time)),
        ("At a goal", seeding.action.as_str().replace('_', " ")),
        ("Download limit", limit(settings.download_limit)),
        ("Upload limit", limit(settings.upload_limit)),
        (
            "Priority",
            settings.priority.map_or_else(
                || "not on this client".to_string(),
                |p| format!("{p:?}").to_lowercase(),
            ),
        ),
    ]
}
