use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::HeaderMap;
use tm_api_types::{
    ClientKindInfo, CreateServerRequest, DeleteServerResponse, ErrorBody, ServerInfo,
    TestServerResponse, UpdateServerRequest,
};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::ApiPath;

/// Register a torrent client. The user's first server becomes the default.
#[utoipa::path(post, path = "/servers", tag = "servers", request_body = CreateServerRequest,
    responses((status = 200, body = ServerInfo), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(request): ApiJson<CreateServerRequest>,
) -> Result<Json<ServerInfo>, Error> {
    Ok(Json(core.create_server(&identity.user, request).await?))
}

/// The client kinds a server can run, each with its transports and their
/// default ports and paths (what a server form offers).
#[utoipa::path(get, path = "/clients", tag = "servers",
    responses((status = 200, body = Vec<ClientKindInfo>), (status = 401, body = ErrorBody)))]
pub async fn client_kinds(_user: CurrentUser) -> Json<Vec<ClientKindInfo>> {
    Json(
        tm_api_types::ServerType::ALL
            .into_iter()
            .map(ClientKindInfo::from)
            .collect(),
    )
}

#[utoipa::path(get, path = "/servers", tag = "servers",
    responses((status = 200, body = Vec<ServerInfo>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<Vec<ServerInfo>>, Error> {
    Ok(Json(core.list_servers(&identity.user).await?))
}

#[utoipa::path(get, path = "/servers/{id}", tag = "servers", params(("id" = String, Path)),
    responses((status = 200, body = ServerInfo), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ServerInfo>, Error> {
    Ok(Json(core.get_server(&identity.user, &id).await?))
}

/// Change the fields sent; `null` clears a nullable field.
#[utoipa::path(put, path = "/servers/{id}", tag = "servers", params(("id" = String, Path)),
    request_body = UpdateServerRequest,
    responses((status = 200, body = ServerInfo), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<UpdateServerRequest>,
) -> Result<Json<ServerInfo>, Error> {
    Ok(Json(
        core.update_server(&identity.user, &id, request).await?,
    ))
}

#[utoipa::path(delete, path = "/servers/{id}", tag = "servers", params(("id" = String, Path)),
    responses((status = 200, body = DeleteServerResponse), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<DeleteServerResponse>, Error> {
    let name = core.delete_server(&identity.user, &id).await?;
    Ok(Json(DeleteServerResponse {
        status: "deleted".into(),
        message: format!("Server '{name}' deleted successfully"),
    }))
}

/// Check that the server answers; the result is in the body, never an HTTP
/// error. Without a body the stored settings are tried; with the body of
/// `PUT /servers/{id}`, those changes over the stored settings (stored
/// passwords used where the body has none), checked as the update would
/// check them. Nothing is saved.
#[utoipa::path(post, path = "/servers/{id}/test", tag = "servers", params(("id" = String, Path)),
    request_body(content = Option<UpdateServerRequest>, description = "optional: changes to try over the stored settings"),
    responses((status = 200, body = TestServerResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the target is not allowed (forbidden_target)"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "the changed settings are invalid")))]
pub async fn test(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TestServerResponse>, Error> {
    let changes = optional_json::<UpdateServerRequest>(headers, body).await?;
    Ok(Json(core.test_server(&identity.user, &id, changes).await?))
}

/// An optional JSON body: none when empty, else read as `ApiJson` reads one
/// (same content-type check and error).
async fn optional_json<T>(headers: HeaderMap, body: Bytes) -> Result<Option<T>, Error>
where
    T: serde::de::DeserializeOwned,
{
    if body.is_empty() {
        return Ok(None);
    }
    let mut request = Request::new(Body::from(body));
    *request.headers_mut() = headers;
    let ApiJson(value) = ApiJson::<T>::from_request(request, &()).await?;
    Ok(Some(value))
}

/// Try settings before saving them: the same body and checks as
/// `POST /servers`, then one probe of the client. Nothing is saved; the
/// result is in the body (failed: why, e.g. authentication failed).
#[utoipa::path(post, path = "/servers/test", tag = "servers", request_body = CreateServerRequest,
    responses((status = 200, body = TestServerResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the target is not allowed (forbidden_target)"),
        (status = 422, body = ErrorBody, description = "the settings are invalid")))]
pub async fn test_settings(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(request): ApiJson<CreateServerRequest>,
) -> Result<Json<TestServerResponse>, Error> {
    Ok(Json(
        core.test_server_settings(&identity.user, request).await?,
    ))
}
