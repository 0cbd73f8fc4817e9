//! Which instance runs a job when several share one PostgreSQL database.
//!
//! A job runs as a task in the instance that started it (its `runner`).
//! When that instance dies, a survivor fails the job (one conditional
//! UPDATE, so only one survivor does) rather than resuming it: the phases
//! are not idempotent as they stand. A resumed "adding" cannot tell the
//! job's own copy on the target from one the user added meanwhile (so its
//! cleanup could delete someone's data), and a half-done "removing_source"
//! cannot be told from one not begun. Failing is safe: the source is not
//! touched before the target has it all, checked. The target's partial copy
//! is left where it is (only the runner knows it added it) and the message
//! says so; a runner that was only cut off and comes back notices, stops
//! and removes its copy itself.
//!
//! A cancel through another instance is recorded in the row; the runner
//! reads its row every second and notices it (`watch_job_row`).

use std::time::Duration;

use tm_api_types::Job;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{CANCEL_WAIT, Core, Error, JobHandle, Result, User, now_millis};

/// What a job whose instance died is failed with (the second: it was
/// removing its source).
pub(super) const ORPHANED: [&str; 2] = [
    "its instance of torrent-manager stopped; the source was left as it was \
     (a partial copy may remain on the target)",
    "its instance of torrent-manager stopped while removing the source; the \
     target has the complete, checked copy (see whether the source is still there)",
];
/// How often a runner reads its job's row (cancel asked, taken over).
const WATCH: Duration = Duration::from_secs(1);
/// How often a cancel through another instance looks whether the job ended.
const CANCEL_POLL: Duration = Duration::from_millis(250);

/// With heartbeats, until shutdown: fails the jobs of instances that died.
/// Returns at once on SQLite (the start fails a previous run's jobs).
pub async fn run_job_takeover(core: Core, shutdown: CancellationToken) {
    if !core.fleet().ownership().is_shared() {
        return;
    }
    let mut tick = tokio::time::interval(core.config().instance_heartbeat);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        match core.fail_orphaned_jobs(ORPHANED).await {
            Ok(0) => {}
            Ok(failed) => tracing::warn!(failed, "jobs of a stopped instance marked failed"),
            Err(error) => tracing::warn!(%error, "could not look for jobs of stopped instances"),
        }
    }
}

impl Core {
    /// Fails the running jobs nothing runs any more (see
    /// `Store::fail_orphaned_jobs`), tells their users; answers how many.
    pub(super) async fn fail_orphaned_jobs(&self, messages: [&str; 2]) -> Result<usize> {
        let live_within =
            i64::try_from(self.config().instance_lease.as_millis()).unwrap_or(i64::MAX);
        let rows = self
            .store()
            .fail_orphaned_jobs(messages, now_millis(), live_within)
            .await?;
        for row in &rows {
            self.publish_job(row);
        }
        Ok(rows.len())
    }

    /// Cancels a job another instance runs: asks through its row, then
    /// waits (bounded) for the runner to end it.
    pub(super) async fn cancel_elsewhere(&self, user: &User, id: &str) -> Result<Job> {
        if !self.fleet().ownership().is_shared() {
            return Err(Error::Conflict(
                "the job runs in another instance of torrent-manager".into(),
            ));
        }
        self.store().request_job_cancel(id).await?;
        let deadline = Instant::now() + CANCEL_WAIT;
        loop {
            let job = self.get_job(user, id).await?;
            if job.state.is_finished() || Instant::now() >= deadline {
                return Ok(job);
            }
            tokio::time::sleep(CANCEL_POLL).await;
        }
    }

    /// Reads the running job's row every second until it ends here: a
    /// cancel asked through another instance cancels it, and a row no
    /// longer running (taken over) stops it as lost. Only with several
    /// instances: alone, every cancel comes through this one.
    pub(super) fn watch_job_row(&self, id: &str, handle: &JobHandle) {
        if !self.fleet().ownership().is_shared() {
            return;
        }
        let (core, id, handle) = (self.clone(), id.to_string(), handle.clone());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = handle.finished.cancelled() => return,
                    _ = tokio::time::sleep(WATCH) => {}
                }
                match core.store().job_control(&id).await {
                    Ok(Some((true, false))) => {}
                    Ok(Some((true, true))) => handle.cancel.cancel(),
                    Ok(_) => {
                        handle.lost.cancel();
                        handle.cancel.cancel();
                        return;
                    }
                    Err(error) => tracing::debug!(%error, job = %id, "could not read a job's row"),
                }
            }
        });
    }
}
