use axum::Json;
use axum::extract::State;
use tm_api_types::{ActivityPage, ActivityQuery, ErrorBody};

use crate::core::{Core, Error};
use crate::http::extract::CurrentUser;
use crate::http::params::ApiQuery;

/// Changes to your torrents, servers and account, newest first: who made
/// each (web UI, API key, qBittorrent client, rule), what, when, and whether
/// it worked. Admins also see everyone's account and server changes (the
/// audit log).
#[utoipa::path(get, path = "/activity", tag = "activity", params(ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<ActivityPage>, Error> {
    Ok(Json(core.list_activity(&identity.user, &query).await?))
}
