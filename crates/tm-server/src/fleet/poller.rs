use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tm_backends::{BackendError, ClientInfo, ErrorKind, Torrent, TorrentChanges, TorrentClient};
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

mod sharing;

use super::feed::Feed;
use super::{FleetEvent, MetainfoIndex, ServerSpec, Snapshot, delta};
use crate::core::now_millis;
use crate::events::{EventBus, server_transition, torrent_events};

/// Poll interval while torrents move data or someone is watching.
const BUSY_INTERVAL: Duration = Duration::from_secs(2);
/// Poll interval when nothing happens.
const IDLE_INTERVAL: Duration = Duration::from_secs(10);
/// Longest wait between attempts on a failing server.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Consecutive failures after which requests fail fast until the next attempt.
const BREAKER_THRESHOLD: u32 = 3;
/// How long a "someone is watching" mark keeps polling fast.
const WATCH_WINDOW_MS: i64 = 30_000;
/// Default time between full lists. Incremental lists miss changes the
/// client does not count as activity (Transmission: label edits) and
/// removals it has forgotten; a full list catches up on both.
pub const DEFAULT_RESYNC_INTERVAL: Duration = Duration::from_secs(45);
/// Free space is asked at most this often.
const FREE_SPACE_INTERVAL: Duration = Duration::from_secs(60);
/// ... or this often while it is unknown (qBittorrent measures it moments
/// after a start; a failed answer may be passing).
const UNKNOWN_FREE_SPACE_INTERVAL: Duration = Duration::from_secs(5);
/// Torrents a write re-reads (one by one on rTorrent); beyond this one full
/// list is cheaper.
const MAX_REREAD: usize = 64;
/// Most torrents followed per server: bounds what one server entry (and so
/// one user) can make this process hold.
pub const MAX_TORRENTS_PER_SERVER: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollerState {
    /// Not polled successfully yet.
    Connecting,
    Connected,
    Failing,
}

/// How a server's polling is going (shared with the other instances as is,
/// but for the last poll's duration, which is each instance's own).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Health {
    pub state: PollerState,
    pub consecutive_failures: u32,
    pub last_error: Option<String>,
    /// Unix ms of the last successful poll.
    pub last_success_at: Option<i64>,
    /// Unix ms of the next attempt while failing.
    pub retry_at: Option<i64>,
    /// What the last probe found: version and capabilities. Probed again
    /// once a failing server is back (it may have been upgraded).
    pub client: Option<ClientInfo>,
    /// Bytes free in the client's default download directory, when known.
    pub free_space: Option<u64>,
    /// How long the last poll took, failed or not; `None` before the first.
    #[serde(skip)]
    pub last_poll_duration: Option<Duration>,
}

/// Whether this instance polls the server or follows its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Polls the client (and, with a shared database, writes the feed).
    Owner,
    /// Another instance polls; the snapshot follows the feed it writes.
    Mirror,
}

/// What every poller of an instance shares.
#[derive(Clone)]
pub struct PollerContext {
    /// Time between two full lists of a server.
    pub resync_interval: Duration,
    pub events: broadcast::Sender<Arc<FleetEvent>>,
    /// Where owners send lifecycle events (webhooks).
    pub lifecycle: Arc<EventBus>,
    pub metainfo: Arc<MetainfoIndex>,
    /// The feed shared with other instances (PostgreSQL), if any.
    pub feed: Option<Arc<Feed>>,
}

/// What a poller taking over from another one of this instance starts with.
pub struct Carried {
    pub snapshot: Snapshot,
    pub health: Health,
}

/// Polls one server (or follows its owner) and holds its snapshot.
pub struct Poller {
    spec: ServerSpec,
    role: Role,
    feed: Option<Arc<Feed>>,
    /// Where this poller is in the feed (see `sharing`).
    cursor: Mutex<sharing::Cursor>,
    client: Arc<dyn TorrentClient>,
    snapshot: RwLock<Snapshot>,
    health: Mutex<Health>,
    /// Serialises polls: incremental listing is stateful per client object.
    poll_lock: tokio::sync::Mutex<()>,
    wake: Notify,
    watched_until: AtomicI64,
    resync_interval: Duration,
    /// When the last full list was applied; `None` before the first.
    last_full_list: Mutex<Option<Instant>>,
    /// When free space was last asked; `None` before the first time.
    free_space_asked: Mutex<Option<Instant>>,
    cancel: CancellationToken,
    events: broadcast::Sender<Arc<FleetEvent>>,
    lifecycle: Arc<EventBus>,
    /// Set once a full list was applied: torrents of the first list are
    /// what the server already had, not added ones.
    listed: AtomicBool,
    metainfo: Arc<MetainfoIndex>,
}

impl Poller {
    /// Builds the adapter (a mirror makes no request with it until a write)
    /// and starts the polling task.
    pub fn start(
        spec: ServerSpec,
        role: Role,
        context: &PollerContext,
        cancel: CancellationToken,
        carried: Option<Carried>,
    ) -> Result<Arc<Self>, BackendError> {
        let client = tm_backends::connect(&spec.backend)?;
        let (snapshot, health) = match carried {
            Some(carried) => (carried.snapshot, carried.health),
            None => (
                Snapshot::default(),
                Health {
                    state: PollerState::Connecting,
                    consecutive_failures: 0,
                    last_error: None,
                    last_success_at: None,
                    retry_at: None,
                    client: None,
                    free_space: None,
                    last_poll_duration: None,
                },
            ),
        };
        let poller = Arc::new(Self {
            spec,
            role,
            feed: context.feed.clone(),
            cursor: Mutex::default(),
            client,
            snapshot: RwLock::new(snapshot),
            health: Mutex::new(health),
            poll_lock: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            watched_until: AtomicI64::new(0),
            resync_interval: context.resync_interval,
            last_full_list: Mutex::new(None),
            free_space_asked: Mutex::new(None),
            cancel,
            events: context.events.clone(),
            lifecycle: Arc::clone(&context.lifecycle),
            listed: AtomicBool::new(false),
            metainfo: Arc::clone(&context.metainfo),
        });
        tokio::spawn(Arc::clone(&poller).run());
        Ok(poller)
    }

    pub fn stop(&self) {
        self.cancel.cancel();
    }

    pub fn spec(&self) -> &ServerSpec {
        &self.spec
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Polls (owner) or reads the feed (mirror) soon.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn client(&self) -> &dyn TorrentClient {
        self.client.as_ref()
    }

    pub fn snapshot(&self) -> Snapshot {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn health(&self) -> Health {
        self.health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Someone is looking at this server's torrents: poll fast for a while.
    pub fn watch(&self) {
        let until = now_millis() + WATCH_WINDOW_MS;
        if self.watched_until.swap(until, Ordering::Relaxed) < now_millis() {
            self.wake.notify_one();
        }
    }

    /// Fails fast while the circuit breaker is open, with the reason.
    pub fn check_available(&self) -> Result<(), String> {
        let health = self.health();
        let now = now_millis();
        match health.retry_at {
            Some(retry_at)
                if health.consecutive_failures >= BREAKER_THRESHOLD && retry_at > now =>
            {
                Err(format!(
                    "server '{}' is unavailable after {} failed attempts ({}); next attempt in {} s",
                    self.spec.name,
                    health.consecutive_failures,
                    health.last_error.as_deref().unwrap_or("unknown error"),
                    (retry_at - now + 999) / 1000
                ))
            }
            _ => Ok(()),
        }
    }

    /// Polls now and updates the snapshot: a full list when one is due,
    /// else the client's changes since the last poll.
    /// A mirror reads its owner's feed instead.
    pub async fn refresh(&self) -> Result<(), BackendError> {
        let _polling = self.poll_lock.lock().await;
        if self.role == Role::Mirror {
            self.follow().await;
            return Ok(());
        }
        let started = Instant::now();
        let outcome = self.poll().await;
        self.health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .last_poll_duration = Some(started.elapsed());
        self.share(None).await;
        outcome
    }

    /// One poll (see `refresh`). Callers hold `poll_lock`.
    async fn poll(&self) -> Result<(), BackendError> {
        self.ensure_probed().await?;
        if self.full_list_due() {
            self.full_list().await?;
            self.update_free_space().await;
            return Ok(());
        }
        let changes = self.client.list_changes().await;
        let changes = self.record(changes.and_then(|c| self.within_cap(c)))?;
        self.publish(changes).await?;
        self.update_free_space().await;
        Ok(())
    }

    /// Asks the client's free space when the last answer is old enough. A
    /// failure only makes it unknown: the torrents were listed fine.
    async fn update_free_space(&self) {
        {
            let known = self
                .health
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .free_space;
            let interval = match known {
                Some(_) => FREE_SPACE_INTERVAL,
                None => UNKNOWN_FREE_SPACE_INTERVAL,
            };
            let mut asked = self
                .free_space_asked
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if asked.is_some_and(|at| at.elapsed() < interval) {
                return;
            }
            *asked = Some(Instant::now());
        }
        let free_space = self.client.free_space().await.ok().flatten();
        self.health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .free_space = free_space;
    }

    /// Re-reads `hashes` from the client after a write and patches the
    /// snapshot with what the client now holds (torrents it no longer has
    /// leave it), so the write's answer and the list show the client's state
    /// even when it does not report the change as activity. Returns the
    /// torrents found, in the order asked.
    pub async fn reread(&self, hashes: &[String]) -> Result<Vec<Torrent>, BackendError> {
        let _polling = self.poll_lock.lock().await;
        self.ensure_probed().await?;
        if hashes.len() > MAX_REREAD {
            self.full_list().await?;
            let snapshot = self.snapshot();
            return Ok(hashes
                .iter()
                .filter_map(|h| snapshot.torrent(h).cloned())
                .collect());
        }
        let found = self.record(self.client.get_many(hashes).await)?;
        let removed = hashes
            .iter()
            .filter(|h| !found.iter().any(|t| t.info_hash == **h))
            .cloned()
            .collect();
        let changes = TorrentChanges {
            full: false,
            torrents: found.clone(),
            removed,
        };
        self.publish(changes).await?;
        self.ask_owner_to_reread(hashes).await;
        Ok(found)
    }

    /// Whether the client files torrents in categories of its own (its
    /// capabilities; probed first when not known yet).
    pub async fn has_categories(&self) -> Result<bool, BackendError> {
        let _polling = self.poll_lock.lock().await;
        self.ensure_probed().await?;
        Ok(self
            .health()
            .client
            .is_some_and(|c| c.capabilities.category))
    }

    /// Probes the client's version once it is (again) reachable.
    async fn ensure_probed(&self) -> Result<(), BackendError> {
        if self.health().client.is_none() {
            let info = self.client.probe().await;
            let info = self.record(info)?;
            self.health.lock().unwrap_or_else(|e| e.into_inner()).client = Some(info);
        }
        Ok(())
    }

    fn full_list_due(&self) -> bool {
        self.last_full_list
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_none_or(|at| at.elapsed() >= self.resync_interval)
    }

    /// Replaces the snapshot with the client's complete list. Callers hold
    /// `poll_lock`.
    async fn full_list(&self) -> Result<(), BackendError> {
        let started = Instant::now();
        let torrents = self.client.list().await.map(|torrents| TorrentChanges {
            full: true,
            torrents,
            removed: Vec::new(),
        });
        let changes = self.record(torrents.and_then(|c| self.within_cap(c)))?;
        *self
            .last_full_list
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(started);
        self.publish(changes).await?;
        self.listed.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Applies `changes` to the snapshot and tells live clients what changed.
    /// Callers hold `poll_lock`.
    async fn publish(&self, changes: TorrentChanges) -> Result<(), BackendError> {
        // Built outside the lock (polls are serialised by `poll_lock`), so
        // readers never wait for a snapshot being serialised; and off the
        // async workers, since serialising a large list is CPU work.
        let current = self.snapshot();
        let spec = self.spec.clone();
        let listening = self.events.receiver_count() > 0;
        let stored = Arc::clone(&self.metainfo);
        // Lifecycle events only after the first list, only for a user with
        // webhooks, and only where the server is polled.
        let owner = self.role == Role::Owner;
        let deriving = owner
            && self.listed.load(Ordering::Relaxed)
            && self.lifecycle.wants(&self.spec.user_id);
        let sharing = owner && self.feed.is_some();
        let built = tokio::task::spawn_blocking(move || {
            let next = current.apply(&spec, changes, &stored)?;
            // Deltas are built only while someone listens.
            let delta =
                listening.then(|| delta(&spec.id, next.revision, &current.views, &next.views));
            let events = if deriving {
                torrent_events(&spec, &current.views, &next.views)
            } else {
                Vec::new()
            };
            let shared = sharing.then(|| sharing::changes(&current, &next));
            Some((next, delta, events, shared))
        })
        .await;
        let Ok(Some((next, delta, events, shared))) = built else {
            return Ok(());
        };
        if next.views.len() > MAX_TORRENTS_PER_SERVER {
            return self.record(Err(self.too_many(next.views.len())));
        }
        if let Some(delta) = delta {
            let _ = self.events.send(Arc::new(FleetEvent::Torrents {
                user_id: self.spec.user_id.clone(),
                delta,
            }));
        }
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = next;
        for event in events {
            self.lifecycle.emit(event);
        }
        if shared.is_some() {
            self.share(shared).await;
        }
        Ok(())
    }

    /// Refuses a list larger than one server may hold in memory here.
    fn within_cap(&self, changes: TorrentChanges) -> Result<TorrentChanges, BackendError> {
        if changes.torrents.len() > MAX_TORRENTS_PER_SERVER {
            return Err(self.too_many(changes.torrents.len()));
        }
        Ok(changes)
    }

    fn too_many(&self, count: usize) -> BackendError {
        BackendError::new(
            &self.spec.name,
            ErrorKind::Malformed(format!(
                "the client reports {count} torrents; at most {MAX_TORRENTS_PER_SERVER} are followed per server"
            )),
        )
    }

    /// Updates the health with the outcome of a call to the client.
    fn record<T>(&self, outcome: Result<T, BackendError>) -> Result<T, BackendError> {
        let mut health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        let now = now_millis();
        let before = (health.state, health.last_error.clone());
        match &outcome {
            Ok(_) => {
                health.state = PollerState::Connected;
                health.consecutive_failures = 0;
                health.last_error = None;
                health.last_success_at = Some(now);
                health.retry_at = None;
            }
            Err(error) => {
                if health.state == PollerState::Connected || health.consecutive_failures == 0 {
                    tracing::warn!(
                        server = %crate::logsafe::text(&self.spec.name),
                        error = %crate::logsafe::text(&error.to_string()),
                        "server is failing"
                    );
                }
                health.state = PollerState::Failing;
                health.consecutive_failures += 1;
                health.last_error = Some(error.to_string());
                health.retry_at =
                    Some(now + backoff(health.consecutive_failures).as_millis() as i64);
                // Probed again once the server is back.
                health.client = None;
            }
        }
        if (health.state, health.last_error.clone()) != before {
            let _ = self.events.send(Arc::new(FleetEvent::Health {
                user_id: self.spec.user_id.clone(),
            }));
        }
        let transition = server_transition(
            &self.spec,
            before.0,
            health.state,
            health.last_error.as_deref(),
        );
        drop(health);
        if let Some(event) = transition.filter(|_| self.role == Role::Owner) {
            self.lifecycle.emit(event);
        }
        outcome
    }

    fn next_delay(&self) -> Duration {
        let health = self.health();
        if health.state == PollerState::Failing {
            return backoff(health.consecutive_failures);
        }
        let watched = self.watched_until.load(Ordering::Relaxed) > now_millis();
        let delay = if watched || self.snapshot().is_busy() {
            BUSY_INTERVAL
        } else {
            IDLE_INTERVAL
        };
        delay.min(self.resync_interval)
    }

    async fn run(self: Arc<Self>) {
        loop {
            // Errors are recorded in the health; the loop just waits longer.
            let _ = self.refresh().await;
            let delay = match self.role {
                Role::Owner => self.next_delay(),
                Role::Mirror => sharing::MIRROR_INTERVAL,
            };
            tokio::select! {
                _ = self.cancel.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
                _ = self.wake.notified() => {}
            }
        }
    }
}

/// 2 s, 4 s, 8 s … up to five minutes.
fn backoff(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    (BUSY_INTERVAL * 2u32.pow(exponent)).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(2), Duration::from_secs(4));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), MAX_BACKOFF);
    }
}
