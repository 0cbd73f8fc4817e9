//! A torrent's own settings: speed limits and bandwidth priority held by
//! its client (read back from it), seeding goals kept by torrent-manager in
//! the share-limit store and enforced by the automation for every client.

use tm_api_types::{
    BandwidthPriority, Patch, SeedingGoalAction, SeedingGoals, SeedingGoalsUpdate, TorrentSettings,
    TorrentSettingsCapabilities, TorrentSettingsUpdate,
};
use tm_backends::{TransferChange, TransferSettings};

use super::torrents::Target;
use super::{Core, Error, Result, User};
use crate::db::{STOP_ACTION, ShareLimitRow};

/// The share-limit store's "no limit" (qBittorrent's -1; -2, "global", also
/// means none here).
const NO_LIMIT: i64 = -1;

impl Core {
    /// `GET /torrents/{hash}/settings`.
    pub async fn torrent_settings(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentSettings> {
        let target = self.settings_target(user, hash, server_id).await?;
        self.settings_of(user, &target).await
    }

    /// `PUT /torrents/{hash}/settings`: the client's part first (a change
    /// it cannot hold fails before any goal is stored), recorded as
    /// `settings`; answers the settings as they are afterwards.
    pub async fn set_torrent_settings(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        update: TorrentSettingsUpdate,
    ) -> Result<TorrentSettings> {
        let target = self.settings_target(user, hash, server_id).await?;
        let server = target.poller.spec().id.clone();
        let change = self.torrent_change(user, "settings", Some(&server), &target.hash);
        let result = self.apply_settings(user, &target, update).await;
        self.recorded(change, result, Clone::clone).await?;
        self.settings_of(user, &target).await
    }

    async fn apply_settings(
        &self,
        user: &User,
        target: &Target,
        update: TorrentSettingsUpdate,
    ) -> Result<String> {
        let mut transfer = transfer_change(&update)?;
        let goals = match &update.seeding {
            Some(goals) => Some(updated_goals(
                self.stored_goals(user, target).await?,
                goals,
            )?),
            None => None,
        };
        if let (Some(changed), Some(row)) = (&update.seeding, &goals)
            && capabilities_of(target).native_seeding_goals
        {
            native_goals(&mut transfer, changed, row);
        }
        if transfer != TransferChange::default() {
            target
                .poller
                .client()
                .set_transfer_settings(&target.hash, transfer)
                .await?;
        }
        if let Some(row) = &goals {
            self.store().set_share_limits(&user.id, row).await?;
        }
        Ok(describe(&update, goals.as_ref()))
    }

    /// The torrent named by the request; it must be on that server now.
    async fn settings_target(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<Target> {
        let target = self.target(user, hash, server_id).await?;
        if !target.poller.snapshot().contains(&target.hash) {
            return Err(Error::TorrentNotFound);
        }
        Ok(target)
    }

    async fn settings_of(&self, user: &User, target: &Target) -> Result<TorrentSettings> {
        let capabilities = capabilities_of(target);
        let transfer = if capabilities.speed_limits || capabilities.priority {
            target
                .poller
                .client()
                .transfer_settings(&target.hash)
                .await?
        } else {
            TransferSettings::default()
        };
        let goals = self.stored_goals(user, target).await?;
        Ok(TorrentSettings {
            info_hash: target.hash.clone(),
            server_id: target.poller.spec().id.clone(),
            seeding: goals_of(&goals),
            download_limit: transfer.download_limit,
            upload_limit: transfer.upload_limit,
            priority: transfer.priority,
            capabilities,
        })
    }

    /// The torrent's row in the share-limit store (no limits when none).
    async fn stored_goals(&self, user: &User, target: &Target) -> Result<ShareLimitRow> {
        let server_id = &target.poller.spec().id;
        let stored = self.store().share_limits_of(&user.id).await?;
        Ok(stored
            .into_iter()
            .find(|row| row.server_id == *server_id && row.info_hash == target.hash)
            .unwrap_or_else(|| ShareLimitRow {
                server_id: server_id.clone(),
                info_hash: target.hash.clone(),
                ratio_limit: NO_LIMIT as f64,
                seeding_time_limit: NO_LIMIT,
                inactive_seeding_time_limit: NO_LIMIT,
                action: STOP_ACTION.to_owned(),
            }))
    }
}

/// What the torrent's client holds, as found when it was last reached.
fn capabilities_of(target: &Target) -> TorrentSettingsCapabilities {
    let client = target.poller.health().client.map(|c| c.capabilities);
    client.map_or_else(TorrentSettingsCapabilities::default, |client| {
        TorrentSettingsCapabilities {
            speed_limits: client.speed_limits,
            priority: client.bandwidth_priority,
            native_seeding_goals: client.seeding_goals,
        }
    })
}

/// The ratio and idle goals `changed` touches, as stored in `row`, for a
/// client that holds them too (Transmission stops the torrent itself;
/// torrent-manager's enforcement stays, and covers the seeding time).
fn native_goals(transfer: &mut TransferChange, changed: &SeedingGoalsUpdate, row: &ShareLimitRow) {
    let goals = goals_of(row);
    if !changed.ratio.is_unchanged() {
        transfer.ratio_goal = Some(goals.ratio);
    }
    if !changed.inactive_time.is_unchanged() {
        transfer.idle_goal = Some(goals.inactive_time.map(|seconds| seconds / 60));
    }
}

/// The limits and priority of `update`, checked: a limit is at least 1 byte/s
/// (`null` lifts it), a cleared priority is `normal`.
fn transfer_change(update: &TorrentSettingsUpdate) -> Result<TransferChange> {
    let limit = |patch: &Patch<u64>, name: &str| match patch {
        Patch::Unchanged => Ok(None),
        Patch::Clear => Ok(Some(None)),
        Patch::Set(0) => Err(Error::Invalid(format!(
            "{name} must be at least 1 byte/s; null lifts it"
        ))),
        Patch::Set(bytes) => Ok(Some(Some(*bytes))),
    };
    Ok(TransferChange {
        download_limit: limit(&update.download_limit, "download_limit")?,
        upload_limit: limit(&update.upload_limit, "upload_limit")?,
        priority: match update.priority {
            Patch::Unchanged => None,
            Patch::Clear => Some(BandwidthPriority::Normal),
            Patch::Set(priority) => Some(priority),
        },
        ..TransferChange::default()
    })
}

/// The stored goals with `update` applied; times in seconds round up to
/// the store's whole minutes.
fn updated_goals(mut row: ShareLimitRow, update: &SeedingGoalsUpdate) -> Result<ShareLimitRow> {
    match update.ratio {
        Patch::Unchanged => {}
        Patch::Clear => row.ratio_limit = NO_LIMIT as f64,
        Patch::Set(ratio) if ratio.is_finite() && ratio >= 0.0 => row.ratio_limit = ratio,
        Patch::Set(_) => {
            return Err(Error::Invalid(
                "seeding.ratio must be a number of at least 0".into(),
            ));
        }
    }
    let minutes = |patch: &Patch<u64>, current: i64| match patch {
        Patch::Unchanged => current,
        Patch::Clear => NO_LIMIT,
        Patch::Set(seconds) => i64::try_from(seconds.div_ceil(60)).unwrap_or(i64::MAX),
    };
    row.seeding_time_limit = minutes(&update.seeding_time, row.seeding_time_limit);
    row.inactive_seeding_time_limit =
        minutes(&update.inactive_time, row.inactive_seeding_time_limit);
    if let Some(action) = update.action {
        row.action = action.as_str().to_owned();
    }
    Ok(row)
}

/// The goals a stored row sets (negative is none).
fn goals_of(row: &ShareLimitRow) -> SeedingGoals {
    let seconds = |minutes: i64| u64::try_from(minutes).ok().map(|m| m * 60);
    SeedingGoals {
        ratio: (row.ratio_limit >= 0.0).then_some(row.ratio_limit),
        seeding_time: seconds(row.seeding_time_limit),
        inactive_time: seconds(row.inactive_seeding_time_limit),
        action: SeedingGoalAction::from_name(&row.action),
    }
}

/// For the activity log: what changed, e.g. `download limit 1024000 B/s,
/// priority high, goals ratio 2, seeding none, inactive none`.
fn describe(update: &TorrentSettingsUpdate, goals: Option<&ShareLimitRow>) -> String {
    let limit = |patch: &Patch<u64>, name: &str| match patch {
        Patch::Unchanged => None,
        Patch::Clear => Some(format!("{name} unlimited")),
        Patch::Set(bytes) => Some(format!("{name} {bytes} B/s")),
    };
    let mut parts: Vec<String> = [
        limit(&update.download_limit, "download limit"),
        limit(&update.upload_limit, "upload limit"),
    ]
    .into_iter()
    .flatten()
    .collect();
    match update.priority {
        Patch::Unchanged => {}
        Patch::Clear => parts.push("priority normal".into()),
        Patch::Set(priority) => parts.push(format!("priority {priority:?}").to_lowercase()),
    }
    if let Some(row) = goals {
        let goal = |value: Option<String>| value.unwrap_or_else(|| "none".into());
        let seeding = goals_of(row);
        parts.push(format!(
            "goals ratio {}, seeding {}, inactive {}, then {}",
            goal(seeding.ratio.map(|r| r.to_string())),
            goal(seeding.seeding_time.map(|s| format!("{s} s"))),
            goal(seeding.inactive_time.map(|s| format!("{s} s"))),
            seeding.action.as_str(),
        ));
    }
    if parts.is_empty() {
        "Settings unchanged".into()
    } else {
        format!("Settings: {}", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> ShareLimitRow {
        ShareLimitRow {
            server_id: "s".into(),
            info_hash: "h".into(),
            ratio_limit: -2.0,
            seeding_time_limit: -2,
            inactive_seeding_time_limit: -2,
            action: STOP_ACTION.to_owned(),
        }
    }

    #[test]
    fn goals_round_trip_through_the_store_in_whole_minutes() {
        let update = SeedingGoalsUpdate {
            ratio: Patch::Set(1.5),
            seeding_time: Patch::Set(61),
            inactive_time: Patch::Unchanged,
            action: Some(SeedingGoalAction::RemoveWithData),
        };
        let row = updated_goals(none(), &update).unwrap();
        assert_eq!(row.seeding_time_limit, 2);
        assert_eq!(row.action, "remove_with_data");
        let goals = goals_of(&row);
        assert_eq!(goals.ratio, Some(1.5));
        assert_eq!(goals.seeding_time, Some(120));
        assert_eq!(goals.inactive_time, None, "global is no goal");
        assert_eq!(goals.action, SeedingGoalAction::RemoveWithData);
    }

    #[test]
    fn null_clears_a_goal_and_bad_ratios_are_refused() {
        let mut row = none();
        row.ratio_limit = 2.0;
        let clear = SeedingGoalsUpdate {
            ratio: Patch::Clear,
            ..Default::default()
        };
        assert_eq!(goals_of(&updated_goals(row, &clear).unwrap()).ratio, None);
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let update = SeedingGoalsUpdate {
                ratio: Patch::Set(bad),
                ..Default::default()
            };
            assert!(matches!(
                updated_goals(none(), &update),
                Err(Error::Invalid(_))
            ));
        }
    }

    #[test]
    fn a_zero_limit_is_refused_and_null_lifts_it() {
        let zero = TorrentSettingsUpdate {
            download_limit: Patch::Set(0),
            ..Default::default()
        };
        assert!(matches!(transfer_change(&zero), Err(Error::Invalid(_))));
        let lift = TorrentSettingsUpdate {
            upload_limit: Patch::Clear,
            priority: Patch::Clear,
            ..Default::default()
        };
        let change = transfer_change(&lift).unwrap();
        assert_eq!(change.upload_limit, Some(None));
        assert_eq!(change.download_limit, None);
        assert_eq!(change.priority, Some(BandwidthPriority::Normal));
    }
}
