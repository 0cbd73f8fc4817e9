//! The move itself, in the background: the target gets the stored
//! metainfo, fetches the data from the source over BitTorrent (both announce
//! to the torrent's trackers), checks every piece; only then is the source
//! removed. A failure or cancel before that removes the target's copy and
//! leaves the source as it was.

use std::time::Duration;

use tm_api_types::{JobState, MovePhase};
use tm_backends::{ErrorKind, Torrent, TorrentErrorKind, TorrentState};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::move_start::MOVE_ACTION;
use super::{Core, JobHandle, User, name_of, now_millis};
use crate::core::Filing;
use crate::core::activity::Change;
use crate::core::torrent_move::same_dir;
use crate::core::torrents::settle;
use crate::db::JobRow;

/// How often the target is read while it downloads and checks.
const POLL: Duration = Duration::from_secs(1);
/// How long a recheck may take to show before the target's "complete" is
/// taken as checked (a small torrent is checked between two reads).
const CHECK_GRACE: Duration = Duration::from_secs(3);

/// Everything a move needs, fixed when it starts.
pub(super) struct MovePlan {
    pub row: JobRow,
    pub user: User,
    pub metainfo: Vec<u8>,
    pub filing: Filing,
    /// Where the source keeps the data (its `base_path`).
    pub source_data: String,
    /// Both clients run on the same host.
    pub same_host: bool,
}

/// Why a move stopped early.
enum Stop {
    Failed(String),
    Canceled,
    /// The server shuts down: the job stays `running` in the database, and
    /// the next start marks it failed ("interrupted by a restart").
    ShutDown,
}

impl From<crate::core::Error> for Stop {
    fn from(error: crate::core::Error) -> Self {
        Stop::Failed(error.to_string())
    }
}

/// What the job learned about the target's copy as it ran.
#[derive(Default)]
struct TargetCopy {
    /// The job added the torrent to the target (so a failure removes it).
    added: bool,
    /// The target's data is the source's own files (same host, same path):
    /// nothing of it may be deleted.
    shares_source_files: bool,
}

impl Core {
    pub(super) async fn run_move(self, mut plan: MovePlan, handle: JobHandle) {
        let mut copy = TargetCopy::default();
        let outcome = self.move_steps(&mut plan, &mut copy, &handle.cancel).await;
        let (state, message) = match outcome {
            Ok(message) => (JobState::Succeeded, message),
            Err(Stop::ShutDown) => {
                self.inner.jobs.end(&plan.row.id);
                return;
            }
            Err(Stop::Canceled) if handle.lost.is_cancelled() => {
                // Another instance failed the job, promising the source is
                // untouched: make the target as it was too.
                let cleanup = self.remove_target_copy(&plan, &copy).await;
                tracing::warn!(job = %plan.row.id, "a job taken over by another instance stopped{cleanup}");
                self.inner.jobs.end(&plan.row.id);
                return;
            }
            Err(Stop::Failed(why)) => {
                let cleanup = self.remove_target_copy(&plan, &copy).await;
                (JobState::Failed, format!("{why}{cleanup}"))
            }
            Err(Stop::Canceled) => {
                let cleanup = self.remove_target_copy(&plan, &copy).await;
                (JobState::Canceled, format!("Canceled{cleanup}"))
            }
        };
        let row = &mut plan.row;
        row.state = name_of(state);
        row.phase = name_of(MovePhase::Done);
        row.message = Some(message.clone());
        row.download_rate = 0;
        row.updated_at = now_millis();
        row.finished_at = Some(row.updated_at);
        match self.save_job(row).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = %row.id, "a job ended after another instance took it over")
            }
            Err(error) => {
                tracing::error!(%error, job = %row.id, "could not record the end of a job")
            }
        }
        let mut change = Change::torrent(
            &plan.user,
            MOVE_ACTION,
            Some(&row.from_server_id),
            &row.info_hash,
        );
        change.torrent_name = Some(row.name.clone());
        change.outcome = match state {
            JobState::Succeeded => Ok(message),
            _ => Err(message),
        };
        self.record_one(change).await;
        self.inner.jobs.end(&row.id);
    }

    /// Steps 1 to 5; answers what was done.
    async fn move_steps(
        &self,
        plan: &mut MovePlan,
        copy: &mut TargetCopy,
        cancel: &CancellationToken,
    ) -> Result<String, Stop> {
        self.add_to_target(plan, copy).await?;
        self.enter(plan, MovePhase::Downloading).await;
        self.wait_until_complete(plan, copy, cancel, false).await?;
        self.enter(plan, MovePhase::Verifying).await;
        let checked = self.verify_on_target(plan, copy, cancel).await?;
        if cancel.is_cancelled() {
            return Err(Stop::Canceled);
        }
        let target = self.server_name(&plan.row.to_server_id);
        if !plan.row.remove_source {
            return Ok(format!(
                "Copied to '{target}'{checked}; the source was kept"
            ));
        }
        // From here on the target has it all: nothing is undone.
        self.enter(plan, MovePhase::RemovingSource).await;
        let delete_data = plan.row.delete_data && !copy.shares_source_files;
        let removed = self
            .remove_torrent(
                &plan.user,
                &plan.row.info_hash,
                Some(&plan.row.from_server_id),
                delete_data,
            )
            .await
            .map_err(|error| {
                // The target's copy stays: it is complete and checked.
                copy.added = false;
                Stop::Failed(format!(
                    "'{target}' has it all{checked}, but removing the source failed: {error}"
                ))
            })?;
        Ok(format!(
            "Moved to '{target}'{checked}; source: {}",
            removed.message
        ))
    }

    /// Step 1: the stored .torrent, filed like the source's, started.
    async fn add_to_target(&self, plan: &MovePlan, copy: &mut TargetCopy) -> Result<(), Stop> {
        let poller = self.job_poller(&plan.row.to_server_id)?;
        let (hash, _) = self
            .add_file(
                &plan.user,
                &poller,
                plan.filing.clone(),
                plan.metainfo.clone(),
            )
            .await
            .map_err(|error| Stop::Failed(format!("the target refused the torrent: {error}")))?;
        copy.added = true;
        if hash != plan.row.info_hash {
            return Err(Stop::Failed(format!(
                "the target added the torrent as {hash}, not {}",
                plan.row.info_hash
            )));
        }
        settle(&poller, std::slice::from_ref(&hash), |t| t.is_some()).await;
        Ok(())
    }

    /// Steps 3 and 4: reads the target until it has every piece, keeping the
    /// job's progress; fails when nothing moves for the stall timeout.
    /// `checking`: a recheck was asked, so "complete" only counts once the
    /// check has shown or `CHECK_GRACE` has passed.
    async fn wait_until_complete(
        &self,
        plan: &mut MovePlan,
        copy: &mut TargetCopy,
        cancel: &CancellationToken,
        checking: bool,
    ) -> Result<Torrent, Stop> {
        let stall = self.config().move_stall_timeout;
        let started = Instant::now();
        let mut last_change = (plan.row.progress, Instant::now());
        let mut check_seen = !checking;
        loop {
            let torrent = self.target_torrent(plan).await?;
            copy.shares_source_files |= shares_source_files(plan, &torrent);
            let in_check = matches!(torrent.state, TorrentState::Checking);
            check_seen |= in_check || !torrent.complete || started.elapsed() >= CHECK_GRACE;
            if check_seen && !in_check && torrent.complete && torrent.progress >= 100.0 {
                self.progress(plan, &torrent).await;
                return Ok(torrent);
            }
            if torrent.error_kind == Some(TorrentErrorKind::Client) {
                let why = torrent.error.as_deref().unwrap_or("unknown error");
                return Err(Stop::Failed(format!("the target reports an error: {why}")));
            }
            self.progress(plan, &torrent).await;
            if torrent.progress != last_change.0 || in_check {
                last_change = (torrent.progress, Instant::now());
            } else if last_change.1.elapsed() >= stall {
                return Err(Stop::Failed(format!(
                    "no progress on the target for {} s (is the source seeding, and do both \
                     reach the torrent's trackers?)",
                    stall.as_secs()
                )));
            }
            let shutdown = self.fleet().shutdown_token();
            tokio::select! {
                _ = cancel.cancelled() => return Err(Stop::Canceled),
                _ = shutdown.cancelled() => return Err(Stop::ShutDown),
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Step 4: the target checks every piece; answers a note for the
    /// message (empty when the check ran).
    async fn verify_on_target(
        &self,
        plan: &mut MovePlan,
        copy: &mut TargetCopy,
        cancel: &CancellationToken,
    ) -> Result<String, Stop> {
        let poller = self.job_poller(&plan.row.to_server_id)?;
        let hashes = std::slice::from_ref(&plan.row.info_hash);
        match poller.client().recheck(hashes).await {
            Ok(()) => {}
            Err(error) if matches!(error.kind(), ErrorKind::Unsupported(_)) => {
                return Ok(" (the target cannot recheck: its own piece checks stand)".into());
            }
            Err(error) => {
                return Err(Stop::Failed(format!(
                    "the target's recheck failed: {error}"
                )));
            }
        }
        self.wait_until_complete(plan, copy, cancel, true).await?;
        Ok(" and verified".into())
    }

    /// The target's view of the torrent, read now.
    async fn target_torrent(&self, plan: &MovePlan) -> Result<Torrent, Stop> {
        let poller = self.job_poller(&plan.row.to_server_id)?;
        poller
            .check_available()
            .map_err(|why| Stop::Failed(format!("the target failed: {why}")))?;
        let hash = &plan.row.info_hash;
        // A failed read is the target's health's business; the snapshot stays.
        let _ = poller.reread(std::slice::from_ref(hash)).await;
        poller
            .snapshot()
            .torrent(hash)
            .cloned()
            .ok_or_else(|| Stop::Failed("the torrent disappeared from the target".into()))
    }

    /// Removes what the job added to the target, with its data unless that
    /// is the source's own; answers a note for the job's message.
    async fn remove_target_copy(&self, plan: &MovePlan, copy: &TargetCopy) -> String {
        if !copy.added {
            return String::new();
        }
        let row = &plan.row;
        let now_on_target = self
            .fleet()
            .get(&row.to_server_id)
            .and_then(|p| p.snapshot().torrent(&row.info_hash).cloned());
        let shared = copy.shares_source_files
            || now_on_target.is_some_and(|t| shares_source_files(plan, &t));
        let delete_data = !shared;
        match self
            .remove_torrent(
                &plan.user,
                &row.info_hash,
                Some(&row.to_server_id),
                delete_data,
            )
            .await
        {
            Ok(removed) => format!("; the target's copy was removed ({})", removed.message),
            Err(error) => format!("; the target's copy could not be removed: {error}"),
        }
    }

    /// Moves the job to `phase`.
    async fn enter(&self, plan: &mut MovePlan, phase: MovePhase) {
        plan.row.phase = name_of(phase);
        self.touch(&mut plan.row).await;
    }

    /// Records the target's progress and rate when they changed.
    async fn progress(&self, plan: &mut MovePlan, torrent: &Torrent) {
        let progress = (torrent.progress / 100.0).clamp(0.0, 1.0);
        let rate = i64::try_from(torrent.download_rate).unwrap_or(i64::MAX);
        if progress != plan.row.progress || rate != plan.row.download_rate {
            plan.row.progress = progress;
            plan.row.download_rate = rate;
            self.touch(&mut plan.row).await;
        }
    }

    async fn touch(&self, row: &mut JobRow) {
        row.updated_at = now_millis();
        // A job taken over stops at its next look at its row (`runners`).
        if let Err(error) = self.save_job(row).await {
            tracing::warn!(%error, job = %row.id, "could not record a job's progress");
        }
    }

    /// The poller of one of the job's servers (it may have been deleted).
    fn job_poller(&self, server_id: &str) -> Result<std::sync::Arc<crate::fleet::Poller>, Stop> {
        self.fleet()
            .get(server_id)
            .ok_or_else(|| Stop::Failed("a server of the move was deleted or disabled".into()))
    }

    fn server_name(&self, server_id: &str) -> String {
        self.fleet()
            .get(server_id)
            .map_or_else(|| server_id.to_string(), |p| p.spec().name.clone())
    }
}

/// Whether the target's data is the source's own files (same host, same
/// path): then nothing of it may be deleted.
fn shares_source_files(plan: &MovePlan, torrent: &Torrent) -> bool {
    plan.same_host && same_data(&torrent.base_path, &plan.source_data)
}

/// Two data paths are the same (an unknown one is not).
fn same_data(target: &str, source: &str) -> bool {
    !target.is_empty() && same_dir(target, source)
}

#[cfg(test)]
mod tests {
    #[test]
    fn data_is_shared_only_at_the_very_same_path() {
        assert!(super::same_data("/data/x.bin", "/data/x.bin"));
        assert!(super::same_data("/data/show/", "/data/show"));
        assert!(!super::same_data("/other/x.bin", "/data/x.bin"));
        assert!(!super::same_data("", "/data/x.bin"));
    }
}
