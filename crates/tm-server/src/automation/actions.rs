//! Running a rule: each pending action through the core function the API
//! uses for it (so every check applies, and removal with data goes through
//! the hardened removal), the removal cap, and a record of every outcome.

use tm_api_types::{RuleAction, RuleActionRecord, RuleHistory, RuleRunResult};

use super::plan::{Planned, Reach, plan};
use super::rules::CompiledRule;
use super::rules::{SERVER_FIELD, TRACKER_FIELD};
use crate::core::activity::{Actor, with_actor};
use crate::core::{Core, Error, Result, TorrentAction, User, from_millis, now_millis};
use crate::db::{OUTCOME_DONE, RuleActionRow};
use crate::facade::{ShareLimits, set_torrent_share_limits};

/// Outcome of a removal held back by the per-run cap.
const OUTCOME_CAP_REACHED: &str = "cap_reached";
const OUTCOME_FAILED: &str = "failed";
const MAX_HISTORY_PAGE: u32 = 500;

/// Runs the rule once: every matching torrent gets the actions it still
/// needs, in order, and each outcome is recorded.
pub async fn run_rule(core: &Core, rule: &CompiledRule, reach: Reach) -> Result<RuleRunResult> {
    let owner = core
        .store()
        .user_by_id(&rule.user_id)
        .await?
        .map(User::from)
        .ok_or_else(|| Error::NotFound("the rule's owner no longer exists".into()))?;
    let planned = plan(core, rule, reach).await?;
    let cap = rule
        .max_removals_per_run
        .unwrap_or(core.config().rule_max_removals_per_run);
    let mut removed = 0u32;
    let mut records = Vec::new();
    for torrent in &planned {
        for action in &torrent.actions {
            let (outcome, message) = if action.is_removal() && removed >= cap {
                (
                    OUTCOME_CAP_REACHED,
                    format!("not removed: the cap of {cap} removals per run is reached"),
                )
            } else {
                let done = perform(core, &owner, torrent, action);
                match with_actor(Actor::rule(&rule.id, &rule.name), done).await {
                    Ok(message) => (OUTCOME_DONE, message),
                    Err(error) => (OUTCOME_FAILED, error.to_string()),
                }
            };
            let row = RuleActionRow {
                id: uuid::Uuid::now_v7().to_string(),
                rule_id: rule.id.clone(),
                server_id: torrent.server_id.clone(),
                info_hash: torrent.info_hash.clone(),
                action: action.describe(),
                at: now_millis(),
                outcome: outcome.to_string(),
                message,
            };
            record(core, &row).await;
            records.push(record_of(row));
            if action.is_removal() && outcome == OUTCOME_DONE {
                removed += 1;
            }
            // A removed torrent takes no more actions; one held back or
            // failing keeps the rest of its actions for a later run.
            if action.is_removal() || outcome != OUTCOME_DONE {
                break;
            }
        }
    }
    super::notify::rule_fired(core, rule, &records);
    Ok(RuleRunResult {
        matched: planned.len(),
        actions: records,
    })
}

/// Does one action to one torrent, as the rule's owner. The single place a
/// rule changes a torrent; `run_rule` runs it as the rule's actor, so the
/// activity log names the rule.
async fn perform(
    core: &Core,
    owner: &User,
    torrent: &Planned,
    action: &RuleAction,
) -> Result<String> {
    let server = Some(torrent.server_id.as_str());
    let hash = torrent.info_hash.as_str();
    match action {
        RuleAction::Stop
        | RuleAction::Start
        | RuleAction::Recheck
        | RuleAction::Reannounce { .. } => {
            let action = match action {
                RuleAction::Stop => TorrentAction::Stop,
                RuleAction::Start => TorrentAction::Start,
                RuleAction::Recheck => TorrentAction::Recheck,
                _ => TorrentAction::Reannounce,
            };
            Ok(core
                .torrent_action(owner, hash, server, action)
                .await?
                .message)
        }
        RuleAction::Remove | RuleAction::RemoveWithData => {
            let with_data = matches!(action, RuleAction::RemoveWithData);
            Ok(core
                .remove_torrent(owner, hash, server, with_data)
                .await?
                .message)
        }
        RuleAction::AddLabel { label } => {
            let label = expand_label(label, torrent)?;
            core.edit_labels(owner, hash, server, |mut labels| {
                labels.push(label.clone());
                labels
            })
            .await
            .map(|_| format!("Label {label} added"))
        }
        RuleAction::RemoveLabel { label } => core
            .edit_labels(owner, hash, server, |mut labels| {
                labels.retain(|l| l != label);
                labels
            })
            .await
            .map(|_| "Label removed".to_string()),
        RuleAction::SetLabels { labels } => core
            .edit_labels(owner, hash, server, |_| labels.clone())
            .await
            .map(|_| "Labels set".to_string()),
        RuleAction::Notify { message } => {
            super::notify::rule_notify(core, &owner.id, &torrent.server_id, hash, message);
            Ok("Notified".to_string())
        }
        RuleAction::Move { path } => {
            Ok(core.move_torrent(owner, hash, server, path).await?.message)
        }
        RuleAction::SetShareLimits {
            ratio,
            seeding_time,
            inactive_time,
        } => {
            let limits = ShareLimits::from_seconds(*ratio, *seeding_time, *inactive_time);
            set_torrent_share_limits(core, owner, &torrent.server_id, hash, limits).await
        }
    }
}

/// The label with its template fields filled in for this torrent.
fn expand_label(label: &str, torrent: &Planned) -> Result<String> {
    let mut expanded = label.replace(SERVER_FIELD, &torrent.server_name);
    if expanded.contains(TRACKER_FIELD) {
        let Some(tracker) = torrent.tracker.as_deref() else {
            return Err(Error::Invalid(
                "the torrent has no tracker to label by".into(),
            ));
        };
        expanded = expanded.replace(TRACKER_FIELD, tracker);
    }
    crate::core::clean_labels(vec![expanded])?
        .pop()
        .ok_or_else(|| Error::Invalid("the label is empty once filled in".into()))
}

/// Stores what was done. A failure or hold-back that repeats the one last
/// recorded for the same torrent and action is not stored again, so a rule
/// retrying every second cannot grow its history without end.
async fn record(core: &Core, row: &RuleActionRow) {
    let store = core.store();
    if row.outcome != OUTCOME_DONE {
        let last = store
            .last_rule_action(&row.rule_id, &row.server_id, &row.info_hash, &row.action)
            .await;
        if let Ok(Some((outcome, message))) = last
            && outcome == row.outcome
            && message == row.message
        {
            return;
        }
    }
    if let Err(error) = store.insert_rule_action(row).await {
        tracing::warn!(%error, rule = %row.rule_id, "could not record a rule's action");
    }
}

fn record_of(row: RuleActionRow) -> RuleActionRecord {
    RuleActionRecord {
        server_id: row.server_id,
        info_hash: row.info_hash,
        action: row.action,
        at: from_millis(row.at),
        outcome: row.outcome,
        message: row.message,
    }
}

impl Core {
    /// Runs the rule once now (enabled or not); 409 while it is running.
    pub async fn run_rule_now(&self, user: &User, id: &str) -> Result<RuleRunResult> {
        let rule = CompiledRule::from_row(&self.rule_row(user, id).await?)?;
        let _running = self
            .rule_runs()
            .claim(&rule.id)
            .ok_or_else(|| Error::Conflict("the rule is running; try again shortly".into()))?;
        run_rule(self, &rule, Reach::All).await
    }

    /// What the rule did, newest first.
    pub async fn rule_history(
        &self,
        user: &User,
        id: &str,
        limit: Option<u32>,
        offset: Option<u64>,
    ) -> Result<RuleHistory> {
        let rule = self.rule_row(user, id).await?;
        let limit = limit.unwrap_or(100).clamp(1, MAX_HISTORY_PAGE);
        let offset = offset.unwrap_or(0).min(i64::MAX as u64) as i64;
        let (rows, total) = self
            .store()
            .rule_history(&rule.id, i64::from(limit), offset)
            .await?;
        Ok(RuleHistory {
            entries: rows.into_iter().map(record_of).collect(),
            total: total.max(0) as u64,
        })
    }
}
