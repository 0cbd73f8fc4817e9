//! Torrents across a user's servers: reads from the fleet's snapshots,
//! mutations through the server's adapter followed by a re-read of what they
//! changed.

use std::sync::Arc;
use std::time::Duration;

use tm_api_types::{
    BulkAction, BulkActionRequest, BulkActionResponse, BulkActionResult, TorrentActionResponse,
    TorrentInfo, TorrentQuery,
};
use tm_backends::Torrent;

use super::list_cache::Sources;
use super::removal::removal_summary;
use super::torrent_details::{clean_labels, edit_labels_in_bulk};
use super::torrent_move::{move_on, move_target};
use super::torrent_query::page_of;
use super::{Core, Error, RenderedList, Result, User};
use crate::fleet::{Poller, Snapshot, TorrentView};

/// How long a mutation waits for the client to show its effect (some apply
/// changes asynchronously, e.g. Transmission's stop).
const SETTLE_TIMEOUT: Duration = Duration::from_secs(3);
const SETTLE_POLL: Duration = Duration::from_millis(100);

/// What `torrent_action` does.
#[derive(Debug, Clone, Copy)]
pub enum TorrentAction {
    Start,
    Stop,
    Recheck,
    /// Asks the trackers for peers now.
    Reannounce,
}

impl TorrentAction {
    fn done_message(self) -> &'static str {
        match self {
            TorrentAction::Start => "Torrent started",
            TorrentAction::Stop => "Torrent stopped",
            TorrentAction::Recheck => "Torrent recheck started",
            TorrentAction::Reannounce => "Torrent reannounce requested",
        }
    }

    /// Its name in the activity log.
    pub(super) fn name(self) -> &'static str {
        match self {
            TorrentAction::Start => "start",
            TorrentAction::Stop => "stop",
            TorrentAction::Recheck => "recheck",
            TorrentAction::Reannounce => "reannounce",
        }
    }
}

/// Most torrents one bulk request may name.
const MAX_BULK: usize = 20_000;

/// One page of torrents and how many matched in all.
pub struct TorrentPage {
    pub torrents: Vec<Arc<TorrentView>>,
    pub total: usize,
}

/// A torrent on one of the user's servers.
pub(super) struct Target {
    pub(super) poller: Arc<Poller>,
    pub(super) hash: String,
}

impl Core {
    /// Every matching torrent of the user's enabled servers, from the snapshots.
    pub fn list_torrents(&self, user: &User, query: &TorrentQuery) -> Result<TorrentPage> {
        let pollers = self.listed_pollers(user, query);
        let snapshots: Vec<Snapshot> = pollers.iter().map(|p| p.snapshot()).collect();
        page_of(&snapshots, query)
    }

    /// `list_torrents` as JSON, reused while the snapshots stay the same.
    pub fn render_torrents(&self, user: &User, query: &TorrentQuery) -> Result<RenderedList> {
        let pollers = self.listed_pollers(user, query);
        let snapshots: Vec<Snapshot> = pollers.iter().map(|p| p.snapshot()).collect();
        let mut sources: Sources = pollers
            .iter()
            .zip(&snapshots)
            .map(|(p, s)| (p.spec().id.clone(), p.spec().version, s.revision))
            .collect();
        sources.sort();
        let query_key = serde_json::to_string(query).map_err(|e| Error::Internal(e.to_string()))?;
        let cache = &self.inner.torrent_lists;
        if let Some(cached) = cache.get(&user.id, &query_key, &sources) {
            return Ok(cached);
        }
        let page = page_of(&snapshots, query)?;
        let rendered = RenderedList::new(&query_key, sources, page.torrents, page.total);
        cache.put(&user.id, &query_key, rendered.clone());
        Ok(rendered)
    }

    /// The pollers a list query covers; each counts as watched from now.
    fn listed_pollers(&self, user: &User, query: &TorrentQuery) -> Vec<Arc<Poller>> {
        let pollers: Vec<Arc<Poller>> = self
            .fleet()
            .of_user(&user.id)
            .into_iter()
            .filter(|p| query.server_id.as_ref().is_none_or(|id| *id == p.spec().id))
            .collect();
        for poller in &pollers {
            poller.watch();
        }
        pollers
    }

    pub async fn get_torrent(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentInfo> {
        let target = self.target(user, hash, server_id).await?;
        let snapshot = target.poller.snapshot();
        snapshot
            .views
            .get(&target.hash)
            .map(|v| v.info())
            .ok_or(Error::TorrentNotFound)
    }

    /// Starts, stops, rechecks or reannounces a torrent, then waits for the client to show it.
    pub async fn torrent_action(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        action: TorrentAction,
    ) -> Result<TorrentActionResponse> {
        let change = self.torrent_change(user, action.name(), server_id, hash);
        let result = self.apply_action(user, hash, server_id, action).await;
        self.recorded(change, result, |r| r.message.clone()).await
    }

    async fn apply_action(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        action: TorrentAction,
    ) -> Result<TorrentActionResponse> {
        let target = self.target(user, hash, server_id).await?;
        let hashes = std::slice::from_ref(&target.hash);
        send_action(target.poller.client(), action, hashes).await?;
        settle_action(&target.poller, action, hashes).await;
        Ok(action_done(&target, action.done_message()))
    }

    pub async fn remove_torrent(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        delete_data: bool,
    ) -> Result<TorrentActionResponse> {
        let change = self.torrent_change(user, "remove", server_id, hash);
        let result = self.apply_removal(user, hash, server_id, delete_data).await;
        self.recorded(change, result, |r| r.message.clone()).await
    }

    async fn apply_removal(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        delete_data: bool,
    ) -> Result<TorrentActionResponse> {
        let target = self.target(user, hash, server_id).await?;
        let outcome = target
            .poller
            .client()
            .remove(&target.hash, delete_data)
            .await?;
        let (message, data) = removal_summary(outcome);
        settle(&target.poller, hashes_of(&target), |t| t.is_none()).await;
        self.forget_removed(&target.poller.spec().id, hashes_of(&target))
            .await;
        let mut response = action_done(&target, &message);
        response.data = Some(data);
        Ok(response)
    }

    /// One action on many torrents: one call per server for start, stop,
    /// recheck and reannounce, one re-read per server; each torrent succeeds or fails alone.
    /// Labels are edited torrent by torrent, each from what its client
    /// holds; data is moved torrent by torrent.
    pub async fn bulk_action(
        &self,
        user: &User,
        request: BulkActionRequest,
    ) -> Result<BulkActionResponse> {
        if request.torrents.is_empty() || request.torrents.len() > MAX_BULK {
            return Err(Error::Invalid(format!(
                "torrents must name between 1 and {MAX_BULK} torrents"
            )));
        }
        let labels = match request.action {
            BulkAction::AddLabels | BulkAction::RemoveLabels => {
                let labels = clean_labels(request.labels)?;
                if labels.is_empty() {
                    return Err(Error::Invalid(
                        "labels must name at least one label to add or remove".into(),
                    ));
                }
                labels
            }
            _ => Vec::new(),
        };
        let path = match request.action {
            BulkAction::Move => Some(move_target(request.path.as_deref().unwrap_or_default())?),
            _ => None,
        };
        let recorder = self.bulk_recorder(user, request.action, &request.torrents);
        let mut results = Vec::with_capacity(request.torrents.len());
        // Grouped by server, in the order servers first appear.
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for item in request.torrents {
            match tm_backends::magnet::parse_info_hash(item.info_hash.trim()) {
                Ok(hash) => match groups.iter_mut().find(|(id, _)| *id == item.server_id) {
                    Some((_, hashes)) => hashes.push(hash),
                    None => groups.push((item.server_id, vec![hash])),
                },
                Err(error) => results.push(bulk_result(
                    &item.server_id,
                    &item.info_hash,
                    Err(error.to_string()),
                )),
            }
        }
        for (server_id, hashes) in groups {
            let poller = match self.server_row(user, &server_id).await {
                Ok(row) => self.live_poller(&row.id, &row.name, row.enabled),
                Err(error) => Err(error),
            };
            let poller = match poller {
                Ok(poller) => poller,
                Err(error) => {
                    let reason = error.to_string();
                    results.extend(
                        hashes
                            .iter()
                            .map(|h| bulk_result(&server_id, h, Err(reason.clone()))),
                    );
                    continue;
                }
            };
            let action = match request.action {
                BulkAction::AddLabels | BulkAction::RemoveLabels => {
                    let add = request.action == BulkAction::AddLabels;
                    let edited = edit_labels_in_bulk(&poller, &server_id, &hashes, add, &labels);
                    results.extend(edited.await);
                    continue;
                }
                BulkAction::Start => TorrentAction::Start,
                BulkAction::Stop => TorrentAction::Stop,
                BulkAction::Recheck => TorrentAction::Recheck,
                BulkAction::Reannounce => TorrentAction::Reannounce,
                BulkAction::Move => {
                    let path = path.as_deref().unwrap_or_default();
                    for hash in &hashes {
                        let moved = move_on(&poller, hash, path).await;
                        let outcome = moved.map_err(|error| error.to_string());
                        results.push(bulk_result(&server_id, hash, outcome));
                    }
                    continue;
                }
                BulkAction::Remove => {
                    let mut removed = Vec::new();
                    for hash in &hashes {
                        let outcome = poller.client().remove(hash, request.delete_data).await;
                        results.push(bulk_result(
                            &server_id,
                            hash,
                            match outcome {
                                Ok(outcome) => {
                                    removed.push(hash.clone());
                                    Ok(removal_summary(outcome).0)
                                }
                                Err(error) => Err(error.to_string()),
                            },
                        ));
                    }
                    settle(&poller, &removed, |t| t.is_none()).await;
                    self.forget_removed(&server_id, &removed).await;
                    continue;
                }
            };
            let client = poller.client();
            let done = match send_action(client, action, &hashes).await {
                Ok(()) => {
                    let message = action.done_message().to_string();
                    results.extend(
                        hashes
                            .iter()
                            .map(|h| bulk_result(&server_id, h, Ok(message.clone()))),
                    );
                    hashes
                }
                // One bad torrent fails the whole call: find which, one by one.
                Err(_) => {
                    let mut done = Vec::new();
                    for hash in hashes {
                        let outcome = send_action(client, action, std::slice::from_ref(&hash))
                            .await
                            .map(|()| action.done_message().to_string())
                            .map_err(|error| error.to_string());
                        let succeeded = outcome.is_ok();
                        results.push(bulk_result(&server_id, &hash, outcome));
                        if succeeded {
                            done.push(hash);
                        }
                    }
                    done
                }
            };
            settle_action(&poller, action, &done).await;
        }
        self.record(recorder.changes(&results)).await;
        let success_count = results.iter().filter(|r| r.success).count();
        Ok(BulkActionResponse {
            failure_count: results.len() - success_count,
            success_count,
            results,
        })
    }

    /// Finds the torrent among the user's servers.
    pub(super) async fn target(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<Target> {
        let hash = tm_backends::magnet::parse_info_hash(hash.trim())
            .map_err(|e| Error::BadRequest(e.to_string()))?;
        let poller = match server_id {
            Some(id) => {
                let row = self.server_row(user, id).await?;
                self.live_poller(&row.id, &row.name, row.enabled)?
            }
            None => {
                let mut holders: Vec<Arc<Poller>> = self
                    .fleet()
                    .of_user(&user.id)
                    .into_iter()
                    .filter(|p| p.snapshot().contains(&hash))
                    .collect();
                match (holders.pop(), holders.len()) {
                    (None, _) => return Err(Error::TorrentNotFound),
                    (Some(poller), 0) => poller,
                    (Some(_), more) => {
                        return Err(Error::Conflict(format!(
                            "torrent {hash} is on {} of your servers; pass server_id",
                            more + 1
                        )));
                    }
                }
            }
        };
        poller.check_available().map_err(Error::ServerUnavailable)?;
        Ok(Target { poller, hash })
    }

    pub(super) fn live_poller(&self, id: &str, name: &str, enabled: bool) -> Result<Arc<Poller>> {
        if !enabled {
            return Err(Error::Conflict(format!(
                "server '{name}' is disabled; enable it first"
            )));
        }
        let poller = self.fleet().get(id).ok_or_else(|| {
            Error::ServerUnavailable(format!("server '{name}' is not being polled"))
        })?;
        poller.check_available().map_err(Error::ServerUnavailable)?;
        Ok(poller)
    }
}

/// Re-reads the torrents a write changed, so the caller reads its own write.
/// A failed re-read is recorded in the server's health, not reported here:
/// the write itself succeeded.
pub(super) async fn reread(poller: &Poller, hashes: &[String]) {
    let _ = poller.reread(hashes).await;
}

/// Re-reads the torrents until they look as the write intended (or a short
/// timeout passes: the answer then shows what the client reports).
pub(super) async fn settle(
    poller: &Poller,
    hashes: &[String],
    done: impl Fn(Option<&Torrent>) -> bool,
) {
    settle_within(poller, hashes, SETTLE_TIMEOUT, done).await
}

/// `settle`, giving up after `timeout`.
pub(super) async fn settle_within(
    poller: &Poller,
    hashes: &[String],
    timeout: Duration,
    done: impl Fn(Option<&Torrent>) -> bool,
) {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        reread(poller, hashes).await;
        let snapshot = poller.snapshot();
        if hashes.iter().all(|h| done(snapshot.torrent(h)))
            || tokio::time::Instant::now() >= deadline
        {
            return;
        }
        tokio::time::sleep(SETTLE_POLL).await;
    }
}

pub(super) fn bulk_result(
    server_id: &str,
    info_hash: &str,
    outcome: std::result::Result<String, String>,
) -> BulkActionResult {
    let success = outcome.is_ok();
    BulkActionResult {
        server_id: server_id.to_string(),
        info_hash: info_hash.to_string(),
        success,
        message: outcome.unwrap_or_else(|reason| reason),
    }
}

pub(super) fn hashes_of(target: &Target) -> &[String] {
    std::slice::from_ref(&target.hash)
}

/// Sends start, stop, recheck or reannounce to the client.
async fn send_action(
    client: &dyn tm_backends::TorrentClient,
    action: TorrentAction,
    hashes: &[String],
) -> Result<()> {
    match action {
        TorrentAction::Start => client.start(hashes).await?,
        TorrentAction::Stop => client.stop(hashes).await?,
        TorrentAction::Recheck => client.recheck(hashes).await?,
        TorrentAction::Reannounce => client.reannounce(hashes).await?,
    }
    Ok(())
}

/// Waits until the snapshot shows the action's effect on `hashes`.
async fn settle_action(poller: &Poller, action: TorrentAction, hashes: &[String]) {
    match action {
        TorrentAction::Start => settle(poller, hashes, |t| t.is_none_or(|t| t.is_active)).await,
        TorrentAction::Stop => settle(poller, hashes, |t| t.is_none_or(|t| !t.is_active)).await,
        TorrentAction::Recheck | TorrentAction::Reannounce => reread(poller, hashes).await,
    }
}

pub(super) fn action_done(target: &Target, message: &str) -> TorrentActionResponse {
    TorrentActionResponse {
        message: message.to_string(),
        info_hash: target.hash.clone(),
        server_id: target.poller.spec().id.clone(),
        data: None,
    }
}
