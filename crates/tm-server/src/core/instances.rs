//! This instance's part when several share one PostgreSQL database: beats
//! and leases (`ownership`), and the notifications that wake mirrors.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Core;
use crate::fleet::{Wake, engine_relay};

/// How often long-silent instances are forgotten.
const FORGET_INTERVAL: Duration = Duration::from_secs(300);

impl Core {
    /// One beat: renews the leases, then makes the fleet poll exactly the
    /// servers this instance owns and mirror the others.
    pub async fn beat(&self) {
        let ownership = self.fleet().ownership();
        // Bounded, so that pollers of leases lapsing here stop in time even
        // while the database does not answer.
        let limit = self.config().instance_lease / 2;
        let renewed = tokio::time::timeout(limit, ownership.renew()).await;
        let servers_changed = match renewed {
            Ok(Ok(changed)) => changed,
            // The leases held lapse here before they can in the database.
            Ok(Err(error)) => {
                tracing::warn!(%error, "could not renew this instance's server leases");
                false
            }
            Err(_) => {
                tracing::warn!("the database did not renew this instance's server leases in time");
                false
            }
        };
        // A server added or removed through another instance (or a lease
        // of one this instance has not loaded yet): reload the list now
        // rather than at the next periodic reload.
        let unknown = ownership
            .owned()
            .iter()
            .any(|id| self.fleet().get(id).is_none());
        if (servers_changed || unknown)
            && let Err(error) = self.sync_fleet().await
        {
            tracing::warn!(%error, "could not reload the server list");
        }
        self.fleet().reassign();
    }
}

impl Core {
    /// Acts on a notification from another instance. `All` (notifications
    /// may have been lost) also forgets the checked keys and reloads the
    /// stored .torrent index and the servers.
    fn wake(&self, wake: Wake<'_>) {
        if matches!(wake, Wake::All | Wake::Credentials) {
            self.forget_checked_keys_here();
        }
        if matches!(wake, Wake::All) {
            let core = self.clone();
            tokio::spawn(async move { core.reload_metainfo_index().await });
        }
        if let Wake::EngineCall { engine_id, call_id } = wake {
            self.serve_engine_call(engine_id, call_id);
        }
        if matches!(wake, Wake::All | Wake::Servers) {
            let core = self.clone();
            tokio::spawn(async move {
                if let Err(error) = core.sync_fleet().await {
                    tracing::warn!(%error, "could not reload the server list");
                }
            });
        }
        self.fleet().wake(wake);
    }

    /// Re-reads which .torrent files are stored (announcements may have
    /// been lost) and shows it on the mirrors.
    async fn reload_metainfo_index(&self) {
        match self.load_metainfo_index().await {
            Ok(()) => self.fleet().reflag_mirrors(|_| true),
            Err(error) => tracing::warn!(%error, "could not reload the stored .torrent index"),
        }
    }

    /// Makes a call another instance relayed to this instance's engine.
    fn serve_engine_call(&self, engine_id: &str, call_id: &str) {
        if self
            .local_engine()
            .is_none_or(|local| local.id != engine_id)
        {
            return;
        }
        let (core, engine_id, call_id) = (self.clone(), engine_id.to_owned(), call_id.to_owned());
        tokio::spawn(async move { engine_relay::serve(core.fleet(), &engine_id, &call_id).await });
    }

    /// Makes the relayed calls whose notification was lost, each in a
    /// task of its own: a call may take the client timeout, and the beats
    /// must not wait on it.
    async fn serve_waiting_engine_calls(&self) {
        if let Some(local) = self.local_engine() {
            for call_id in engine_relay::waiting(self.fleet(), &local.id).await {
                self.serve_engine_call(&local.id, &call_id);
            }
        }
    }

    /// Wakes the mirrors a lost notification left behind.
    async fn wake_mirrors_behind(&self) {
        let Some(feed) = self.fleet().feed() else {
            return;
        };
        match feed.latest().await {
            Ok(latest) => self.fleet().wake_behind(&latest),
            Err(error) => tracing::warn!(%error, "could not check the servers' feeds"),
        }
    }
}

/// Beats until `shutdown`, then frees this instance's leases. Returns at
/// once on SQLite (one process owns everything).
pub async fn run_instance(core: Core, shutdown: CancellationToken) {
    if !core.fleet().ownership().is_shared() {
        return;
    }
    if let Some(feed) = core.fleet().feed().cloned() {
        let waker = core.clone();
        tokio::spawn(feed.listen(move |wake| waker.wake(wake), shutdown.clone()));
    }
    let mut beat = tokio::time::interval(core.config().instance_heartbeat);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut forget = tokio::time::interval(FORGET_INTERVAL);
    let mut check = tokio::time::interval(crate::fleet::FEED_CHECK_INTERVAL);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = beat.tick() => core.beat().await,
            _ = core.fleet().ownership().beat_requested() => core.beat().await,
            _ = check.tick() => {
                core.wake_mirrors_behind().await;
                core.serve_waiting_engine_calls().await;
            }
            _ = forget.tick() => {
                if let Err(error) = core.fleet().ownership().forget_silent().await {
                    tracing::warn!(%error, "could not forget silent instances");
                }
            }
        }
    }
    if let Err(error) = core.fleet().ownership().leave().await {
        tracing::warn!(%error, "could not free this instance's server leases");
    }
}
