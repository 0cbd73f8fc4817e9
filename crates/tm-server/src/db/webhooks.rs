//! Webhooks and the log of their deliveries.

use super::{DbResult, Store, on_pool};

/// One row of `webhooks`; `events` is JSON, `secret` sealed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: String,
    pub user_id: String,
    pub url: String,
    pub events: String,
    pub enabled: bool,
    pub secret: String,
    pub created_at: i64,
}

/// One row of `webhook_deliveries`: one attempt.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub event_id: String,
    pub at: i64,
    pub attempt: i64,
    pub ok: bool,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// Attempts kept per webhook; older ones are trimmed as new ones come.
pub const DELIVERIES_KEPT: i64 = 200;

macro_rules! columns {
    () => {
        "id, user_id, url, events, enabled, secret, created_at"
    };
}

macro_rules! delivery_columns {
    () => {
        "id, webhook_id, event, event_id, at, attempt, ok, status_code, error, duration_ms"
    };
}

impl Store {
    pub async fn insert_webhook(&self, row: &WebhookRow) -> DbResult<()> {
        const SQL: &str = concat!(
            "INSERT INTO webhooks (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.user_id)
            .bind(&row.url)
            .bind(&row.events)
            .bind(row.enabled)
            .bind(&row.secret)
            .bind(row.created_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn webhook_of(&self, id: &str, user_id: &str) -> DbResult<Option<WebhookRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM webhooks WHERE id = $1 AND user_id = $2"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, WebhookRow>(SQL)
            .bind(id)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?)
    }

    /// The webhook, whoever's it is (for deliveries queued earlier).
    pub async fn webhook(&self, id: &str) -> DbResult<Option<WebhookRow>> {
        const SQL: &str = concat!("SELECT ", columns!(), " FROM webhooks WHERE id = $1");
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, WebhookRow>(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn webhooks_of(&self, user_id: &str) -> DbResult<Vec<WebhookRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM webhooks WHERE user_id = $1 ORDER BY created_at, id"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, WebhookRow>(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    pub async fn count_webhooks(&self, user_id: &str) -> DbResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM webhooks WHERE user_id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_scalar(SQL)
            .bind(user_id)
            .fetch_one(pool)
            .await)?)
    }

    /// The users with at least one enabled webhook.
    pub async fn webhook_users(&self) -> DbResult<Vec<String>> {
        const SQL: &str = "SELECT DISTINCT user_id FROM webhooks WHERE enabled";
        Ok(on_pool!(self, |pool| sqlx::query_scalar(SQL)
            .fetch_all(pool)
            .await)?)
    }

    /// False when the webhook is not the user's.
    pub async fn delete_webhook(&self, id: &str, user_id: &str) -> DbResult<bool> {
        const SQL: &str = "DELETE FROM webhooks WHERE id = $1 AND user_id = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Records one attempt and trims the webhook's log to the newest
    /// [`DELIVERIES_KEPT`].
    pub async fn insert_delivery(&self, row: &DeliveryRow) -> DbResult<()> {
        const INSERT: &str = concat!(
            "INSERT INTO webhook_deliveries (",
            delivery_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        const TRIM: &str = "DELETE FROM webhook_deliveries WHERE webhook_id = $1 AND id NOT IN \
            (SELECT id FROM webhook_deliveries WHERE webhook_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2)";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(INSERT)
                .bind(&row.id)
                .bind(&row.webhook_id)
                .bind(&row.event)
                .bind(&row.event_id)
                .bind(row.at)
                .bind(row.attempt)
                .bind(row.ok)
                .bind(row.status_code)
                .bind(&row.error)
                .bind(row.duration_ms)
                .execute(&mut *tx)
                .await?;
            sqlx::query(TRIM)
                .bind(&row.webhook_id)
                .bind(DELIVERIES_KEPT)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Up to `limit` attempts of the webhook, newest first, older than the
    /// attempt `before` when given.
    pub async fn deliveries(
        &self,
        webhook_id: &str,
        before: Option<&str>,
        limit: i64,
    ) -> DbResult<Vec<DeliveryRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            delivery_columns!(),
            " FROM webhook_deliveries d WHERE webhook_id = $1 AND ($2 IS NULL OR EXISTS \
             (SELECT 1 FROM webhook_deliveries b WHERE b.id = $2 AND b.webhook_id = $1 \
              AND (d.at < b.at OR (d.at = b.at AND d.id < b.id)))) \
             ORDER BY at DESC, id DESC LIMIT $3"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, DeliveryRow>(
            SQL
        )
        .bind(webhook_id)
        .bind(before)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }
}
