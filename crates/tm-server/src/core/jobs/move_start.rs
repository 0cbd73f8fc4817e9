//! `POST /torrents/{hash}/move`: the checks, the job's row, and its task
//! started in the background (`move_run`).

use tm_api_types::{Job, JobState, MovePhase, MoveToServerRequest};

use super::move_checks::{MoveFacts, check_move, distinct_servers};
use super::move_run::MovePlan;
use super::{Core, Error, Result, User, job_of, name_of, now_millis};
use crate::core::Filing;
use crate::core::activity::{Actor, with_actor};
use crate::db::JobRow;

/// The activity log's name for a move between servers.
pub(super) const MOVE_ACTION: &str = "move_to_server";

impl Core {
    /// Starts moving a torrent with its data to another of the user's
    /// servers; answers the running job.
    pub async fn move_to_server(
        &self,
        user: &User,
        hash: &str,
        request: MoveToServerRequest,
    ) -> Result<Job> {
        let change = self.torrent_change(user, MOVE_ACTION, Some(&request.from_server_id), hash);
        let result = self.start_move(user, hash, request).await;
        self.recorded(change, result, |job| {
            format!("Move to another server started (job {})", job.id)
        })
        .await
    }

    async fn start_move(
        &self,
        user: &User,
        hash: &str,
        request: MoveToServerRequest,
    ) -> Result<Job> {
        let hash = tm_backends::magnet::parse_info_hash(hash.trim())
            .map_err(|e| Error::BadRequest(e.to_string()))?;
        let from = self.server_row(user, &request.from_server_id).await?;
        let to = self.server_row(user, &request.to_server_id).await?;
        distinct_servers(&from.id, &to.id)?;
        // Both must be up now; the job re-checks as it goes.
        let source = self.live_poller(&from.id, &from.name, from.enabled)?;
        let target = self.live_poller(&to.id, &to.name, to.enabled)?;
        let torrent = source.snapshot().torrent(&hash).cloned();
        let metainfo = self.store().metainfo(&hash).await?;
        let same_host = from.host.eq_ignore_ascii_case(&to.host);
        let facts = MoveFacts {
            target_name: &to.name,
            source: torrent.as_ref(),
            on_target: target.snapshot().contains(&hash),
            has_metainfo: metainfo.is_some(),
            same_host,
        };
        let save_path = check_move(&facts, request.save_path)?;
        if self.store().has_running_job(&user.id, &hash).await? {
            return Err(Error::Conflict(
                "this torrent is already being moved; cancel that job first".into(),
            ));
        }
        let (Some(torrent), Some(metainfo)) = (torrent, metainfo) else {
            return Err(Error::Internal("checked move lost its torrent".into()));
        };
        let now = now_millis();
        let row = JobRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id.clone(),
            kind: "move".into(),
            state: name_of(JobState::Running),
            phase: name_of(MovePhase::Adding),
            info_hash: hash,
            name: torrent.name.clone(),
            from_server_id: from.id,
            to_server_id: to.id,
            save_path: save_path.clone(),
            remove_source: request.remove_source,
            delete_data: request.delete_data,
            size: i64::try_from(torrent.size).unwrap_or(i64::MAX),
            progress: 0.0,
            download_rate: 0,
            message: None,
            created_at: now,
            updated_at: now,
            finished_at: None,
        };
        let runner = self.fleet().ownership().instance_id();
        self.store().insert_job(&row, runner).await?;
        self.publish_job(&row);
        let job = job_of(row.clone())?;
        let plan = MovePlan {
            row,
            user: user.clone(),
            metainfo: metainfo.data,
            filing: Filing {
                start: true,
                labels: torrent.labels,
                save_path,
                category: torrent.category,
                skip_checking: false,
            },
            source_data: torrent.base_path,
            same_host,
        };
        let handle = self.inner.jobs.start(&job.id);
        self.watch_job_row(&job.id, &handle);
        let core = self.clone();
        // The job records its outcome as whoever asked for it.
        tokio::spawn(with_actor(Actor::current(), async move {
            core.run_move(plan, handle).await
        }));
        Ok(job)
    }
}
