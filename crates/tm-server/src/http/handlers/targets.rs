//! The egress policy per user, as an admin sets it.

use axum::Json;
use axum::extract::State;
use tm_api_types::{ErrorBody, SetUserTargetsRequest, UserTargets};

use crate::core::{Core, Error};
use crate::http::extract::{AdminUser, ApiJson};
use crate::http::params::ApiPath;

/// Whether a user may make the service contact private targets.
#[utoipa::path(get, path = "/admin/users/{id}/targets", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = UserTargets), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_targets(
    State(core): State<Core>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UserTargets>, Error> {
    Ok(Json(core.user_targets(&id).await?))
}

/// Let a user (or stop letting them) make the service contact loopback,
/// private and link-local addresses and unix sockets.
#[utoipa::path(put, path = "/admin/users/{id}/targets", tag = "admin", params(("id" = String, Path)),
    request_body = SetUserTargetsRequest,
    responses((status = 200, body = UserTargets), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_targets(
    State(core): State<Core>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<SetUserTargetsRequest>,
) -> Result<Json<UserTargets>, Error> {
    Ok(Json(
        core.set_user_targets(&id, request.allow_private_targets)
            .await?,
    ))
}
