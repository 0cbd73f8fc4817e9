//! Jobs (moves between servers) and their progress.

use super::leases::db_now_ms;
use super::{DbResult, Store, conflict_on_unique, on_pool};

/// One row of `jobs`; `state` and `phase` are the API's snake_case names.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JobRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub state: String,
    pub phase: String,
    pub info_hash: String,
    pub name: String,
    pub from_server_id: String,
    pub to_server_id: String,
    pub save_path: Option<String>,
    pub remove_source: bool,
    pub delete_data: bool,
    pub size: i64,
    pub progress: f64,
    pub download_rate: i64,
    pub message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// Jobs a list shows, newest first.
const LISTED: i64 = 200;

macro_rules! columns {
    () => {
        "id, user_id, kind, state, phase, info_hash, name, from_server_id, to_server_id, \
         save_path, remove_source, delete_data, size, progress, download_rate, message, \
         created_at, updated_at, finished_at"
    };
}

impl Store {
    /// Inserts a new job run by the instance `runner`; a second running job
    /// of the same torrent and user is a conflict.
    pub async fn insert_job(&self, row: &JobRow, runner: &str) -> DbResult<()> {
        const SQL: &str = concat!(
            "INSERT INTO jobs (",
            columns!(),
            ", runner) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             $16, $17, $18, $19, $20)"
        );
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.user_id)
            .bind(&row.kind)
            .bind(&row.state)
            .bind(&row.phase)
            .bind(&row.info_hash)
            .bind(&row.name)
            .bind(&row.from_server_id)
            .bind(&row.to_server_id)
            .bind(&row.save_path)
            .bind(row.remove_source)
            .bind(row.delete_data)
            .bind(row.size)
            .bind(row.progress)
            .bind(row.download_rate)
            .bind(&row.message)
            .bind(row.created_at)
            .bind(row.updated_at)
            .bind(row.finished_at)
            .bind(runner)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(conflict_on_unique("running move of this torrent"))?;
        Ok(())
    }

    /// Writes where a running job is (state, phase, progress, message,
    /// times). False when the job has ended meanwhile (another instance
    /// took it over): a finished job is never written again.
    pub async fn update_job(&self, row: &JobRow) -> DbResult<bool> {
        const SQL: &str = "UPDATE jobs SET state = $1, phase = $2, progress = $3, \
             download_rate = $4, message = $5, updated_at = $6, finished_at = $7 \
             WHERE id = $8 AND state = 'running'";
        let updated = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.state)
            .bind(&row.phase)
            .bind(row.progress)
            .bind(row.download_rate)
            .bind(&row.message)
            .bind(row.updated_at)
            .bind(row.finished_at)
            .bind(&row.id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(updated > 0)
    }

    pub async fn job_of(&self, id: &str, user_id: &str) -> DbResult<Option<JobRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM jobs WHERE id = $1 AND user_id = $2"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, JobRow>(SQL)
            .bind(id)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?)
    }

    /// The user's latest jobs, newest first.
    pub async fn jobs_of(&self, user_id: &str) -> DbResult<Vec<JobRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM jobs WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, JobRow>(SQL)
            .bind(user_id)
            .bind(LISTED)
            .fetch_all(pool)
            .await)?)
    }

    /// Whether the user has a running job on this torrent.
    pub async fn has_running_job(&self, user_id: &str, info_hash: &str) -> DbResult<bool> {
        const SQL: &str = "SELECT COUNT(*) FROM jobs \
             WHERE user_id = $1 AND info_hash = $2 AND state = 'running'";
        let count: i64 = on_pool!(self, |pool| sqlx::query_scalar(SQL)
            .bind(user_id)
            .bind(info_hash)
            .fetch_one(pool)
            .await)?;
        Ok(count > 0)
    }

    /// Fails the running jobs whose runner is gone, in one conditional
    /// statement (two instances never both take one over), with
    /// `message_at[0]`, or `message_at[1]` for those that were removing
    /// their source; answers them. On PostgreSQL a runner is gone when it
    /// has not beaten within `live_within_ms`; on SQLite (one process) every
    /// running job is a previous process's.
    pub async fn fail_orphaned_jobs(
        &self,
        message_at: [&str; 2],
        now: i64,
        live_within_ms: i64,
    ) -> DbResult<Vec<JobRow>> {
        macro_rules! fail_orphans {
            ($($runner_gone:expr),*) => {
                concat!(
                    "UPDATE jobs SET state = 'failed', phase = 'done', \
                     message = CASE WHEN phase = 'removing_source' THEN $2 ELSE $1 END, \
                     updated_at = $3, finished_at = $3 WHERE state = 'running'",
                    $($runner_gone,)*
                    " RETURNING ",
                    columns!()
                )
            };
        }
        const POSTGRES: &str = fail_orphans!(
            " AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = jobs.runner \
             AND i.heartbeat_at > ",
            db_now_ms!(),
            " - $4)"
        );
        const SQLITE: &str = fail_orphans!();
        Ok(match self {
            Store::Postgres(pool) => {
                sqlx::query_as(POSTGRES)
                    .bind(message_at[0])
                    .bind(message_at[1])
                    .bind(now)
                    .bind(live_within_ms)
                    .fetch_all(pool)
                    .await?
            }
            Store::Sqlite(pool) => {
                sqlx::query_as(SQLITE)
                    .bind(message_at[0])
                    .bind(message_at[1])
                    .bind(now)
                    .fetch_all(pool)
                    .await?
            }
        })
    }

    /// Asks the runner of a running job to cancel it; false when the job is
    /// not running.
    pub async fn request_job_cancel(&self, id: &str) -> DbResult<bool> {
        const SQL: &str =
            "UPDATE jobs SET cancel_requested = TRUE WHERE id = $1 AND state = 'running'";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Whether the job still runs, and whether a cancel was asked (`None`:
    /// the job is gone).
    pub async fn job_control(&self, id: &str) -> DbResult<Option<(bool, bool)>> {
        const SQL: &str = "SELECT state = 'running', cancel_requested FROM jobs WHERE id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, (bool, bool)>(
            SQL
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }
}
