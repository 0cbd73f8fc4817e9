//! The transport-free core: accounts, sessions, API keys and the server
//! registry. HTTP handlers are thin wrappers around these methods.

mod accounts;
pub mod activity;
mod activity_record;
mod api_keys;
mod categories;
mod credentials;
mod egress_fetch;
mod encoded_body;
mod engine_server;
mod error;
mod hashing;
mod instances;
mod jobs;
mod key_cache;
mod key_usage;
mod list_cache;
mod metainfo;
mod metrics;
mod ownership;
mod placement;
mod removal;
mod rss;
mod seedbox_files;
mod seedbox_path;
mod server_checks;
mod servers;
mod sessions;
mod stream_slots;
mod targets;
mod throttle;
mod time;
mod torrent_add;
mod torrent_details;
mod torrent_download;
mod torrent_move;
mod torrent_query;
mod torrent_settings;
mod torrent_source;
mod torrent_zip;
mod torrents;
mod validate;
mod webhooks;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::Store;
use crate::fleet::Fleet;

pub use self::metrics::{ProcessMetrics, UNMATCHED_ROUTE};
pub use accounts::User;
pub use categories::CategoryWrite;
pub use encoded_body::Coding;
pub use engine_server::LocalEngine;
pub use error::{Error, Result};
pub use instances::run_instance;
pub use jobs::run_job_takeover;
pub use key_usage::KeyUsage;
pub use list_cache::RenderedList;
pub use metainfo::export::run_exporter;
pub use ownership::Ownership;
pub use rss::run_rss_poller;
pub use seedbox_files::SeedboxDownload;
pub use sessions::{Identity, IssuedSession, clean_user_agent};
pub use stream_slots::StreamSlot;
pub(crate) use targets::refusal_in;
pub use time::{from_millis, now_millis};
pub use torrent_add::Filing;
pub(crate) use torrent_details::clean_labels;
pub use torrent_move::move_target;
pub use torrents::TorrentAction;
pub use validate::bounded_regex;
pub use validate::save_path as check_save_path;

/// Shared state of a running server. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    inner: Arc<CoreInner>,
}

struct CoreInner {
    store: Store,
    secrets: SecretBox,
    config: Config,
    key_usage: KeyUsage,
    /// API keys checked recently (SQLite only: see `key_cache`).
    checked_keys: key_cache::KeyCache,
    fleet: Fleet,
    torrent_lists: list_cache::ListCache,
    streams: stream_slots::StreamSlots,
    /// What `GET /metrics` reports of this process (not a global recorder).
    metrics: ProcessMetrics,
    /// Runs argon2 work, a bounded number at a time (~19 MiB each).
    hashing: hashing::HashingPool,
    /// The automation engine's state (runs in progress, idle times).
    rule_runs: crate::automation::RuleRuns,
    /// Lifecycle events on their way to webhooks.
    events: Arc<crate::events::EventBus>,
    /// The jobs (moves between servers) running in this process.
    jobs: jobs::RunningJobs,
    /// The embedded engine this process runs, if any.
    engine: Option<LocalEngine>,
}

impl Core {
    /// `shutdown` stops the server pollers.
    pub fn new(
        store: Store,
        secrets: SecretBox,
        config: Config,
        engine: Option<LocalEngine>,
        shutdown: CancellationToken,
    ) -> Self {
        let permits = hashing_permits(&config);
        let resync_interval = config.full_resync_interval;
        let events = Arc::new(crate::events::EventBus::default());
        let single_process = matches!(store, Store::Sqlite(_));
        let ownership = Arc::new(Ownership::new(
            store.shared().cloned(),
            config.instance_lease,
            engine.as_ref().map(|local| local.id.clone()),
        ));
        let feed = store.shared().map(|pool| {
            Arc::new(crate::fleet::Feed::new(
                pool.clone(),
                ownership.instance_id().to_string(),
            ))
        });
        Self {
            inner: Arc::new(CoreInner {
                store,
                secrets,
                config,
                checked_keys: key_cache::KeyCache::new(key_cache::trusted_for(single_process)),
                key_usage: KeyUsage::default(),
                fleet: Fleet::new(
                    shutdown,
                    resync_interval,
                    Arc::clone(&events),
                    ownership,
                    feed,
                ),
                torrent_lists: list_cache::ListCache::default(),
                streams: stream_slots::StreamSlots::default(),
                metrics: ProcessMetrics::default(),
                hashing: hashing::HashingPool::new(permits),
                rule_runs: crate::automation::RuleRuns::default(),
                events,
                jobs: jobs::RunningJobs::default(),
                engine,
            }),
        }
    }

    /// The embedded engine this process runs, if any.
    pub fn local_engine(&self) -> Option<&LocalEngine> {
        self.inner.engine.as_ref()
    }

    pub fn fleet(&self) -> &Fleet {
        &self.inner.fleet
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    fn secrets(&self) -> &SecretBox {
        &self.inner.secrets
    }

    fn hashing(&self) -> &hashing::HashingPool {
        &self.inner.hashing
    }

    pub fn events(&self) -> &crate::events::EventBus {
        &self.inner.events
    }

    pub fn rule_runs(&self) -> &crate::automation::RuleRuns {
        &self.inner.rule_runs
    }

    pub fn key_usage(&self) -> &KeyUsage {
        &self.inner.key_usage
    }

    /// Writes the coalesced API-key use times.
    pub async fn flush_key_usage(&self) -> Result<()> {
        let uses = self.inner.key_usage.drain();
        if !uses.is_empty() {
            self.store().record_api_key_use(&uses).await?;
        }
        Ok(())
    }

    /// Removes expired sessions, tokens, keys and old login failures.
    pub async fn purge_expired(&self) -> Result<u64> {
        let now = now_millis();
        let config = self.config();
        let window = config
            .login_throttle
            .window
            .max(config.register_throttle.window)
            .as_millis() as i64;
        let store = self.store();
        Ok(store.purge_expired_sessions(now).await?
            + store.purge_expired_api_keys(now).await?
            + store.purge_login_failures(now - window).await?)
    }
}

fn hashing_permits(config: &Config) -> usize {
    match config.max_concurrent_hashing {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
        n => n,
    }
}
