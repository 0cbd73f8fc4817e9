//! `GET /events`: live updates as Server-Sent Events.
//!
//! Torrents come in their stream form (as in `GET /torrents`, without null
//! and alias fields: see `fleet::stream_json`).
//! First a `reset` with every torrent and server of the caller, then a
//! `delta` per server whose torrents changed (new torrents whole, changed ones
//! as their changed fields only, removed ones by hash) and `servers` whenever
//! a server's health changes. A client that falls behind gets a new `reset`.
//! An open stream counts as someone watching: the pollers go fast.
//! The stream ends soon after its session or API key stops working (logout,
//! revocation, expiry, a password change): the credential is re-checked
//! every `credential_recheck`.
//! A client that accepts gzip gets the stream gzip-compressed as it goes
//! (each event flushed): the reset of 10,000 torrents is ~1/10 the bytes.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use tm_api_types::{ErrorBody, TorrentQuery};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::core::{Coding, Core, Error, Identity, StreamSlot};
use crate::fleet::{FleetEvent, stream_array};
use crate::http::extract::CurrentUser;
use crate::http::{gzip_stream, precompressed};

/// Keep-alive comments (and "still watching" marks) this often.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// Live torrent and server updates (text/event-stream).
#[utoipa::path(get, path = "/events", tag = "torrents",
    responses((status = 200, content_type = "text/event-stream",
        description = "events `reset` {torrents (as in GET /torrents, without null fields and the aliases bytes_done, directory, is_magnet), servers}, `delta` {server_id, revision, added, changed, removed}, `servers` [ServerInfo], `job` (a Job, whenever one of yours changes), `problem` (a message)"),
        (status = 401, body = ErrorBody), (status = 429, body = ErrorBody, description = "too many open streams")))]
pub async fn events(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    request: HeaderMap,
) -> Result<Response, Error> {
    let slot = core.open_stream(&identity.user)?;
    let every = core.config().credential_recheck;
    let live = LiveStream {
        _slot: slot,
        receiver: core.fleet().subscribe(),
        core,
        identity,
        needs_reset: true,
        heartbeat: tokio::time::interval(HEARTBEAT),
        recheck: tokio::time::interval_at(tokio::time::Instant::now() + every, every),
    };
    let mut response = Sse::new(futures::stream::unfold(live, |mut live| async move {
        let event = live.next().await?;
        Some((Ok::<_, Infallible>(event), live))
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(
        match precompressed::accepted_coding(&request, &[Coding::Gzip]) {
            Some(_) => gzip_stream::compress(response),
            None => response,
        },
    )
}

struct LiveStream {
    /// Held while the stream is open (per-user limit).
    _slot: StreamSlot,
    core: Core,
    identity: Identity,
    receiver: broadcast::Receiver<Arc<FleetEvent>>,
    needs_reset: bool,
    heartbeat: tokio::time::Interval,
    recheck: tokio::time::Interval,
}

impl LiveStream {
    /// The next event for this user; `None` ends the stream (shutdown, or
    /// the credential no longer works).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if self.needs_reset {
                self.needs_reset = false;
                return Some(self.reset().await.unwrap_or_else(error_event));
            }
            let shutdown = self.core.fleet().shutdown_token().clone();
            tokio::select! {
                _ = shutdown.cancelled() => return None,
                _ = self.recheck.tick() => match self.core.credential_is_live(&self.identity).await {
                    Ok(true) => {}
                    Ok(false) => return None,
                    // A database hiccup is not a revocation: check again next time.
                    Err(error) => tracing::debug!(%error, "could not re-check a stream's credential"),
                },
                _ = self.heartbeat.tick() => {
                    for poller in self.core.fleet().of_user(&self.identity.user.id) {
                        poller.watch();
                    }
                    return Some(Event::default().comment("keep-alive"));
                }
                received = self.receiver.recv() => match received {
                    Ok(event) if event.user_id() == self.identity.user.id => {
                        return Some(match &*event {
                            FleetEvent::Torrents { delta, .. } => {
                                Event::default().event("delta").data(delta)
                            }
                            FleetEvent::Health { .. } => self.servers().await.unwrap_or_else(error_event),
                            FleetEvent::Job { job, .. } => Event::default().event("job").data(job),
                        });
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => self.needs_reset = true,
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }

    async fn reset(&self) -> Result<Event, Error> {
        let page = self
            .core
            .list_torrents(&self.identity.user, &TorrentQuery::default())?;
        let torrents = stream_array(&page.torrents);
        let servers = serde_json::to_string(&self.core.list_servers(&self.identity.user).await?)
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Event::default()
            .event("reset")
            .data(format!(r#"{{"torrents":{torrents},"servers":{servers}}}"#)))
    }

    async fn servers(&self) -> Result<Event, Error> {
        let servers = self.core.list_servers(&self.identity.user).await?;
        Ok(json_event("servers", &servers))
    }
}

fn json_event(name: &str, data: &impl serde::Serialize) -> Event {
    Event::default()
        .event(name)
        .json_data(data)
        .unwrap_or_else(|e| error_event(Error::Internal(e.to_string())))
}

/// A failure of ours, named so browsers do not take it for their own
/// connection `error` event.
fn error_event(error: Error) -> Event {
    Event::default()
        .event("problem")
        .data(error.public_detail())
}
