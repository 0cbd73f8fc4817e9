//! Jobs: moving a torrent with its data to another server, and following it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tm_api_types::{ErrorBody, Job, JobList, MoveToServerRequest};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::ApiPath;

/// Move a complete torrent with its data to another of your servers. The
/// target gets the stored .torrent (labels and the source's category kept)
/// and downloads the data from the source over BitTorrent (both announce to
/// the torrent's trackers); once it has checked every piece the source is
/// removed (its data too with `delete_data`). Follow the job with
/// `GET /jobs/{id}` or the `job` live event; a failure or cancel removes
/// the target's copy and leaves the source as it was.
#[utoipa::path(post, path = "/torrents/{info_hash}/move", tag = "jobs",
    params(("info_hash" = String, Path)), request_body = MoveToServerRequest,
    responses((status = 202, body = Job, description = "the job, running"),
        (status = 400, body = ErrorBody, description = "a malformed hash, or save_path not an absolute, normalised directory"),
        (status = 404, body = ErrorBody, description = "server_not_found (either server), torrent_not_found (not on the source)"),
        (status = 409, body = ErrorBody, description = "duplicate_torrent (already on the target), incomplete (the source lacks data), metainfo_missing (no stored .torrent), conflict (a move of it is running, or a server is disabled)"),
        (status = 422, body = ErrorBody, description = "the same server twice, or save_path is the source's own directory on the same host"),
        (status = 503, body = ErrorBody, description = "a server is unavailable")))]
pub async fn move_to_server(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(info_hash): ApiPath<String>,
    ApiJson(request): ApiJson<MoveToServerRequest>,
) -> Result<(StatusCode, Json<Job>), Error> {
    let job = core
        .move_to_server(&identity.user, &info_hash, request)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Your jobs, newest first (the latest 200).
#[utoipa::path(get, path = "/jobs", tag = "jobs",
    responses((status = 200, body = JobList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<JobList>, Error> {
    Ok(Json(core.list_jobs(&identity.user).await?))
}

/// One of your jobs.
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs", params(("id" = String, Path)),
    responses((status = 200, body = Job), (status = 404, body = ErrorBody, description = "job_not_found")))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Job>, Error> {
    Ok(Json(core.get_job(&identity.user, &id).await?))
}

/// Cancel a running job: the target's copy is removed (with its data), the
/// source left as it was. Answers the job once it has cleaned up.
#[utoipa::path(post, path = "/jobs/{id}/cancel", tag = "jobs", params(("id" = String, Path)),
    responses((status = 200, body = Job, description = "the job, canceled (or still running when the cleanup takes over a minute)"),
        (status = 404, body = ErrorBody, description = "job_not_found"),
        (status = 409, body = ErrorBody, description = "the job has already finished")))]
pub async fn cancel(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Job>, Error> {
    Ok(Json(core.cancel_job(&identity.user, &id).await?))
}
