//! Jobs: work a request starts and the user follows afterwards (today:
//! moving a torrent with its data to another server, `move_start` and
//! `move_run`). Each job is a row of `jobs`, updated as it goes; every
//! change is also a `job` live event of its user.

mod move_checks;
mod move_run;
mod move_start;
mod runners;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tm_api_types::{Job, JobList, JobState, MovePhase};
use tokio_util::sync::CancellationToken;

use super::{Core, Error, Result, User, from_millis, now_millis};
use crate::db::JobRow;
use crate::fleet::FleetEvent;

pub use runners::run_job_takeover;

/// What a job still running when the process ended is marked with.
const INTERRUPTED: &str = "interrupted by a restart";
/// How long a cancel waits for the job to clean up before it answers.
const CANCEL_WAIT: Duration = Duration::from_secs(60);

/// The jobs running in this process: how to cancel each, and when it ended.
#[derive(Default)]
pub(crate) struct RunningJobs {
    jobs: Mutex<HashMap<String, JobHandle>>,
}

#[derive(Clone)]
struct JobHandle {
    cancel: CancellationToken,
    finished: CancellationToken,
    /// Another instance took the job over (this one counted as dead): it
    /// stops, and its end is not recorded (the taker recorded one).
    lost: CancellationToken,
}

impl RunningJobs {
    fn start(&self, id: &str) -> JobHandle {
        let handle = JobHandle {
            cancel: CancellationToken::new(),
            finished: CancellationToken::new(),
            lost: CancellationToken::new(),
        };
        self.lock().insert(id.to_string(), handle.clone());
        handle
    }

    fn get(&self, id: &str) -> Option<JobHandle> {
        self.lock().get(id).cloned()
    }

    fn end(&self, id: &str) {
        if let Some(handle) = self.lock().remove(id) {
            handle.finished.cancel();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, JobHandle>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Core {
    /// The user's jobs, newest first.
    pub async fn list_jobs(&self, user: &User) -> Result<JobList> {
        let rows = self.store().jobs_of(&user.id).await?;
        Ok(JobList {
            jobs: rows.into_iter().map(job_of).collect::<Result<_>>()?,
        })
    }

    pub async fn get_job(&self, user: &User, id: &str) -> Result<Job> {
        job_of(self.job_row(user, id).await?)
    }

    /// Cancels a running job: its target copy is removed, the source left
    /// as it is. Answers the job once it has cleaned up (or after a while,
    /// still running, when the cleanup takes long). A job running in another
    /// instance is asked through its row (`runners`).
    pub async fn cancel_job(&self, user: &User, id: &str) -> Result<Job> {
        let row = self.job_row(user, id).await?;
        if state_of(&row.state)?.is_finished() {
            return Err(Error::Conflict(format!(
                "the job has already {}",
                row.state
            )));
        }
        let Some(handle) = self.inner.jobs.get(&row.id) else {
            return self.cancel_elsewhere(user, &row.id).await;
        };
        handle.cancel.cancel();
        let _ = tokio::time::timeout(CANCEL_WAIT, handle.finished.cancelled()).await;
        self.get_job(user, id).await
    }

    /// Marks the jobs a previous process left running as failed: nothing
    /// runs them any more. With several instances, only the jobs of
    /// instances that are gone: the others' jobs still run.
    pub async fn fail_interrupted_jobs(&self) -> Result<()> {
        let messages = if self.fleet().ownership().is_shared() {
            runners::ORPHANED
        } else {
            [INTERRUPTED, INTERRUPTED]
        };
        let failed = self.fail_orphaned_jobs(messages).await?;
        if failed > 0 {
            tracing::warn!(
                failed,
                "jobs left running by a previous process marked failed"
            );
        }
        Ok(())
    }

    async fn job_row(&self, user: &User, id: &str) -> Result<JobRow> {
        self.store()
            .job_of(id, &user.id)
            .await?
            .ok_or(Error::JobNotFound)
    }

    /// Writes the running job and tells the user's live streams; false
    /// when it had ended meanwhile (taken over by another instance).
    async fn save_job(&self, row: &JobRow) -> Result<bool> {
        let saved = self.store().update_job(row).await?;
        if saved {
            self.publish_job(row);
        }
        Ok(saved)
    }

    fn publish_job(&self, row: &JobRow) {
        let job = job_of(row.clone()).and_then(|job| {
            serde_json::to_string(&job).map_err(|e| Error::Internal(e.to_string()))
        });
        match job {
            Ok(job) => self.fleet().publish(FleetEvent::Job {
                user_id: row.user_id.clone(),
                job,
            }),
            Err(error) => tracing::warn!(%error, "could not publish a job event"),
        }
    }
}

/// The API's view of a row.
fn job_of(row: JobRow) -> Result<Job> {
    Ok(Job {
        state: state_of(&row.state)?,
        phase: phase_of(&row.phase)?,
        id: row.id,
        kind: row.kind,
        info_hash: row.info_hash,
        name: row.name,
        from_server_id: row.from_server_id,
        to_server_id: row.to_server_id,
        save_path: row.save_path,
        remove_source: row.remove_source,
        delete_data: row.delete_data,
        size: u64::try_from(row.size).unwrap_or_default(),
        progress: row.progress,
        download_rate: u64::try_from(row.download_rate).unwrap_or_default(),
        message: row.message,
        created_at: from_millis(row.created_at),
        updated_at: from_millis(row.updated_at),
        finished_at: row.finished_at.map(from_millis),
    })
}

fn state_of(text: &str) -> Result<JobState> {
    named(text)
}

fn phase_of(text: &str) -> Result<MovePhase> {
    named(text)
}

/// A stored snake_case name as its enum.
fn named<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|e| Error::Internal(format!("stored job field {text:?}: {e}")))
}

/// An enum's snake_case name, as stored.
fn name_of(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_phases_round_trip_through_their_stored_names() {
        for state in [
            JobState::Running,
            JobState::Succeeded,
            JobState::Failed,
            JobState::Canceled,
        ] {
            assert_eq!(state_of(&name_of(state)).unwrap(), state);
        }
        assert_eq!(name_of(MovePhase::RemovingSource), "removing_source");
        assert_eq!(phase_of("verifying").unwrap(), MovePhase::Verifying);
        assert!(state_of("sleeping").is_err());
    }
}
