//! Who may make the service contact non-public targets.

use super::{DbResult, Store, on_pool};

/// A user's standing under the egress policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct TargetGrant {
    pub is_admin: bool,
    pub allow_private_targets: bool,
}

impl Store {
    /// Every user's grant, by user id (for the fleet, which polls them all).
    pub async fn target_grants(&self) -> DbResult<Vec<(String, TargetGrant)>> {
        const SQL: &str = "SELECT id, is_admin, allow_private_targets FROM users";
        let rows: Vec<(String, bool, bool)> =
            on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, is_admin, allow_private_targets)| {
                (
                    id,
                    TargetGrant {
                        is_admin,
                        allow_private_targets,
                    },
                )
            })
            .collect())
    }

    pub async fn target_grant(&self, user_id: &str) -> DbResult<Option<TargetGrant>> {
        const SQL: &str = "SELECT is_admin, allow_private_targets FROM users WHERE id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, TargetGrant>(
            SQL
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await)?)
    }

    /// False when the user does not exist.
    pub async fn set_private_targets(&self, user_id: &str, allowed: bool) -> DbResult<bool> {
        const SQL: &str = "UPDATE users SET allow_private_targets = $1 WHERE id = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(allowed)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }
}
