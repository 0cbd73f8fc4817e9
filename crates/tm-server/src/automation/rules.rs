//! Rules as stored: checked when saved, read back as the API shows them.

use tm_api_types::{Rule, RuleAction, RuleCondition, RuleRequest};

use super::conditions::Condition;
use crate::core::{Core, Error, Result, User, clean_labels, from_millis, move_target, now_millis};
use crate::db::RuleRow;

/// Most rules one user keeps.
const MAX_RULES_PER_USER: i64 = 100;
const MAX_ACTIONS: usize = 16;
const MAX_NAME_LEN: usize = 100;
const MAX_MESSAGE_LEN: usize = 500;
/// A week: longer intervals are better served by a cron job.
const MAX_INTERVAL_SECONDS: u64 = 7 * 24 * 3600;
const MAX_REMOVALS_CAP: u32 = 10_000;

/// A stored rule, checked and compiled: what a run works from.
pub struct CompiledRule {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub server_ids: Vec<String>,
    pub condition: Condition,
    pub actions: Vec<RuleAction>,
    pub max_removals_per_run: Option<u32>,
}

impl CompiledRule {
    pub fn from_row(row: &RuleRow) -> Result<Self> {
        let broken = |e: serde_json::Error| Error::Internal(format!("stored rule {}: {e}", row.id));
        let conditions: RuleCondition = serde_json::from_str(&row.conditions).map_err(broken)?;
        Ok(Self {
            id: row.id.clone(),
            user_id: row.user_id.clone(),
            name: row.name.clone(),
            server_ids: serde_json::from_str(&row.server_ids).map_err(broken)?,
            condition: Condition::compile(&conditions)?,
            actions: serde_json::from_str(&row.actions).map_err(broken)?,
            max_removals_per_run: row
                .max_removals_per_run
                .map(|n| n.clamp(0, u32::MAX as i64) as u32),
        })
    }
}

fn rule_of_row(row: RuleRow) -> Result<Rule> {
    let broken = |e: serde_json::Error| Error::Internal(format!("stored rule {}: {e}", row.id));
    Ok(Rule {
        server_ids: serde_json::from_str(&row.server_ids).map_err(broken)?,
        conditions: serde_json::from_str(&row.conditions).map_err(broken)?,
        actions: serde_json::from_str(&row.actions).map_err(broken)?,
        interval_seconds: row.interval_seconds.max(1) as u64,
        max_removals_per_run: row
            .max_removals_per_run
            .map(|n| n.clamp(0, u32::MAX as i64) as u32),
        created_at: from_millis(row.created_at),
        updated_at: from_millis(row.updated_at),
        id: row.id,
        name: row.name,
        enabled: row.enabled,
    })
}

impl Core {
    pub async fn list_rules(&self, user: &User) -> Result<Vec<Rule>> {
        let rows = self.store().rules_of(&user.id).await?;
        rows.into_iter().map(rule_of_row).collect()
    }

    pub async fn get_rule(&self, user: &User, id: &str) -> Result<Rule> {
        rule_of_row(self.rule_row(user, id).await?)
    }

    pub async fn create_rule(&self, user: &User, request: RuleRequest) -> Result<Rule> {
        if self.store().count_rules(&user.id).await? >= MAX_RULES_PER_USER {
            return Err(Error::QuotaExceeded(format!(
                "you have {MAX_RULES_PER_USER} rules, the most allowed"
            )));
        }
        let now = now_millis();
        let id = uuid::Uuid::now_v7().to_string();
        let row = self.checked_row(user, &id, request, now, now).await?;
        self.store().insert_rule(&row).await?;
        rule_of_row(row)
    }

    /// Replaces the whole rule (its record of what it did stays).
    pub async fn update_rule(&self, user: &User, id: &str, request: RuleRequest) -> Result<Rule> {
        let existing = self.rule_row(user, id).await?;
        let row = self
            .checked_row(user, id, request, existing.created_at, now_millis())
            .await?;
        if !self.store().update_rule(&row).await? {
            return Err(rule_not_found());
        }
        rule_of_row(row)
    }

    pub async fn delete_rule(&self, user: &User, id: &str) -> Result<()> {
        if !self.store().delete_rule(id, &user.id).await? {
            return Err(rule_not_found());
        }
        Ok(())
    }

    pub(super) async fn rule_row(&self, user: &User, id: &str) -> Result<RuleRow> {
        self.store()
            .rule_of(id, &user.id)
            .await?
            .ok_or_else(rule_not_found)
    }

    /// The row to store for `request`, or why it cannot be (422; 404 for a
    /// server that is not the user's).
    async fn checked_row(
        &self,
        user: &User,
        id: &str,
        request: RuleRequest,
        created_at: i64,
        updated_at: i64,
    ) -> Result<RuleRow> {
        let name = request.name.trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
            return Err(Error::Invalid(format!(
                "name must be 1 to {MAX_NAME_LEN} characters"
            )));
        }
        if !(1..=MAX_INTERVAL_SECONDS).contains(&request.interval_seconds) {
            return Err(Error::Invalid(format!(
                "interval_seconds must be between 1 and {MAX_INTERVAL_SECONDS}"
            )));
        }
        if request
            .max_removals_per_run
            .is_some_and(|n| n > MAX_REMOVALS_CAP)
        {
            return Err(Error::Invalid(format!(
                "max_removals_per_run must be at most {MAX_REMOVALS_CAP}"
            )));
        }
        Condition::compile(&request.conditions)?;
        let actions = checked_actions(request.actions)?;
        let mut server_ids: Vec<String> = Vec::new();
        for server_id in request.server_ids {
            let server_id = server_id.trim().to_string();
            if self
                .store()
                .server_of(&server_id, &user.id)
                .await?
                .is_none()
            {
                return Err(Error::ServerNotFound);
            }
            if !server_ids.contains(&server_id) {
                server_ids.push(server_id);
            }
        }
        let json =
            |value: serde_json::Result<String>| value.map_err(|e| Error::Internal(e.to_string()));
        Ok(RuleRow {
            id: id.to_string(),
            user_id: user.id.clone(),
            name,
            enabled: request.enabled,
            server_ids: json(serde_json::to_string(&server_ids))?,
            conditions: json(serde_json::to_string(&request.conditions))?,
            actions: json(serde_json::to_string(&actions))?,
            interval_seconds: request.interval_seconds as i64,
            max_removals_per_run: request.max_removals_per_run.map(i64::from),
            created_at,
            updated_at,
        })
    }
}

/// Label template fields (see `RuleAction::AddLabel`).
pub const TRACKER_FIELD: &str = "{tracker}";
pub const SERVER_FIELD: &str = "{server}";
/// Trackers ask for minutes between announces; every few seconds is abuse.
const MIN_REANNOUNCE_SECONDS: u64 = 10;
/// qBittorrent's own ceiling for a ratio limit.
const MAX_RATIO: f64 = 9998.0;

/// The actions with their labels and paths cleaned, or why they cannot be run.
fn checked_actions(actions: Vec<RuleAction>) -> Result<Vec<RuleAction>> {
    if actions.is_empty() || actions.len() > MAX_ACTIONS {
        return Err(Error::Invalid(format!(
            "actions must list 1 to {MAX_ACTIONS} actions"
        )));
    }
    let one_label = |label: String| -> Result<String> {
        clean_labels(vec![label])?
            .pop()
            .ok_or_else(|| Error::Invalid("a label action needs a non-empty label".into()))
    };
    let template = |label: String| -> Result<String> {
        let label = one_label(label)?;
        let fields_left = label.replace(TRACKER_FIELD, "").replace(SERVER_FIELD, "");
        if fields_left.contains('{') || fields_left.contains('}') {
            return Err(Error::Invalid(format!(
                "label {label:?}: the fields a label may hold are {TRACKER_FIELD} and {SERVER_FIELD}"
            )));
        }
        Ok(label)
    };
    actions
        .into_iter()
        .map(|action| {
            Ok(match action {
                RuleAction::AddLabel { label } => RuleAction::AddLabel {
                    label: template(label)?,
                },
                RuleAction::Reannounce {
                    every_seconds: Some(every),
                } if every < MIN_REANNOUNCE_SECONDS => {
                    return Err(Error::Invalid(format!(
                        "a repeated reannounce waits at least {MIN_REANNOUNCE_SECONDS} seconds"
                    )));
                }
                RuleAction::RemoveLabel { label } => RuleAction::RemoveLabel {
                    label: one_label(label)?,
                },
                RuleAction::SetLabels { labels } => RuleAction::SetLabels {
                    labels: clean_labels(labels)?,
                },
                RuleAction::Notify { message } => RuleAction::Notify {
                    message: checked_message(message)?,
                },
                RuleAction::Move { path } => RuleAction::Move {
                    path: move_target(&path)?,
                },
                RuleAction::SetShareLimits { ratio, .. }
                    if ratio
                        .is_some_and(|r| !(r.is_finite() && (0.0..=MAX_RATIO).contains(&r))) =>
                {
                    return Err(Error::Invalid(format!(
                        "a share limit's ratio is a number from 0 to {MAX_RATIO}"
                    )));
                }
                other => other,
            })
        })
        .collect()
}

/// A notify action's message: trimmed, 1 to 500 characters.
fn checked_message(message: String) -> Result<String> {
    let message = message.trim();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_LEN {
        return Err(Error::Invalid(format!(
            "a notify action needs a message of 1 to {MAX_MESSAGE_LEN} characters"
        )));
    }
    Ok(message.to_string())
}

fn rule_not_found() -> Error {
    Error::NotFound("Rule not found".into())
}
