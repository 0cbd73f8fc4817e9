//! The live view of every enabled server: one polling task per server, each
//! keeping a normalised snapshot of its torrents.
//!
//! Reads (`GET /torrents`) are served from the snapshots and never wait on a
//! client. Mutations go to the client and then re-read what they changed
//! before answering, so callers read their own writes. A failing server backs
//! off on its own and never slows the others.
//!
//! With instances sharing a PostgreSQL database, only the instance owning a
//! server (`core::ownership`) polls it; the others keep a mirror of it fed
//! from the database (`feed`), with the same snapshot and live deltas.

pub mod engine_relay;
mod feed;
mod metainfo_index;
mod metrics;
mod poller;
mod snapshot;
mod stream_json;
mod view;
mod view_json;
mod views;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tm_api_types::ServerType;
use tm_backends::BackendConfig;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::core::Ownership;
use poller::{Carried, PollerContext};

pub use feed::{FEED_CHECK_INTERVAL, Feed, Wake};
pub use metainfo_index::MetainfoIndex;
pub use poller::{DEFAULT_RESYNC_INTERVAL, Poller, PollerState, Role};
pub use snapshot::Snapshot;
pub use stream_json::stream_array;
pub use view::{TorrentView, json_array, state_of};
pub use views::Views;

use view::delta;

/// What a poller is built from; a change of any field restarts it.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub server_type: ServerType,
    pub backend: BackendConfig,
    /// Identifies the configuration (the row's `updated_at`).
    pub version: i64,
}

/// Something live clients of a user should hear about.
#[derive(Debug)]
pub enum FleetEvent {
    /// A server's torrents changed; `delta` is the JSON `GET /events` sends.
    Torrents { user_id: String, delta: String },
    /// A server's health changed (connected, failing, why).
    Health { user_id: String },
    /// A job of the user changed; `job` is its JSON (`GET /jobs/{id}`).
    Job { user_id: String, job: String },
}

impl FleetEvent {
    pub fn user_id(&self) -> &str {
        match self {
            FleetEvent::Torrents { user_id, .. }
            | FleetEvent::Health { user_id }
            | FleetEvent::Job { user_id, .. } => user_id,
        }
    }
}

/// Events buffered per subscriber before it counts as lagging (and gets a
/// reset). Small, because the slowest subscriber keeps this many events of
/// every user alive.
const EVENT_BUFFER: usize = 128;

/// All pollers of this instance, by server id.
pub struct Fleet {
    pollers: RwLock<HashMap<String, Arc<Poller>>>,
    context: PollerContext,
    events: broadcast::Sender<Arc<FleetEvent>>,
    shutdown: CancellationToken,
    /// Which servers this instance polls (the others are mirrored).
    ownership: Arc<Ownership>,
}

impl Fleet {
    /// `feed`: where owners and mirrors share servers' torrents (with a
    /// shared database).
    pub fn new(
        shutdown: CancellationToken,
        resync_interval: std::time::Duration,
        lifecycle: Arc<crate::events::EventBus>,
        ownership: Arc<Ownership>,
        feed: Option<Arc<Feed>>,
    ) -> Self {
        let events = broadcast::channel(EVENT_BUFFER).0;
        Self {
            pollers: RwLock::new(HashMap::new()),
            context: PollerContext {
                resync_interval,
                events: events.clone(),
                lifecycle,
                metainfo: Arc::default(),
                feed,
            },
            events,
            shutdown,
            ownership,
        }
    }

    /// The hashes whose metainfo is stored.
    pub fn metainfo(&self) -> &MetainfoIndex {
        &self.context.metainfo
    }

    pub fn ownership(&self) -> &Arc<Ownership> {
        &self.ownership
    }

    pub fn feed(&self) -> Option<&Arc<Feed>> {
        self.context.feed.as_ref()
    }

    /// Cancelled when the server shuts down (live streams end then).
    pub fn shutdown_token(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// Live changes of every server (filter by user).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<FleetEvent>> {
        self.events.subscribe()
    }

    /// Sends `event` to the live streams (none listening is fine).
    pub fn publish(&self, event: FleetEvent) {
        let _ = self.events.send(Arc::new(event));
    }

    /// Starts polling (or mirroring) `spec`, or restarts when its
    /// configuration or this instance's role for it changed. A change of
    /// role alone keeps the snapshot: lists do not blink.
    pub fn upsert(&self, spec: ServerSpec) -> Result<(), tm_backends::BackendError> {
        let role = if self.ownership.owns(&spec.id) {
            Role::Owner
        } else {
            Role::Mirror
        };
        let mut pollers = self.pollers.write().unwrap_or_else(|e| e.into_inner());
        let mut carried = None;
        if let Some(existing) = pollers.get(&spec.id) {
            // The owner's role changes the egress policy and which share of
            // the embedded engine the connection is, not the row's version.
            let same_config = existing.spec().version == spec.version
                && existing.spec().backend.egress == spec.backend.egress
                && existing.spec().backend.connection == spec.backend.connection;
            if same_config && existing.role() == role {
                return Ok(());
            }
            existing.stop();
            if same_config {
                carried = Some(Carried {
                    snapshot: existing.snapshot(),
                    health: existing.health(),
                });
            }
        }
        if role == Role::Mirror && !pollers.contains_key(&spec.id) {
            // New here: maybe this instance should own it.
            self.ownership.beat_soon();
        }
        tracing::debug!(
            server = %crate::logsafe::text(&spec.name),
            instance = self.ownership.instance_id(),
            ?role,
            "poller started"
        );
        let poller = Poller::start(
            spec,
            role,
            &self.context,
            self.shutdown.child_token(),
            carried,
        )?;
        let user_id = poller.spec().user_id.clone();
        pollers.insert(poller.spec().id.clone(), poller);
        let _ = self.events.send(Arc::new(FleetEvent::Health { user_id }));
        Ok(())
    }

    /// Stops polling a server (deleted or disabled).
    pub fn remove(&self, server_id: &str) {
        let removed = self
            .pollers
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(server_id);
        if let Some(poller) = removed {
            poller.stop();
            // Live clients drop the server's torrents.
            let gone = delta(
                &poller.spec().id,
                0,
                &poller.snapshot().views,
                &Views::default(),
            );
            let _ = self.events.send(Arc::new(FleetEvent::Torrents {
                user_id: poller.spec().user_id.clone(),
                delta: gone,
            }));
            let _ = self.events.send(Arc::new(FleetEvent::Health {
                user_id: poller.spec().user_id.clone(),
            }));
        }
    }

    /// Keeps exactly the servers in `specs` (used to follow changes made by
    /// other instances sharing the database).
    pub fn retain_only(&self, specs: Vec<ServerSpec>) {
        let wanted: std::collections::HashSet<String> =
            specs.iter().map(|s| s.id.clone()).collect();
        let stale: Vec<String> = self
            .pollers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .filter(|id| !wanted.contains(*id))
            .cloned()
            .collect();
        for id in stale {
            self.remove(&id);
        }
        for spec in specs {
            let name = spec.name.clone();
            if let Err(error) = self.upsert(spec) {
                tracing::warn!(
                    server = %crate::logsafe::text(&name),
                    error = %crate::logsafe::text(&error.to_string()),
                    "cannot poll server"
                );
            }
        }
    }

    /// Restarts the pollers whose role changed with this instance's leases.
    pub fn reassign(&self) {
        for poller in self.all() {
            let owns = self.ownership.owns(&poller.spec().id);
            if owns != (poller.role() == Role::Owner)
                && let Err(error) = self.upsert(poller.spec().clone())
            {
                tracing::warn!(
                    server = %crate::logsafe::text(&poller.spec().name),
                    error = %crate::logsafe::text(&error.to_string()),
                    "cannot poll server"
                );
            }
        }
    }

    /// Wakes the pollers a feed notification concerns.
    pub fn wake(&self, wake: Wake<'_>) {
        match wake {
            Wake::All => {
                for poller in self.all().iter().filter(|p| p.role() == Role::Mirror) {
                    poller.wake();
                }
            }
            // Not the fleet's: `Core::wake` forgets the checked keys,
            // reloads the servers, or makes the engine's call.
            Wake::Credentials | Wake::Servers | Wake::EngineCall { .. } => {}
            Wake::Metainfo { info_hash } => {
                self.metainfo().extend([info_hash.to_string()]);
                self.reflag_mirrors(|poller| poller.holds(info_hash));
            }
            Wake::Mirror { id } => {
                if let Some(poller) = self.get(id).filter(|p| p.role() == Role::Mirror) {
                    poller.wake();
                }
            }
            Wake::Owner { id, written } => {
                if let Some(poller) = self.get(id).filter(|p| p.role() == Role::Owner) {
                    // Polled often for a while too: a client may apply a
                    // write late (Transmission starts a torrent a moment
                    // after).
                    poller.watch();
                    let written = written
                        .split(',')
                        .filter(|hash| !hash.is_empty())
                        .map(str::to_string)
                        .collect();
                    poller.reread_written(written);
                }
            }
        }
    }

    /// Makes the mirrors `which` picks show the `has_metainfo` index as it
    /// is now (owners do at their next poll).
    pub fn reflag_mirrors(&self, which: impl Fn(&Poller) -> bool) {
        for poller in self.all() {
            if poller.role() == Role::Mirror && which(&poller) {
                poller.reflag();
            }
        }
    }

    /// Wakes the mirrors whose feed has rows they have not applied
    /// (`latest`: the newest row of each server's feed).
    pub fn wake_behind(&self, latest: &HashMap<String, i64>) {
        for poller in self.all().iter().filter(|p| p.role() == Role::Mirror) {
            if let Some(newest) = latest.get(&poller.spec().id)
                && poller.feed_seq() != Some(*newest)
            {
                poller.wake();
            }
        }
    }

    pub fn get(&self, server_id: &str) -> Option<Arc<Poller>> {
        self.pollers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(server_id)
            .cloned()
    }

    /// Every poller, of every user.
    pub fn all(&self) -> Vec<Arc<Poller>> {
        self.pollers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// The pollers of one user's servers.
    pub fn of_user(&self, user_id: &str) -> Vec<Arc<Poller>> {
        self.pollers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|p| p.spec().user_id == user_id)
            .cloned()
            .collect()
    }
}
