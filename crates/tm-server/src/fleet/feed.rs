//! Servers' torrents shared between instances through PostgreSQL: the owner
//! of a server writes what changed, the others (mirrors) read it.
//!
//! A row holds torrents as the client reported them (tm-backends' model),
//! not the views: a mirror applies them through the same `Snapshot::apply`
//! the owner uses and so derives the same views, the same `GET /events`
//! delta, and its own `has_metainfo` flags.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tm_backends::{Torrent, TorrentChanges};
use tokio_util::sync::CancellationToken;

use super::poller::Health;
use crate::db::{DbResult, engine_calls, server_feed};

/// Snapshots are rewritten at least this often (and old deltas pruned).
pub const SNAPSHOT_INTERVAL: Duration = Duration::from_secs(30);
/// Deltas are kept this long, for mirrors a little behind.
const DELTA_RETENTION: Duration = Duration::from_secs(300);
/// How often an instance looks for mirrors behind their feed (one query for
/// all): the bound on how long a lost notification delays a mirror.
pub const FEED_CHECK_INTERVAL: Duration = Duration::from_secs(3);
/// Most deltas a mirror reads at once.
const READ_BATCH: i64 = 500;

/// One row's body: torrents changed and removed, and the health after.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedEntry {
    pub torrents: Vec<Torrent>,
    #[serde(default)]
    pub removed: Vec<String>,
    pub health: Health,
}

impl FeedEntry {
    pub fn into_changes(self, full: bool) -> (TorrentChanges, Health) {
        let changes = TorrentChanges {
            full,
            torrents: self.torrents,
            removed: self.removed,
        };
        (changes, self.health)
    }
}

impl Health {
    /// Whether a mirror would show something else (not counting the time
    /// of the last success, which moves with every poll).
    pub fn differs_for_mirrors(&self, other: &Health) -> bool {
        (
            self.state,
            &self.last_error,
            &self.client,
            self.free_space,
            self.retry_at,
        ) != (
            other.state,
            &other.last_error,
            &other.client,
            other.free_space,
            other.retry_at,
        )
    }

    /// Takes the owner's `shared` health, keeping what is this instance's own.
    pub fn follow(&mut self, shared: Health) {
        *self = Health {
            last_poll_duration: self.last_poll_duration,
            ..shared
        };
    }
}

/// Which pollers a notification concerns.
#[derive(Debug, Clone, Copy)]
pub enum Wake<'a> {
    /// Every mirror (notifications may have been lost).
    All,
    /// New rows in one server's feed: its mirror reads them.
    Mirror { id: &'a str },
    /// A write went to one server through another instance: its owner
    /// re-reads the torrents `written` names (comma-separated info hashes;
    /// empty: too many to name, a full list).
    Owner { id: &'a str, written: &'a str },
    /// API keys or accounts changed through another instance.
    Credentials,
    /// Servers changed through another instance.
    Servers,
    /// Another instance stored the metainfo of this info hash.
    Metainfo { info_hash: &'a str },
    /// A call queued for the embedded engine `engine_id` runs.
    EngineCall {
        engine_id: &'a str,
        call_id: &'a str,
    },
}

/// Where this instance reads and writes the shared feed.
pub struct Feed {
    pool: PgPool,
    instance_id: String,
}

/// What a mirror found in the feed.
pub enum Catchup {
    /// Deltas following the mirror's position, in order.
    Deltas(Vec<(i64, FeedEntry)>),
    /// The mirror missed something: start over from this snapshot.
    Snapshot(i64, FeedEntry),
    /// Nothing new (or nothing written yet).
    Nothing,
}

impl Feed {
    pub fn new(pool: PgPool, instance_id: String) -> Self {
        Self { pool, instance_id }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Writes the snapshot (`body`: a `FeedEntry` as JSON) a new owner
    /// starts from; its number, or `None` when this instance does not hold
    /// the lease.
    pub async fn start(&self, server_id: &str, body: &str) -> DbResult<Option<i64>> {
        server_feed::start_snapshot(&self.pool, &self.instance_id, server_id, body).await
    }

    /// Appends delta `seq`; false when this instance may not (lost lease).
    pub async fn append(&self, server_id: &str, seq: i64, entry: &FeedEntry) -> DbResult<bool> {
        server_feed::append_delta(
            &self.pool,
            &self.instance_id,
            server_id,
            seq,
            &to_json(entry),
        )
        .await
    }

    /// Rewrites the snapshot (`body`) as of `seq` and prunes the deltas it
    /// covers.
    pub async fn save(&self, server_id: &str, seq: i64, body: &str) -> DbResult<bool> {
        let saved =
            server_feed::save_snapshot(&self.pool, &self.instance_id, server_id, seq, body).await?;
        if saved {
            let keep = DELTA_RETENTION.as_millis() as i64;
            server_feed::prune_deltas(&self.pool, server_id, seq, keep).await?;
        }
        Ok(saved)
    }

    /// What follows `seq` (`None`: the mirror has nothing yet).
    pub async fn catch_up(&self, server_id: &str, seq: Option<i64>) -> DbResult<Catchup> {
        if let Some(seq) = seq {
            let rows = server_feed::deltas_after(&self.pool, server_id, seq, READ_BATCH).await?;
            let contiguous = rows.first().is_none_or(|(first, _)| *first == seq + 1);
            if contiguous && !rows.is_empty() {
                let entries = rows
                    .into_iter()
                    .map(|(seq, body)| Ok((seq, from_json(&body)?)))
                    .collect::<DbResult<Vec<_>>>()?;
                return Ok(Catchup::Deltas(entries));
            }
            // No delta after ours, or a gap: a newer snapshot means a new
            // owner (or pruned deltas); otherwise we are up to date.
            if contiguous
                && server_feed::snapshot_seq(&self.pool, server_id)
                    .await?
                    .is_none_or(|at| at <= seq)
            {
                return Ok(Catchup::Nothing);
            }
        }
        Ok(match server_feed::snapshot(&self.pool, server_id).await? {
            Some((seq, body)) => Catchup::Snapshot(seq, from_json(&body)?),
            None => Catchup::Nothing,
        })
    }

    /// The newest row number of every server's feed.
    pub async fn latest(&self) -> DbResult<HashMap<String, i64>> {
        Ok(server_feed::latest_seqs(&self.pool)
            .await?
            .into_iter()
            .collect())
    }

    /// Asks the owner of `server_id` to re-read the torrents `written`
    /// (by info hash) at once: an incremental poll may not see the change
    /// (Transmission does not count a stop as activity).
    pub async fn request_refresh(&self, server_id: &str, written: &[String]) -> DbResult<()> {
        server_feed::request_refresh(&self.pool, server_id, written).await
    }

    /// Listens for the feed's notifications until `shutdown` and wakes the
    /// poller concerned: a mirror to read the new rows, an owner to poll.
    /// After a lost connection every poller is woken (notifications sent
    /// meanwhile are gone); `FEED_CHECK_INTERVAL` bounds any other loss.
    pub async fn listen(self: Arc<Self>, wake: impl Fn(Wake<'_>), shutdown: CancellationToken) {
        loop {
            let outcome = tokio::select! {
                _ = shutdown.cancelled() => return,
                outcome = self.listen_once(&wake) => outcome,
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, "lost the database notifications; listening again");
            }
            wake(Wake::All);
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    async fn listen_once(&self, wake: &impl Fn(Wake<'_>)) -> DbResult<()> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener
            .listen_all([
                server_feed::DELTAS_CHANNEL,
                server_feed::REFRESH_CHANNEL,
                server_feed::CREDENTIALS_CHANNEL,
                server_feed::METAINFO_CHANNEL,
                server_feed::SERVERS_CHANNEL,
                engine_calls::CALLS_CHANNEL,
            ])
            .await?;
        // Rows written before the LISTEN took effect.
        wake(Wake::All);
        loop {
            // `None`: the connection was lost (and is re-established by the
            // next call); notifications in between are lost.
            let Some(notification) = listener.try_recv().await? else {
                wake(Wake::All);
                continue;
            };
            match notification.channel() {
                server_feed::CREDENTIALS_CHANNEL => {
                    wake(Wake::Credentials);
                    continue;
                }
                server_feed::SERVERS_CHANNEL => {
                    wake(Wake::Servers);
                    continue;
                }
                server_feed::METAINFO_CHANNEL => {
                    wake(Wake::Metainfo {
                        info_hash: notification.payload(),
                    });
                    continue;
                }
                engine_calls::CALLS_CHANNEL => {
                    // `<engine id>:<call id>`.
                    if let Some((engine_id, call_id)) = notification.payload().split_once(':') {
                        wake(Wake::EngineCall { engine_id, call_id });
                    }
                    continue;
                }
                _ => {}
            }
            // `<server id>:<seq>` or `<server id>:<hash>,<hash>…`.
            let payload = notification.payload();
            let (id, tail) = payload.split_once(':').unwrap_or((payload, ""));
            wake(if notification.channel() == server_feed::REFRESH_CHANNEL {
                Wake::Owner { id, written: tail }
            } else {
                Wake::Mirror { id }
            });
        }
    }
}

pub fn to_json(entry: &FeedEntry) -> String {
    serde_json::to_string(entry).unwrap_or_else(|_| "{}".into())
}

fn from_json(body: &str) -> DbResult<FeedEntry> {
    serde_json::from_str(body)
        .map_err(|error| crate::db::DbError::Sqlx(sqlx::Error::Decode(Box::new(error))))
}
