//! Share limits set through the qBittorrent-compatible API
//! (`setShareLimits`, or on add) or as a torrent's seeding goals, enforced
//! for every client kind the way qBittorrent does: a complete torrent that
//! reaches its ratio, seeding time or inactive seeding time is stopped (and
//! stopped again if started while still past its limit) — or, with a
//! removing action, removed through the same hardened removal as
//! `DELETE /torrents/{hash}`, running or not (a client that holds the goal
//! itself, Transmission, will have stopped it first).

use tm_api_types::{SeedingGoalAction, TorrentState};

use crate::core::activity::{Actor, with_actor};
use crate::core::{Core, TorrentAction, User};
use crate::db::ShareLimitRow;
use crate::fleet::Role;

/// The engine's claim while limits are being enforced (rule ids are UUIDs).
pub const CLAIM: &str = "share-limits";

/// What a stored limit says of a complete torrent now.
pub struct Progress {
    pub ratio: f64,
    /// Seconds since completion.
    pub seeding_seconds: Option<i64>,
    /// Seconds without transfer.
    pub inactive_seconds: Option<i64>,
}

/// Which limit, if any, the torrent reached. Negative limits are "global" or
/// "none"; the facade's global limits are disabled, so both mean no limit.
pub fn reached(limits: &ShareLimitRow, progress: &Progress) -> Option<String> {
    let minutes = |seconds: Option<i64>| seconds.unwrap_or(0) / 60;
    if limits.ratio_limit >= 0.0 && progress.ratio >= limits.ratio_limit {
        return Some(format!(
            "ratio {:.2} reached its limit {}",
            progress.ratio, limits.ratio_limit
        ));
    }
    if limits.seeding_time_limit >= 0
        && minutes(progress.seeding_seconds) >= limits.seeding_time_limit
    {
        return Some(format!(
            "seeded {} min, its limit",
            limits.seeding_time_limit
        ));
    }
    let inactive = limits.inactive_seeding_time_limit;
    if inactive >= 0 && minutes(progress.inactive_seconds) >= inactive {
        return Some(format!("inactive {inactive} min, its limit"));
    }
    None
}

/// The users who have share limits, with their limits.
pub async fn users_with_limits(core: &Core) -> Vec<(String, Vec<ShareLimitRow>)> {
    match core.store().share_limits_by_user().await {
        Ok(rows) => rows,
        Err(error) => {
            tracing::warn!(%error, "could not load the share limits");
            Vec::new()
        }
    }
}

/// Stops (or removes, as its action says) each complete torrent of
/// `user_id` past one of its limits; at most the rules' removal cap of
/// torrents are removed in one pass, the rest in the next.
pub async fn enforce(core: &Core, user_id: &str, limits: &[ShareLimitRow], now: i64) {
    let idle = &core.rule_runs().idle;
    let owner = match core.store().user_by_id(user_id).await {
        Ok(Some(row)) => User::from(row),
        _ => return,
    };
    let cap = core.config().rule_max_removals_per_run;
    let mut removed = 0;
    for limit in limits {
        let action = SeedingGoalAction::from_name(&limit.action);
        let Some(poller) = core.fleet().get(&limit.server_id) else {
            continue;
        };
        // Enforced once, by the instance polling the server.
        if poller.role() != Role::Owner || poller.check_available().is_err() {
            continue;
        }
        let snapshot = poller.snapshot();
        let Some(view) = snapshot.views.get(&limit.info_hash) else {
            continue;
        };
        let torrent = &view.torrent;
        let running = matches!(view.state(), TorrentState::Seeding | TorrentState::Queued);
        if !torrent.complete || (action == SeedingGoalAction::Stop && !running) {
            continue;
        }
        let progress = Progress {
            ratio: torrent.ratio,
            seeding_seconds: torrent.completed_at.map(|at| now - at),
            inactive_seconds: idle
                .idle_since(&limit.server_id, &limit.info_hash)
                .map(|since| now - since),
        };
        let Some(why) = reached(limit, &progress) else {
            continue;
        };
        let server = Some(limit.server_id.as_str());
        let hash = &limit.info_hash;
        let done = match action {
            SeedingGoalAction::Stop => {
                let stop = core.torrent_action(&owner, hash, server, TorrentAction::Stop);
                with_actor(Actor::share_limits(&why), stop).await.map(drop)
            }
            _ if removed >= cap => {
                tracing::info!(
                    cap,
                    "share limits: the removal cap is reached; the rest wait for the next pass"
                );
                continue;
            }
            _ => {
                removed += 1;
                let delete_data = action == SeedingGoalAction::RemoveWithData;
                let remove = core.remove_torrent(&owner, hash, server, delete_data);
                with_actor(Actor::share_limits(&why), remove)
                    .await
                    .map(drop)
            }
        };
        if let Err(error) = done {
            tracing::warn!(%error, server = %limit.server_id, action = action.as_str(), "could not act on a torrent at its share limit");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(ratio: f64, seeding: i64, inactive: i64) -> ShareLimitRow {
        ShareLimitRow {
            server_id: "s".into(),
            info_hash: "h".into(),
            ratio_limit: ratio,
            seeding_time_limit: seeding,
            inactive_seeding_time_limit: inactive,
            action: crate::db::STOP_ACTION.to_owned(),
        }
    }

    fn progress(ratio: f64, seeding: i64, inactive: i64) -> Progress {
        Progress {
            ratio,
            seeding_seconds: Some(seeding),
            inactive_seconds: Some(inactive),
        }
    }

    #[test]
    fn each_limit_is_reached_on_its_own() {
        assert!(reached(&limits(1.0, -1, -1), &progress(1.0, 0, 0)).is_some());
        assert!(
            reached(
                &limits(1.0, -1, -1),
                &progress(0.99, 1e6 as i64, 1e6 as i64)
            )
            .is_none()
        );
        assert!(reached(&limits(-2.0, 10, -1), &progress(9.0, 600, 0)).is_some());
        assert!(reached(&limits(-2.0, 10, -1), &progress(9.0, 599, 0)).is_none());
        assert!(reached(&limits(-1.0, -2, 5), &progress(0.0, 0, 300)).is_some());
        assert!(reached(&limits(-1.0, -2, 5), &progress(0.0, 0, 299)).is_none());
    }

    #[test]
    fn no_limit_and_the_global_limit_never_stop() {
        assert!(
            reached(
                &limits(-1.0, -1, -1),
                &progress(100.0, 1e9 as i64, 1e9 as i64)
            )
            .is_none()
        );
        assert!(
            reached(
                &limits(-2.0, -2, -2),
                &progress(100.0, 1e9 as i64, 1e9 as i64)
            )
            .is_none()
        );
    }

    #[test]
    fn a_zero_ratio_limit_stops_at_once() {
        assert!(reached(&limits(0.0, -2, -2), &progress(0.0, 0, 0)).is_some());
    }
}
