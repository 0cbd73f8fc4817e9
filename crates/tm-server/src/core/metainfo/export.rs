//! Fetching back the metainfo of torrents the store lacks (magnets, once
//! their client has the metadata) from clients that can export it. In the
//! background, gently: a few torrents per server per round, each tried once
//! per server while this process runs.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tm_backends::TorrentState;
use tokio_util::sync::CancellationToken;

use super::checked_metainfo;
use crate::core::{Core, Result};
use crate::fleet::Poller;

/// Time between two rounds.
const ROUND: Duration = Duration::from_secs(5);
/// Exports asked of one server per round.
const PER_SERVER: usize = 4;

/// Runs rounds until shutdown.
pub async fn run_exporter(core: Core, shutdown: CancellationToken) {
    let mut tried = HashMap::new();
    let mut rounds = tokio::time::interval(ROUND);
    rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = rounds.tick() => {
                for poller in core.fleet().all() {
                    core.export_from(&poller, &mut tried).await;
                }
            }
        }
    }
}

impl Core {
    /// Exports up to `PER_SERVER` missing files from `poller`'s client.
    /// `tried` holds the hashes already asked, by server id. Only the
    /// server's owner exports (the files are stored for every instance).
    async fn export_from(&self, poller: &Poller, tried: &mut HashMap<String, HashSet<String>>) {
        let exports = poller.role() == crate::fleet::Role::Owner
            && poller
                .health()
                .client
                .is_some_and(|c| c.capabilities.export_metainfo);
        if !exports {
            return;
        }
        let tried = tried.entry(poller.spec().id.clone()).or_default();
        let missing: Vec<String> = {
            let snapshot = poller.snapshot();
            let stored = self.fleet().metainfo().read();
            snapshot
                .torrents()
                .filter(|t| t.state != TorrentState::Metadata)
                .map(|t| &t.info_hash)
                .filter(|hash| !stored.contains(*hash) && !tried.contains(*hash))
                .take(PER_SERVER)
                .cloned()
                .collect()
        };
        for hash in missing {
            tried.insert(hash.clone());
            if let Err(error) = self.export_one(poller, &hash).await {
                tracing::debug!(
                    server = %crate::logsafe::text(&poller.spec().name),
                    %hash,
                    error = %crate::logsafe::text(&error.to_string()),
                    "could not export a torrent's metainfo"
                );
            }
        }
    }

    /// Exports one torrent's file, checks it is that torrent's and stores
    /// it for the server's owner.
    async fn export_one(&self, poller: &Poller, hash: &str) -> Result<()> {
        let bytes = poller.client().export_metainfo(hash).await?;
        let expected = hash.to_owned();
        let torrent =
            tokio::task::spawn_blocking(move || checked_metainfo(bytes, Some(&expected))).await??;
        self.store_metainfo(&torrent, Some(&poller.spec().user_id))
            .await
    }
}
