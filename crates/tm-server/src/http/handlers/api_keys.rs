use axum::Json;
use axum::extract::State;
use tm_api_types::{
    ApiKeyList, CreateApiKeyRequest, CreateApiKeyResponse, ErrorBody, RevokeApiKeyResponse,
};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, SessionUser};
use crate::http::params::ApiPath;

/// Create an API key (password login required). The key is shown only here.
#[utoipa::path(post, path = "/auth/api-keys", tag = "api-keys", request_body = CreateApiKeyRequest,
    responses((status = 200, body = CreateApiKeyResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "called with an API key"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(core): State<Core>,
    SessionUser(identity): SessionUser,
    ApiJson(request): ApiJson<CreateApiKeyRequest>,
) -> Result<Json<CreateApiKeyResponse>, Error> {
    Ok(Json(core.create_api_key(&identity.user, request).await?))
}

/// The caller's keys; key values never appear.
#[utoipa::path(get, path = "/auth/api-keys", tag = "api-keys",
    responses((status = 200, body = ApiKeyList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    SessionUser(identity): SessionUser,
) -> Result<Json<ApiKeyList>, Error> {
    Ok(Json(ApiKeyList {
        api_keys: core.list_api_keys(&identity.user).await?,
    }))
}

/// Revoke a key by its prefix (the 8 characters shown in the list).
#[utoipa::path(delete, path = "/auth/api-keys/{prefix}", tag = "api-keys",
    params(("prefix" = String, Path, description = "the key's prefix")),
    responses((status = 200, body = RevokeApiKeyResponse), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "prefix matches several keys")))]
pub async fn revoke(
    State(core): State<Core>,
    SessionUser(identity): SessionUser,
    ApiPath(prefix): ApiPath<String>,
) -> Result<Json<RevokeApiKeyResponse>, Error> {
    let name = core.revoke_api_key(&identity.user, &prefix).await?;
    Ok(Json(RevokeApiKeyResponse {
        message: "API key revoked successfully".into(),
        name,
    }))
}
