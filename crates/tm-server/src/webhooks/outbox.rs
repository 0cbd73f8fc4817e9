//! The outbox worker, one per instance: claims due deliveries (queued by
//! any instance), makes one attempt of each in its own task, then deletes
//! the row (delivered, or given up) or puts it back for its next attempt.
//! A claim of an instance that died is taken over by a survivor, so a
//! delivery is made at least once; receivers dedupe by the event id.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::send::{Delivery, Target, attempt, backoff_after};
use crate::core::{Core, now_millis};
use crate::db::{Claim, OutboxRow};

/// The longest a due delivery waits for the worker when nothing woke it (a
/// row queued by another instance, a retry coming due).
const POLL: Duration = Duration::from_secs(1);
/// Rows claimed at once.
const BATCH: i64 = 64;
/// How long a claim holds: well beyond one attempt (`send::TIMEOUT`) and a
/// wait for a sending slot. An instance that dies is noticed sooner, by its
/// heartbeat (PostgreSQL).
const CLAIM: Duration = Duration::from_secs(120);

/// Runs until shutdown; `queued` wakes it when this instance queued rows.
pub async fn run_worker(core: Core, queued: Arc<Notify>, shutdown: CancellationToken) {
    let instance = core.fleet().ownership().instance_id().to_string();
    let shared = core.fleet().ownership().is_shared();
    let mut subscribers = tokio::time::interval(core.config().instance_heartbeat);
    subscribers.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sending = JoinSet::new();
    loop {
        while sending.try_join_next().is_some() {}
        for row in claim_due(&core, &instance).await {
            sending.spawn(deliver(core.clone(), instance.clone(), row));
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = queued.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            // A hook made through another instance: the owners of its
            // user's servers derive their events within a beat, not at the
            // next periodic reload.
            _ = subscribers.tick(), if shared => {
                if let Err(error) = core.refresh_webhook_users().await {
                    tracing::warn!(%error, "could not reload the webhook owners");
                }
            }
        }
    }
    // Attempts cut short here are made again, by another instance or the
    // next start.
    sending.shutdown().await;
    if let Err(error) = core.store().release_deliveries(&instance).await {
        tracing::warn!(%error, "could not free this instance's webhook deliveries");
    }
}

async fn claim_due(core: &Core, instance: &str) -> Vec<OutboxRow> {
    let claim = Claim {
        instance,
        now: now_millis(),
        claim_ms: millis(CLAIM),
        live_within_ms: millis(core.config().instance_lease),
        limit: BATCH,
    };
    core.store()
        .claim_deliveries(&claim)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "could not claim webhook deliveries");
            Vec::new()
        })
}

/// One attempt of a claimed row, then the row's fate.
async fn deliver(core: Core, instance: String, row: OutboxRow) {
    let number = u32::try_from(row.attempts).unwrap_or(u32::MAX - 1) + 1;
    let retry = match target_for(&core, &row).await {
        Ok(Some(target)) => {
            let delivery = Delivery {
                event: &row.event,
                event_id: &row.event_id,
                body: row.body.as_bytes(),
                attempt: number,
            };
            let attempted = attempt(&core, &target, &delivery).await;
            attempted.retry && attempted.record.is_some_and(|r| !r.ok)
        }
        // Deleted meanwhile (its rows went with it).
        Ok(None) => return,
        // Counted as a failed attempt: the database may be back for the
        // next one, and an unusable hook is given up after the last.
        Err(error) => {
            tracing::warn!(%error, webhook = %row.webhook_id, "cannot deliver to a webhook");
            true
        }
    };
    let Some(wait) = retry.then(|| backoff_after(number)).flatten() else {
        forget(&core, &row).await;
        return;
    };
    let next = now_millis() + millis(wait);
    if let Err(error) = core
        .store()
        .reschedule_delivery(&row.id, &instance, i64::from(number), next)
        .await
    {
        tracing::warn!(%error, webhook = %row.webhook_id, "could not reschedule a delivery");
    }
}

/// The row's webhook ready to send to; `None` when it was deleted.
async fn target_for(core: &Core, row: &OutboxRow) -> crate::core::Result<Option<Target>> {
    let Some(hook) = core.store().webhook(&row.webhook_id).await? else {
        return Ok(None);
    };
    core.target_of(&hook).await.map(Some)
}

/// Deletes a row: delivered or given up. When the database is away the
/// row stays, and is claimed again once this claim expires.
async fn forget(core: &Core, row: &OutboxRow) {
    if let Err(error) = core.store().delete_delivery(&row.id).await {
        tracing::warn!(%error, webhook = %row.webhook_id, "could not delete a delivery");
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
