//! The background poller: looks every `rss_poll_interval` for enabled feeds
//! whose own interval elapsed (their next fetch time is stored, so several
//! instances sharing a database fetch each feed once) and for matched items
//! due an add.

use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use super::MINUTE_MS;
use crate::core::{Core, now_millis};

/// Runs until shutdown; a pass in progress is abandoned then.
pub async fn run_rss_poller(core: Core, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(core.config().rss_poll_interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = poll_once(&core) => {}
        }
    }
}

async fn poll_once(core: &Core) {
    let now = now_millis();
    let due = match core.store().due_rss_feeds(now).await {
        Ok(due) => due,
        Err(error) => {
            tracing::warn!(%error, "could not load the RSS feeds due");
            return;
        }
    };
    for feed in due {
        let next = now + feed.interval_minutes * MINUTE_MS;
        match core.store().claim_rss_feed(&feed.id, now, next).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::warn!(%error, feed = %feed.id, "could not claim an RSS feed");
                continue;
            }
        }
        // The error is the feed's last_error, shown to its owner.
        if let Err(error) = core.refresh_feed(&feed).await {
            tracing::debug!(%error, feed = %feed.id, "RSS feed refresh failed");
        }
    }
    if let Err(error) = core.add_due_items(None).await {
        tracing::warn!(%error, "could not add the RSS items due");
    }
}
