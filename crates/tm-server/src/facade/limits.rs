//! Share limits set through the facade, and the global preferences they
//! fall back to. torrent-manager keeps them for every client (most clients
//! have none); enforcing them is the automation's job.

use serde_json::{Value, json};

use super::{Entry, Facade};
use crate::core::activity::Change;
use crate::core::{Core, Error, Result, User};
use crate::db::{STOP_ACTION, ShareLimitRow};

/// qBittorrent's "use the global limit".
const GLOBAL: i64 = -2;
/// qBittorrent's "no limit".
const UNLIMITED: i64 = -1;

/// A torrent's share limits as qBittorrent reports them: -2 global, -1 none,
/// times in minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareLimits {
    pub ratio: f64,
    pub seeding_minutes: i64,
    pub inactive_seeding_minutes: i64,
}

impl Default for ShareLimits {
    fn default() -> Self {
        Self {
            ratio: GLOBAL as f64,
            seeding_minutes: GLOBAL,
            inactive_seeding_minutes: GLOBAL,
        }
    }
}

impl ShareLimits {
    /// Parses `setShareLimits`/`add` values; the inactive limit is optional
    /// (older clients do not send it) and stays global then.
    pub fn parse(ratio: &str, seeding: &str, inactive: Option<&str>) -> Result<Self> {
        let ratio: f64 = number(ratio, "ratioLimit")?;
        let seeding_minutes: i64 = number(seeding, "seedingTimeLimit")?;
        let inactive_seeding_minutes = match inactive {
            Some(value) => number(value, "inactiveSeedingTimeLimit")?,
            None => GLOBAL,
        };
        let valid_ratio = ratio == GLOBAL as f64 || ratio == UNLIMITED as f64 || ratio >= 0.0;
        let valid_time = |t: i64| t >= GLOBAL;
        if !valid_ratio || !valid_time(seeding_minutes) || !valid_time(inactive_seeding_minutes) {
            return Err(Error::BadRequest("invalid share limits".into()));
        }
        Ok(Self {
            ratio,
            seeding_minutes,
            inactive_seeding_minutes,
        })
    }

    /// Limits given in seconds (the rule action): `None` is no limit, times
    /// round up to whole minutes.
    pub fn from_seconds(ratio: Option<f64>, seeding: Option<u64>, inactive: Option<u64>) -> Self {
        let minutes = |seconds: Option<u64>| {
            seconds.map_or(UNLIMITED, |s| {
                i64::try_from(s.div_ceil(60)).unwrap_or(i64::MAX)
            })
        };
        Self {
            ratio: ratio.unwrap_or(UNLIMITED as f64),
            seeding_minutes: minutes(seeding),
            inactive_seeding_minutes: minutes(inactive),
        }
    }

    /// The limit in force: global limits are disabled in `preferences`, so
    /// "global" means none.
    pub fn effective_ratio(&self) -> f64 {
        if self.ratio >= 0.0 {
            self.ratio
        } else {
            UNLIMITED as f64
        }
    }

    /// For the activity log: `ratio 1.5, seeding 60 min, inactive none`.
    pub fn describe(&self) -> String {
        let limit = |value: f64, unit: &str| match value {
            v if v == GLOBAL as f64 => "global".to_string(),
            v if v < 0.0 => "none".to_string(),
            v => format!("{v}{unit}"),
        };
        format!(
            "ratio {}, seeding {}, inactive {}",
            limit(self.ratio, ""),
            limit(self.seeding_minutes as f64, " min"),
            limit(self.inactive_seeding_minutes as f64, " min"),
        )
    }

    pub fn effective_seeding_minutes(&self) -> i64 {
        self.seeding_minutes.max(UNLIMITED)
    }

    pub fn effective_inactive_minutes(&self) -> i64 {
        self.inactive_seeding_minutes.max(UNLIMITED)
    }
}

fn number<T: std::str::FromStr>(value: &str, name: &str) -> Result<T> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::BadRequest(format!("{name} must be a number")))
}

impl Facade<'_> {
    pub fn limits_of(&self, entry: &Entry) -> ShareLimits {
        self.limits
            .get(&(entry.server_id().to_string(), entry.hash().to_string()))
            .map(|row| ShareLimits {
                ratio: row.ratio_limit,
                seeding_minutes: row.seeding_time_limit,
                inactive_seeding_minutes: row.inactive_seeding_time_limit,
            })
            .unwrap_or_default()
    }

    /// Stores `limits` for the torrent on `server_id`.
    pub async fn store_limits(
        &self,
        server_id: &str,
        info_hash: &str,
        limits: ShareLimits,
    ) -> Result<()> {
        store_share_limits(self.core, &self.user.id, server_id, info_hash, limits).await
    }
}

/// Stores `limits` for `user_id`'s torrent on `server_id`; enforcing them is
/// the automation's job.
pub async fn store_share_limits(
    core: &Core,
    user_id: &str,
    server_id: &str,
    info_hash: &str,
    limits: ShareLimits,
) -> Result<()> {
    let row = ShareLimitRow {
        server_id: server_id.to_string(),
        info_hash: info_hash.to_string(),
        ratio_limit: limits.ratio,
        seeding_time_limit: limits.seeding_minutes,
        inactive_seeding_time_limit: limits.inactive_seeding_minutes,
        action: STOP_ACTION.to_owned(),
    };
    Ok(core.store().set_share_limits(user_id, &row).await?)
}

/// Sets a torrent's share limits as a change of its own, recorded in the
/// activity log (what `setShareLimits` and the rule action do).
pub async fn set_torrent_share_limits(
    core: &Core,
    owner: &User,
    server_id: &str,
    info_hash: &str,
    limits: ShareLimits,
) -> Result<String> {
    store_share_limits(core, &owner.id, server_id, info_hash, limits).await?;
    let message = limits.describe();
    let change = Change::torrent(owner, "share_limits", Some(server_id), info_hash);
    core.record(vec![Change {
        outcome: Ok(message.clone()),
        ..change
    }])
    .await;
    Ok(message)
}

/// `app/preferences`: what the *arr apps read. No global share limits
/// (they are per torrent here), no queueing (topPrio answers 409), and no
/// save path: torrent-manager does not know the clients' own download
/// directories (Sonarr takes a category's savePath first).
pub fn preferences() -> Value {
    json!({
        "save_path": "",
        "temp_path_enabled": false,
        "max_ratio_enabled": false,
        "max_ratio": UNLIMITED,
        "max_seeding_time_enabled": false,
        "max_seeding_time": UNLIMITED,
        "max_inactive_seeding_time_enabled": false,
        "max_inactive_seeding_time": UNLIMITED,
        "max_ratio_act": 0,
        "queueing_enabled": false,
        // Each client decides; true so a magnet fetching its metadata is
        // not reported as hopeless (Sonarr warns on metaDL without DHT).
        "dht": true,
        "auto_tmm_enabled": false,
        "start_paused_enabled": false,
    })
}
