//! Automation rules and the record of what they did.

use super::{DbResult, Store, on_pool};

/// One row of `rules`; `server_ids`, `conditions` and `actions` are JSON.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RuleRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub enabled: bool,
    pub server_ids: String,
    pub conditions: String,
    pub actions: String,
    pub interval_seconds: i64,
    pub max_removals_per_run: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One row of `rule_actions`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RuleActionRow {
    pub id: String,
    pub rule_id: String,
    pub server_id: String,
    pub info_hash: String,
    pub action: String,
    pub at: i64,
    pub outcome: String,
    pub message: String,
}

/// The outcome recorded for an action that was carried out.
pub const OUTCOME_DONE: &str = "done";

/// The columns of `rules`, in `RuleRow` order (a macro so `concat!` can use it).
macro_rules! columns {
    () => {
        "id, user_id, name, enabled, server_ids, conditions, actions, interval_seconds, \
         max_removals_per_run, created_at, updated_at"
    };
}

impl Store {
    pub async fn insert_rule(&self, row: &RuleRow) -> DbResult<()> {
        const SQL: &str = concat!(
            "INSERT INTO rules (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.user_id)
            .bind(&row.name)
            .bind(row.enabled)
            .bind(&row.server_ids)
            .bind(&row.conditions)
            .bind(&row.actions)
            .bind(row.interval_seconds)
            .bind(row.max_removals_per_run)
            .bind(row.created_at)
            .bind(row.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Replaces the rule's definition; false when it is not the user's.
    pub async fn update_rule(&self, row: &RuleRow) -> DbResult<bool> {
        const SQL: &str = "UPDATE rules SET name = $1, enabled = $2, server_ids = $3, \
            conditions = $4, actions = $5, interval_seconds = $6, max_removals_per_run = $7, \
            updated_at = $8 WHERE id = $9 AND user_id = $10";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.name)
            .bind(row.enabled)
            .bind(&row.server_ids)
            .bind(&row.conditions)
            .bind(&row.actions)
            .bind(row.interval_seconds)
            .bind(row.max_removals_per_run)
            .bind(row.updated_at)
            .bind(&row.id)
            .bind(&row.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    pub async fn rule_of(&self, id: &str, user_id: &str) -> DbResult<Option<RuleRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM rules WHERE id = $1 AND user_id = $2"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RuleRow>(SQL)
            .bind(id)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn rules_of(&self, user_id: &str) -> DbResult<Vec<RuleRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM rules WHERE user_id = $1 ORDER BY created_at, id"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RuleRow>(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    /// Every enabled rule of every user: what the background engine runs.
    pub async fn enabled_rules(&self) -> DbResult<Vec<RuleRow>> {
        const SQL: &str = concat!("SELECT ", columns!(), " FROM rules WHERE enabled");
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RuleRow>(SQL)
            .fetch_all(pool)
            .await)?)
    }

    pub async fn count_rules(&self, user_id: &str) -> DbResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM rules WHERE user_id = $1";
        let (count,): (i64,) = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_one(pool)
            .await)?;
        Ok(count)
    }

    /// False when the rule is not the user's.
    pub async fn delete_rule(&self, id: &str, user_id: &str) -> DbResult<bool> {
        const SQL: &str = "DELETE FROM rules WHERE id = $1 AND user_id = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    pub async fn insert_rule_action(&self, row: &RuleActionRow) -> DbResult<()> {
        const SQL: &str = "INSERT INTO rule_actions \
            (id, rule_id, server_id, info_hash, action, at, outcome, message) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.rule_id)
            .bind(&row.server_id)
            .bind(&row.info_hash)
            .bind(&row.action)
            .bind(row.at)
            .bind(&row.outcome)
            .bind(&row.message)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The (server id, info hash, action) the rule has carried out, with
    /// when it last did (unix ms).
    pub async fn rule_actions_done(
        &self,
        rule_id: &str,
    ) -> DbResult<Vec<(String, String, String, i64)>> {
        const SQL: &str = "SELECT server_id, info_hash, action, MAX(at) FROM rule_actions \
            WHERE rule_id = $1 AND outcome = $2 GROUP BY server_id, info_hash, action";
        Ok(on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(rule_id)
            .bind(OUTCOME_DONE)
            .fetch_all(pool)
            .await)?)
    }

    /// The outcome and message last recorded for one action on one torrent.
    pub async fn last_rule_action(
        &self,
        rule_id: &str,
        server_id: &str,
        info_hash: &str,
        action: &str,
    ) -> DbResult<Option<(String, String)>> {
        const SQL: &str = "SELECT outcome, message FROM rule_actions WHERE rule_id = $1 \
            AND server_id = $2 AND info_hash = $3 AND action = $4 ORDER BY at DESC, id DESC LIMIT 1";
        Ok(on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(rule_id)
            .bind(server_id)
            .bind(info_hash)
            .bind(action)
            .fetch_optional(pool)
            .await)?)
    }

    /// One page of the rule's record, newest first, and how many in all.
    pub async fn rule_history(
        &self,
        rule_id: &str,
        limit: i64,
        offset: i64,
    ) -> DbResult<(Vec<RuleActionRow>, i64)> {
        const PAGE: &str = "SELECT id, rule_id, server_id, info_hash, action, at, outcome, message \
            FROM rule_actions WHERE rule_id = $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3";
        const COUNT: &str = "SELECT COUNT(*) FROM rule_actions WHERE rule_id = $1";
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, RuleActionRow>(PAGE)
            .bind(rule_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)?;
        let (total,): (i64,) = on_pool!(self, |pool| sqlx::query_as(COUNT)
            .bind(rule_id)
            .fetch_one(pool)
            .await)?;
        Ok((rows, total))
    }
}
