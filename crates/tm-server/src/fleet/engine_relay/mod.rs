//! The embedded engines of other instances sharing the PostgreSQL database.
//! Their "This machine" servers are mirrored here like any other server (the
//! engine's instance owns and polls them); what needs the engine itself (a
//! write, a torrent's files, peers, trackers) is relayed through the
//! database to that instance, which makes the call on its engine and writes
//! the answer back.

mod call;
mod client;

use tm_backends::TorrentClient;

use crate::db::engine_calls;
use crate::fleet::Fleet;

pub use client::RelayClient;

/// Calls older than this are deleted (their caller gave up long ago).
const FORGET_AFTER_MS: i64 = 10 * 60 * 1000;

/// Makes call `call_id` if it is for `engine_id` (this instance's engine)
/// and nobody claimed it yet, and writes its answer.
pub async fn serve(fleet: &Fleet, engine_id: &str, call_id: &str) {
    let Some(feed) = fleet.feed() else {
        return;
    };
    let pool = feed.pool();
    let (server_id, body) = match engine_calls::claim(pool, engine_id, call_id).await {
        Ok(Some(claimed)) => claimed,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(%error, "could not claim a relayed engine call");
            return;
        }
    };
    // Only the engine's own servers: a call names a server, not a client.
    let engine_server = fleet
        .get(&server_id)
        .filter(|poller| poller.spec().server_type == tm_api_types::ServerType::Embedded);
    let answer = match engine_server {
        Some(poller) => call::answer(poller.client(), &body).await,
        None => call::refusal(&format!(
            "this instance does not serve the engine's server {server_id}"
        )),
    };
    if let Err(error) = engine_calls::answer(pool, call_id, &answer).await {
        tracing::warn!(%error, "could not answer a relayed engine call");
    }
}

/// The calls whose notification this instance missed (each is then
/// served like a notified one).
pub async fn waiting(fleet: &Fleet, engine_id: &str) -> Vec<String> {
    let Some(feed) = fleet.feed() else {
        return Vec::new();
    };
    engine_calls::waiting(feed.pool(), engine_id)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "could not look for relayed engine calls");
            Vec::new()
        })
}

/// The client a mirror of another instance's engine uses.
pub fn client_for(
    fleet: &Fleet,
    engine_id: &str,
    server_id: &str,
    label: String,
    timeout: std::time::Duration,
) -> Option<std::sync::Arc<dyn TorrentClient>> {
    let pool = fleet.feed()?.pool().clone();
    Some(std::sync::Arc::new(RelayClient::new(
        pool,
        engine_id.to_owned(),
        server_id.to_owned(),
        label,
        timeout,
    )))
}
