//! The background task that fetches each torrent's file list once (a few
//! per server per round, never on a request's path), stores its content key,
//! and forgets it when the torrent leaves its server.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tm_backends::TorrentState;
use tokio_util::sync::CancellationToken;

use super::key::{ContentKey, has_metadata};
use crate::core::{Core, now_millis};
use crate::db::{FileListRow, Store};
use crate::fleet::{Poller, PollerState};

/// Time between two rounds.
const ROUND: Duration = Duration::from_secs(2);
/// Most file lists asked of one server per round.
const FETCHES_PER_ROUND: usize = 4;
/// A torrent whose list could not be fetched is asked again after this.
const RETRY_AFTER: Duration = Duration::from_secs(600);

/// What the task knows of one server's file lists.
#[derive(Default)]
struct ServerLists {
    /// Loaded from the database on the first round that reaches the server.
    loaded: bool,
    /// Info hashes whose list is stored.
    known: HashSet<String>,
    /// Info hashes whose fetch failed, and when.
    failed: HashMap<String, Instant>,
}

/// Runs until shutdown.
pub async fn run_fetcher(core: Core, shutdown: CancellationToken) {
    let mut round = tokio::time::interval(ROUND);
    round.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut servers: HashMap<String, ServerLists> = HashMap::new();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = round.tick() => fetch_round(&core, &mut servers).await,
        }
    }
}

/// One round over every server at once (a round lasts as long as its
/// slowest server, each call bounded by the client's timeout).
async fn fetch_round(core: &Core, servers: &mut HashMap<String, ServerLists>) {
    let pollers = core.fleet().all();
    let live: HashSet<&str> = pollers.iter().map(|p| p.spec().id.as_str()).collect();
    servers.retain(|id, _| live.contains(id.as_str()));
    let work = pollers.into_iter().map(|poller| {
        let lists = servers.remove(&poller.spec().id).unwrap_or_default();
        sync_server(core.store(), poller, lists)
    });
    for (server_id, lists) in futures::future::join_all(work).await {
        servers.insert(server_id, lists);
    }
}

/// Forgets the lists of torrents that left the server, then fetches a few
/// missing ones. Only a server listed successfully right now is touched: a
/// server still connecting has an empty snapshot that means nothing. Only
/// its owner fetches (the lists are stored for every instance).
async fn sync_server(
    store: &Store,
    poller: Arc<Poller>,
    mut lists: ServerLists,
) -> (String, ServerLists) {
    let server_id = poller.spec().id.clone();
    if poller.role() != crate::fleet::Role::Owner
        || poller.health().state != PollerState::Connected
        || poller.check_available().is_err()
    {
        return (server_id, lists);
    }
    if !lists.loaded {
        match store.file_list_hashes(&server_id).await {
            Ok(hashes) => {
                lists.known = hashes.into_iter().collect();
                lists.loaded = true;
            }
            Err(error) => {
                tracing::warn!(%error, "could not load the cached file lists");
                return (server_id, lists);
            }
        }
    }
    let snapshot = poller.snapshot();
    let gone: Vec<String> = lists
        .known
        .iter()
        .filter(|hash| !snapshot.contains(hash))
        .cloned()
        .collect();
    if !gone.is_empty() {
        match store.delete_file_lists(&server_id, &gone).await {
            Ok(()) => lists.known.retain(|hash| !gone.contains(hash)),
            Err(error) => tracing::warn!(%error, "could not forget file lists"),
        }
    }
    lists
        .failed
        .retain(|hash, at| snapshot.contains(hash) && at.elapsed() < RETRY_AFTER);
    let missing: Vec<String> = snapshot
        .torrents()
        .filter(|t| has_metadata(t.state == TorrentState::Metadata, t.size))
        .filter(|t| !lists.known.contains(&t.info_hash))
        .filter(|t| !lists.failed.contains_key(&t.info_hash))
        .take(FETCHES_PER_ROUND)
        .map(|t| t.info_hash.clone())
        .collect();
    for hash in missing {
        let key = match poller.client().files(&hash).await {
            Ok(files) => ContentKey::of(&files),
            Err(error) => {
                // The rest waits for the next round: the server may be in trouble.
                tracing::debug!(%error, "could not fetch a file list");
                lists.failed.insert(hash, Instant::now());
                break;
            }
        };
        let Some(key) = key else {
            lists.failed.insert(hash, Instant::now());
            continue;
        };
        let row = FileListRow {
            server_id: server_id.clone(),
            info_hash: hash.clone(),
            content: key.digest,
            file_count: key.file_count as i64,
            size: key.size as i64,
            fetched_at: now_millis(),
        };
        match store.save_file_list(&row).await {
            Ok(()) => {
                lists.known.insert(hash);
            }
            Err(error) => tracing::warn!(%error, "could not save a file list"),
        }
    }
    (server_id, lists)
}
