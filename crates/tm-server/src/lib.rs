//! The torrent-manager server: a REST API over accounts, API keys and the
//! registry of torrent clients each user manages.
//!
//! [`start`] connects the database (running migrations), loads the master
//! key, binds the listener and serves until [`RunningServer::stop`].

mod automation;
pub mod config;
mod content;
mod core;
pub mod crypto;
mod db;
mod engine_host;
mod events;
mod facade;
mod fleet;
mod http;
mod key_check;
mod listen;
mod logsafe;
mod private_files;
mod webhooks;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use config::Config;
use core::Core;
use crypto::SecretBox;
use db::Store;

/// How often coalesced API-key use times are written.
const KEY_USAGE_FLUSH: Duration = Duration::from_secs(5);
/// How often expired sessions, tokens and keys are purged.
const PURGE_INTERVAL: Duration = Duration::from_secs(600);
/// How often the pollers are matched against the database (changes made by
/// other instances sharing it).
const FLEET_SYNC_INTERVAL: Duration = Duration::from_secs(30);

/// A server that is accepting connections.
pub struct RunningServer {
    local_addr: SocketAddr,
    shutdown: CancellationToken,
    serve: JoinHandle<std::io::Result<()>>,
    maintenance: JoinHandle<()>,
    automation: JoinHandle<()>,
    webhooks: JoinHandle<()>,
    file_lists: JoinHandle<()>,
    rss: JoinHandle<()>,
    instance: JoinHandle<()>,
    /// Stopped last, after everything that calls it.
    engine: Option<tm_backends::embedded::Engine>,
    core: Core,
}

impl RunningServer {
    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The embedded engine, all of it, when this server runs one: for a
    /// program that embeds the server and reaches the engine directly.
    pub fn engine_handle(&self) -> Option<tm_backends::EngineHandle> {
        self.engine.as_ref().map(tm_backends::Engine::handle)
    }

    /// Whether any account exists yet (none: the first to register is the admin).
    pub async fn has_users(&self) -> anyhow::Result<bool> {
        Ok(self.core.auth_status().await?.has_users)
    }

    /// A token that, once cancelled, makes the server shut down gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Waits until the server has stopped (after the shutdown token is cancelled).
    pub async fn wait(self) -> anyhow::Result<()> {
        let served = self.serve.await;
        self.shutdown.cancel();
        let _ = self.maintenance.await;
        let _ = self.automation.await;
        let _ = self.webhooks.await;
        let _ = self.file_lists.await;
        let _ = self.rss.await;
        let _ = self.instance.await;
        if let Some(engine) = self.engine {
            engine.shutdown().await;
        }
        if let Err(error) = self.core.flush_key_usage().await {
            tracing::warn!(%error, "could not save API key use times");
        }
        self.core.store().close().await;
        served
            .context("server task panicked")?
            .context("server failed")
    }

    /// Shuts down gracefully: in-flight requests finish, state is saved.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.wait().await
    }
}

/// Starts the server described by `config`.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    private_files::prepare(&config)?;
    let database_url = config.database_url();
    let store = Store::connect(&database_url).await.with_context(|| {
        format!(
            "could not open the database {}",
            db::redact_url(&database_url)
        )
    })?;
    let secrets = SecretBox::load(config.master_key.as_deref(), &config.data_dir)?;
    key_check::ensure_matching_master_key(&store, &secrets).await?;
    let shutdown = CancellationToken::new();
    let hosted = engine_host::start(&config)
        .await
        .context("the embedded engine (turn it off with --no-engine)")?;
    let local = hosted.as_ref().map(|hosted| crate::core::LocalEngine {
        id: hosted.id.clone(),
        handle: hosted.engine.handle(),
    });
    let core = Core::new(store, secrets, config, local, shutdown.clone());
    if let Some(mode) = core.config().registration_mode {
        core.set_registration_mode(mode).await?;
    }
    let address = format!("{}:{}", core.config().host, core.config().port);
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("could not listen on {address}"))?;
    core.refresh_webhook_users().await?;
    core.load_metainfo_index().await?;
    core.fail_interrupted_jobs().await?;
    core.ensure_engine_server().await?;
    // Leases first, so servers this instance owns start polling at once
    // (and the others as mirrors).
    core.beat().await;
    core.sync_fleet().await?;
    let local_addr = listener.local_addr()?;
    tracing::info!("torrent-manager listening on http://{local_addr}");
    if core.fleet().feed().is_some() {
        // Which instance holds which lease (`server_leases.owner`).
        tracing::info!(
            instance = core.fleet().ownership().instance_id(),
            "sharing the database with the other instances on it"
        );
    }

    http::warn_about_host_names(core.config());
    let app = http::router(core.clone());
    let serve = {
        let (config, shutdown) = (core.config().clone(), shutdown.clone());
        tokio::spawn(async move { listen::serve(listener, app, &config, shutdown).await })
    };
    let maintenance = tokio::spawn(maintain(core.clone(), shutdown.clone()));
    let automation = tokio::spawn(automation::run_engine(core.clone(), shutdown.clone()));
    let webhooks = tokio::spawn(webhooks::run_dispatcher(core.clone(), shutdown.clone()));
    // Ends with `shutdown`; an export in flight is simply dropped.
    tokio::spawn(crate::core::run_exporter(core.clone(), shutdown.clone()));
    let file_lists = tokio::spawn(content::run_fetcher(core.clone(), shutdown.clone()));
    let rss = tokio::spawn(crate::core::run_rss_poller(core.clone(), shutdown.clone()));
    // Ends with `shutdown`; a look in flight is simply dropped.
    tokio::spawn(crate::core::run_job_takeover(
        core.clone(),
        shutdown.clone(),
    ));
    let instance = tokio::spawn(crate::core::run_instance(core.clone(), shutdown.clone()));
    Ok(RunningServer {
        local_addr,
        shutdown,
        serve,
        maintenance,
        automation,
        webhooks,
        file_lists,
        rss,
        instance,
        engine: hosted.map(|hosted| hosted.engine),
        core,
    })
}

/// Periodic housekeeping until shutdown.
async fn maintain(core: Core, shutdown: CancellationToken) {
    let mut flush = tokio::time::interval(KEY_USAGE_FLUSH);
    let mut purge = tokio::time::interval(PURGE_INTERVAL);
    let mut sync = tokio::time::interval(FLEET_SYNC_INTERVAL);
    let mut prune = tokio::time::interval(core.config().activity_prune_interval);
    sync.tick().await; // the first tick is immediate: the fleet was just loaded
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = flush.tick() => {
                if let Err(error) = core.flush_key_usage().await {
                    tracing::warn!(%error, "could not save API key use times");
                }
                core.process_metrics().run_upkeep();
            }
            _ = purge.tick() => match core.purge_expired().await {
                Ok(0) => {}
                Ok(removed) => tracing::debug!(removed, "purged expired credentials"),
                Err(error) => tracing::warn!(%error, "could not purge expired credentials"),
            },
            _ = prune.tick() => match core.prune_activity().await {
                Ok(0) => {}
                Ok(removed) => tracing::debug!(removed, "pruned old activity"),
                Err(error) => tracing::warn!(%error, "could not prune the activity log"),
            },
            _ = sync.tick() => {
                if let Err(error) = core.sync_fleet().await {
                    tracing::warn!(%error, "could not reload the server list");
                }
                // Webhooks made through another instance sharing the database.
                if let Err(error) = core.refresh_webhook_users().await {
                    tracing::warn!(%error, "could not reload the webhook owners");
                }
            }
        }
    }
}
