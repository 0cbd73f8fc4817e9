//! The webhook outbox: deliveries still to make, claimed by whichever
//! instance is free to make them (see `webhooks::outbox`).
//!
//! Due and claim times are the claiming instance's clock; a claim lasts far
//! longer than clocks sharing a database disagree. Liveness of a claimer is
//! its heartbeat in `instances`, on the database's clock (`db::leases`).

use super::leases::db_now_ms;
use super::{DbResult, Store, on_pool};

/// One delivery still to make.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub webhook_id: String,
    /// The event's name (`torrent.added`).
    pub event: String,
    pub event_id: String,
    /// The JSON payload, sent as is on every attempt.
    pub body: String,
    /// Attempts made so far.
    pub attempts: i64,
    pub next_attempt_at: i64,
}

/// Who claims, when, for how long, and how many rows at most.
pub struct Claim<'a> {
    pub instance: &'a str,
    pub now: i64,
    pub claim_ms: i64,
    /// An instance that has not beaten within this is dead (PostgreSQL).
    pub live_within_ms: i64,
    pub limit: i64,
}

macro_rules! columns {
    () => {
        "id, webhook_id, event, event_id, body, attempts, next_attempt_at"
    };
}

/// The rows a claim may take: due, and unclaimed or claimed by an instance
/// that is gone (its claim expired, or it stopped beating). On SQLite the
/// one process owns everything: a claim of another instance id is a
/// previous run's.
macro_rules! claimable {
    (postgres) => {
        concat!(
            "SELECT id FROM webhook_outbox o WHERE next_attempt_at <= $2 AND \
             (claimed_by IS NULL OR claim_expires_at <= $2 OR NOT EXISTS \
             (SELECT 1 FROM instances i WHERE i.id = o.claimed_by AND i.heartbeat_at > ",
            db_now_ms!(),
            " - $4)) ORDER BY next_attempt_at LIMIT $5 FOR UPDATE SKIP LOCKED"
        )
    };
    (sqlite) => {
        "SELECT id FROM webhook_outbox WHERE next_attempt_at <= $2 AND \
         (claimed_by IS NULL OR claim_expires_at <= $2 OR claimed_by <> $1) \
         ORDER BY next_attempt_at LIMIT $4"
    };
}

macro_rules! claim_sql {
    ($engine:tt) => {
        concat!(
            "UPDATE webhook_outbox SET claimed_by = $1, claim_expires_at = $2 + $3 \
             WHERE id IN (",
            claimable!($engine),
            ") RETURNING ",
            columns!()
        )
    };
}

impl Store {
    /// Queues `rows` (one event's deliveries) in one transaction.
    pub async fn enqueue_deliveries(&self, rows: &[OutboxRow]) -> DbResult<()> {
        const SQL: &str = concat!(
            "INSERT INTO webhook_outbox (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for row in rows {
                sqlx::query(SQL)
                    .bind(&row.id)
                    .bind(&row.webhook_id)
                    .bind(&row.event)
                    .bind(&row.event_id)
                    .bind(&row.body)
                    .bind(row.attempts)
                    .bind(row.next_attempt_at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Claims up to `claim.limit` due rows for `claim.instance`, in one
    /// statement: two instances never claim the same row (PostgreSQL skips
    /// rows another claim has locked; SQLite has one writer).
    pub async fn claim_deliveries(&self, claim: &Claim<'_>) -> DbResult<Vec<OutboxRow>> {
        Ok(match self {
            Store::Postgres(pool) => {
                sqlx::query_as(claim_sql!(postgres))
                    .bind(claim.instance)
                    .bind(claim.now)
                    .bind(claim.claim_ms)
                    .bind(claim.live_within_ms)
                    .bind(claim.limit)
                    .fetch_all(pool)
                    .await?
            }
            Store::Sqlite(pool) => {
                sqlx::query_as(claim_sql!(sqlite))
                    .bind(claim.instance)
                    .bind(claim.now)
                    .bind(claim.claim_ms)
                    .bind(claim.limit)
                    .fetch_all(pool)
                    .await?
            }
        })
    }

    /// Puts a claimed row back for its next attempt, if `instance` still
    /// holds it.
    pub async fn reschedule_delivery(
        &self,
        id: &str,
        instance: &str,
        attempts: i64,
        next_attempt_at: i64,
    ) -> DbResult<()> {
        const SQL: &str = "UPDATE webhook_outbox SET attempts = $1, next_attempt_at = $2, \
             claimed_by = NULL, claim_expires_at = NULL WHERE id = $3 AND claimed_by = $4";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(attempts)
            .bind(next_attempt_at)
            .bind(id)
            .bind(instance)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Forgets a delivery: made, or given up.
    pub async fn delete_delivery(&self, id: &str) -> DbResult<()> {
        const SQL: &str = "DELETE FROM webhook_outbox WHERE id = $1";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Frees `instance`'s claims (it stops): others take them at once.
    pub async fn release_deliveries(&self, instance: &str) -> DbResult<()> {
        const SQL: &str = "UPDATE webhook_outbox SET claimed_by = NULL, claim_expires_at = NULL \
             WHERE claimed_by = $1";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(instance)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
