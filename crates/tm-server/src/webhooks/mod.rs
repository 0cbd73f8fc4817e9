//! Webhook delivery: a dispatcher drains the lifecycle-event queue and
//! starts one delivery task per subscribed webhook, so a slow or hanging
//! receiver delays nothing but its own deliveries.

mod send;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

pub use send::{Target, deliver};

use crate::core::Core;
use crate::events::Event;
use send::MAX_ATTEMPTS;

/// Runs until shutdown.
pub async fn run_dispatcher(core: Core, shutdown: CancellationToken) {
    let Some(mut events) = core.events().take_receiver() else {
        return;
    };
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            event = events.recv() => match event {
                Some(event) => dispatch(&core, event).await,
                None => return,
            },
        }
    }
}

/// Starts delivering `event` to each webhook subscribed to it.
async fn dispatch(core: &Core, event: Event) {
    let targets = match core.targets_of(&event).await {
        Ok(targets) => targets,
        Err(error) => {
            tracing::warn!(%error, event = event.kind.name(), "could not load the webhooks");
            return;
        }
    };
    if targets.is_empty() {
        return;
    }
    let body: Arc<[u8]> = event.payload().into();
    let event = Arc::new(event);
    for target in targets {
        let (core, event, body) = (core.clone(), Arc::clone(&event), Arc::clone(&body));
        tokio::spawn(async move {
            deliver(&core, &target, &event, &body, MAX_ATTEMPTS).await;
        });
    }
}
