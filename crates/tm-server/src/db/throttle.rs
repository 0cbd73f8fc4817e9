use super::{DbResult, Store, on_pool};

impl Store {
    pub async fn record_login_failure(&self, scope: &str, subject: &str, now: i64) -> DbResult<()> {
        const SQL: &str =
            "INSERT INTO login_failures (scope, subject, failed_at) VALUES ($1, $2, $3)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(scope)
            .bind(subject)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// How many failures `subject` has since `since`, and the oldest of them.
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
