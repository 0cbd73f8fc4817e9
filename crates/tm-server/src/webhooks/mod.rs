//! Webhook delivery through a durable outbox: each event becomes one row
//! per subscribed webhook (`enqueue`), and a worker on every instance
//! claims due rows and makes one attempt per row (`outbox`), so a delivery
//! survives the instance that produced it, and a slow or hanging receiver
//! delays nothing but its own deliveries.

mod outbox;
mod send;

use std::sync::Arc;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use send::{Delivery, Target, attempt};

use crate::core::{Core, now_millis};
use crate::db::OutboxRow;
use crate::events::Event;

/// Runs until shutdown: queues this instance's events and delivers what is
/// due, whichever instance queued it.
pub async fn run_dispatcher(core: Core, shutdown: CancellationToken) {
    let queued = Arc::new(Notify::new());
    let worker = tokio::spawn(outbox::run_worker(
        core.clone(),
        Arc::clone(&queued),
        shutdown.clone(),
    ));
    if let Some(mut events) = core.events().take_receiver() {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                event = events.recv() => match event {
                    Some(event) => {
                        if enqueue(&core, &event).await {
                            queued.notify_one();
                        }
                    }
                    None => break,
                },
            }
        }
    }
    let _ = worker.await;
}

/// Queues `event` for each webhook subscribed to it; true when any was.
async fn enqueue(core: &Core, event: &Event) -> bool {
    let hooks = match core.hooks_hearing(event).await {
        Ok(hooks) => hooks,
        Err(error) => {
            tracing::warn!(%error, event = event.kind.name(), "could not load the webhooks");
            return false;
        }
    };
    if hooks.is_empty() {
        return false;
    }
    // Payloads are JSON: UTF-8.
    let body = String::from_utf8_lossy(&event.payload()).into_owned();
    let now = now_millis();
    let rows: Vec<OutboxRow> = hooks
        .into_iter()
        .map(|webhook_id| OutboxRow {
            id: uuid::Uuid::now_v7().to_string(),
            webhook_id,
            event: event.kind.name().to_string(),
            event_id: event.id.clone(),
            body: body.clone(),
            attempts: 0,
            next_attempt_at: now,
        })
        .collect();
    match core.store().enqueue_deliveries(&rows).await {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, event = event.kind.name(), "could not queue webhook deliveries");
            false
        }
    }
}
