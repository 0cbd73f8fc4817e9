//! Attempt records for throttling. An attempt is written before the work it
//! guards and counted after, so concurrent attempts always see each other.

use super::{DbResult, Store, on_pool};

impl Store {
    /// Records one attempt against each `(scope, subject)`, all under `attempt_id`.
    pub async fn reserve_attempt(
        &self,
        attempt_id: &str,
        subjects: &[(&str, &str)],
        now: i64,
    ) -> DbResult<()> {
        const SQL: &str = "INSERT INTO login_failures (scope, subject, failed_at, attempt_id) \
             VALUES ($1, $2, $3, $4)";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (scope, subject) in subjects {
                sqlx::query(SQL)
                    .bind(*scope)
                    .bind(*subject)
                    .bind(now)
                    .bind(attempt_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Forgets an attempt (it succeeded, or was refused before any work).
    pub async fn release_attempt(&self, attempt_id: &str) -> DbResult<()> {
        const SQL: &str = "DELETE FROM login_failures WHERE attempt_id = $1";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(attempt_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// How many attempts `subject` has since `since`, and the oldest of them.
    pub async fn login_failures_since(
        &self,
        scope: &str,
        subject: &str,
        since: i64,
    ) -> DbResult<(i64, Option<i64>)> {
        const SQL: &str = "SELECT COUNT(*), MIN(failed_at) FROM login_failures \
             WHERE scope = $1 AND subject = $2 AND failed_at > $3";
        Ok(on_pool!(self, |pool| sqlx::query_as::<
            _,
            (i64, Option<i64>),
        >(SQL)
        .bind(scope)
        .bind(subject)
        .bind(since)
        .fetch_one(pool)
        .await)?)
    }

    pub async fn clear_login_failures(&self, scope: &str, subject: &str) -> DbResult<()> {
        const SQL: &str = "DELETE FROM login_failures WHERE scope = $1 AND subject = $2";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(scope)
            .bind(subject)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn purge_login_failures(&self, before: i64) -> DbResult<u64> {
        const SQL: &str = "DELETE FROM login_failures WHERE failed_at <= $1";
        Ok(on_pool!(self, |pool| sqlx::query(SQL)
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?)
    }
}
