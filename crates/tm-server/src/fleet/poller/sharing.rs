//! A poller's side of the feed shared between instances: an owner writes
//! what its polls change, a mirror applies what its owner wrote.
//!
//! The owner starts with a full snapshot numbered after everything written
//! before, then appends one delta per change (and one when only the health
//! changed), rewriting the snapshot every `SNAPSHOT_INTERVAL`. A failed or
//! refused write makes it start over with a snapshot, so readers never see a
//! hole they cannot detect. A mirror applies deltas in order; on a gap or a
//! newer snapshot (new owner, pruned deltas) it reloads the snapshot.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tm_backends::{Torrent, TorrentChanges};

use super::super::feed::{Catchup, FeedEntry, SNAPSHOT_INTERVAL, to_json};
use super::{FleetEvent, Health, Poller, Role, Snapshot};

/// How often a mirror reads the feed on its own, unwoken. Rare: the
/// instance wakes the mirrors behind (`Fleet::wake_behind`) every few
/// seconds with one query for all.
pub const MIRROR_INTERVAL: Duration = Duration::from_secs(60);
/// Catch-up rounds per wake (each reads up to a batch of deltas).
const CATCHUP_ROUNDS: usize = 4;

/// Where a poller is in its server's feed.
#[derive(Debug, Default)]
pub struct Cursor {
    /// The last delta written (owner) or applied (mirror); `None`: an
    /// owner must write a snapshot first, a mirror must read one.
    seq: Option<i64>,
    /// When the owner last wrote the snapshot.
    saved_at: Option<Instant>,
    /// The health as last written.
    health: Option<Health>,
}

/// The torrents that differ between two snapshots, and those gone.
pub fn changes(before: &Snapshot, after: &Snapshot) -> (Vec<Torrent>, Vec<String>) {
    let changed = after
        .torrents()
        .filter(|torrent| before.torrent(&torrent.info_hash) != Some(*torrent))
        .cloned()
        .collect();
    let removed = before
        .views
        .keys()
        .filter(|hash| !after.contains(hash))
        .cloned()
        .collect();
    (changed, removed)
}

impl Poller {
    fn cursor(&self) -> std::sync::MutexGuard<'_, Cursor> {
        self.cursor.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The last feed row written (owner) or applied (mirror).
    pub fn feed_seq(&self) -> Option<i64> {
        self.cursor().seq
    }

    /// Owner: writes `changed` (torrents changed and removed), or only a
    /// changed health, or the first snapshot. Callers hold `poll_lock`.
    /// Failures are logged; the next poll starts over with a snapshot.
    pub(super) async fn share(&self, changed: Option<(Vec<Torrent>, Vec<String>)>) {
        let Some(feed) = self.feed.as_ref().filter(|_| self.role == Role::Owner) else {
            return;
        };
        let health = self.health();
        let (seq, health_changed, save_due) = {
            let cursor = self.cursor();
            let health_changed = cursor
                .health
                .as_ref()
                .is_none_or(|written| written.differs_for_mirrors(&health));
            let save_due = cursor
                .saved_at
                .is_none_or(|at| at.elapsed() >= SNAPSHOT_INTERVAL);
            (cursor.seq, health_changed, save_due)
        };
        let id = &self.spec.id;
        let outcome = match (seq, changed) {
            (None, _) => feed.start(id, &self.full_body(health.clone()).await).await,
            (Some(seq), changed) if changed.is_some() || health_changed => {
                let (torrents, removed) = changed.unwrap_or_default();
                let entry = FeedEntry {
                    torrents,
                    removed,
                    health: health.clone(),
                };
                let next = seq + 1;
                feed.append(id, next, &entry)
                    .await
                    .map(|written| written.then_some(next))
            }
            (Some(seq), _) => Ok(Some(seq)),
        };
        let written = match outcome {
            Ok(written) => written,
            Err(error) => {
                tracing::warn!(
                    server = %crate::logsafe::text(&self.spec.name),
                    %error,
                    "could not share the server's torrents with other instances"
                );
                None
            }
        };
        let Some(seq) = written else {
            // Not (or no longer) this instance's lease, or a failure: a
            // snapshot first next time.
            *self.cursor() = Cursor::default();
            return;
        };
        let fresh_start = self.cursor().seq.is_none();
        {
            let mut cursor = self.cursor();
            cursor.seq = Some(seq);
            cursor.health = Some(health.clone());
            if fresh_start {
                cursor.saved_at = Some(Instant::now());
            }
        }
        if save_due && !fresh_start {
            match feed.save(id, seq, &self.full_body(health).await).await {
                Ok(_) => self.cursor().saved_at = Some(Instant::now()),
                Err(error) => tracing::warn!(
                    server = %crate::logsafe::text(&self.spec.name),
                    %error,
                    "could not save the server's snapshot"
                ),
            }
        }
    }

    /// Everything this instance holds of the server, as a row's body;
    /// serialised off the async workers (a large list is CPU work).
    async fn full_body(&self, health: Health) -> String {
        let views = Arc::clone(&self.snapshot().views);
        let serialised = tokio::task::spawn_blocking(move || {
            to_json(&FeedEntry {
                torrents: views.values().map(|view| view.torrent.clone()).collect(),
                removed: Vec::new(),
                health,
            })
        })
        .await;
        // Only a panic fails; an unreadable body makes readers wait for
        // the next snapshot.
        serialised.unwrap_or_default()
    }

    /// Mirror: applies what the owner wrote since the last call. Callers
    /// hold `poll_lock`.
    pub(super) async fn follow(&self) {
        let Some(feed) = &self.feed else {
            return;
        };
        let mut reading_deltas = false;
        for _ in 0..CATCHUP_ROUNDS {
            let seq = self.cursor().seq;
            match feed.catch_up(&self.spec.id, seq).await {
                Ok(Catchup::Nothing) => return,
                Ok(Catchup::Snapshot(seq, entry)) => {
                    self.apply_shared(entry, true).await;
                    self.cursor().seq = Some(seq);
                    reading_deltas = false;
                }
                Ok(Catchup::Deltas(entries)) => {
                    for (seq, entry) in entries {
                        self.apply_shared(entry, false).await;
                        self.cursor().seq = Some(seq);
                    }
                    reading_deltas = true;
                }
                Err(error) => {
                    tracing::warn!(
                        server = %crate::logsafe::text(&self.spec.name),
                        %error,
                        "could not read the server's torrents from the database"
                    );
                    return;
                }
            }
        }
        // Still reading deltas after the last round: go on at once rather
        // than after the interval. (Not after a snapshot: reloading one
        // again and again is no progress; the interval bounds it.)
        if reading_deltas {
            self.wake.notify_one();
        }
    }

    /// Applies one feed entry like a poll: same snapshot, same live delta.
    async fn apply_shared(&self, entry: FeedEntry, full: bool) {
        let (changes, health) = entry.into_changes(full);
        // Only an over-large list fails, and the owner refused it already.
        let _ = self.publish(changes).await;
        let mut current = self.health.lock().unwrap_or_else(|e| e.into_inner());
        let changed = current.differs_for_mirrors(&health);
        current.follow(health);
        drop(current);
        if changed {
            let _ = self.events.send(Arc::new(FleetEvent::Health {
                user_id: self.spec.user_id.clone(),
            }));
        }
    }

    /// Mirror, after a write to `written` went to the client from here:
    /// asks the owner to re-read them, so every instance sees the write
    /// (this one already re-read it).
    pub(super) async fn ask_owner_to_reread(&self, written: &[String]) {
        let Some(feed) = self.feed.as_ref().filter(|_| self.role == Role::Mirror) else {
            return;
        };
        if let Err(error) = feed.request_refresh(&self.spec.id, written).await {
            tracing::warn!(%error, "could not ask the server's owner to poll");
        }
    }

    /// Owner, asked by a mirror: re-reads the torrents another instance
    /// wrote to (none named: lists everything), and so shares the change.
    pub fn reread_written(self: &Arc<Self>, written: Vec<String>) {
        if written.is_empty() {
            *self
                .last_full_list
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = None;
            self.wake();
            return;
        }
        let poller = Arc::clone(self);
        tokio::spawn(async move {
            // A failure is recorded in the health; the next poll retries.
            let _ = poller.reread(&written).await;
        });
    }

    /// Mirror: re-applies the snapshot as it is, so the views take the
    /// `has_metainfo` index as it is now (another instance stored a file).
    pub fn reflag(self: &Arc<Self>) {
        let poller = Arc::clone(self);
        tokio::spawn(async move {
            let _polling = poller.poll_lock.lock().await;
            let unchanged = TorrentChanges {
                full: false,
                torrents: Vec::new(),
                removed: Vec::new(),
            };
            // Only an over-large list fails, and the owner refused it already.
            let _ = poller.publish(unchanged).await;
        });
    }

    /// Whether the snapshot holds the torrent `info_hash`.
    pub fn holds(&self, info_hash: &str) -> bool {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(info_hash)
    }
}
