//! Each user's placement rules and round-robin positions, as JSON.

use super::{DbResult, Store, on_pool};

impl Store {
    /// The user's placement rules and round-robin positions (JSON), if set.
    pub async fn placement_of(&self, user_id: &str) -> DbResult<Option<(String, String)>> {
        const SQL: &str = "SELECT rules, round_robin FROM placement_rules WHERE user_id = $1";
        Ok(on_pool!(self, |pool| {
            sqlx::query_as::<_, (String, String)>(SQL)
                .bind(user_id)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Replaces the user's rules; the round-robin positions start over.
    pub async fn set_placement(&self, user_id: &str, rules: &str, now: i64) -> DbResult<()> {
        const SQL: &str = "INSERT INTO placement_rules (user_id, rules, round_robin, updated_at) \
             VALUES ($1, $2, '{}', $3) ON CONFLICT (user_id) DO UPDATE \
             SET rules = excluded.rules, round_robin = '{}', updated_at = excluded.updated_at";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(user_id)
            .bind(rules)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn set_placement_round_robin(&self, user_id: &str, positions: &str) -> DbResult<()> {
        const SQL: &str = "UPDATE placement_rules SET round_robin = $1 WHERE user_id = $2";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(positions)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
