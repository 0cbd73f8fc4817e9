//! Categories of the qBittorrent-compatible API, set from our own API: the
//! server and save path the torrents Sonarr or Radarr add in each go to.

use axum::Json;
use axum::extract::State;
use tm_api_types::{Category, CategoryList, CategoryRequest, ErrorBody, MessageResponse};

use crate::core::{CategoryWrite, Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::ApiPath;

/// Your categories, by name. Torrents added in one through `/api/v2`
/// (Sonarr, Radarr) go to its server and save path.
#[utoipa::path(get, path = "/categories", tag = "categories",
    responses((status = 200, body = CategoryList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<CategoryList>, Error> {
    Ok(Json(CategoryList {
        categories: core.list_categories(&identity.user).await?,
    }))
}

/// Create the category, or replace its server and save path. The name
/// follows the label rules (at most 128 characters, no comma or control
/// character); the server must be one of yours.
#[utoipa::path(put, path = "/categories/{name}", tag = "categories",
    params(("name" = String, Path, description = "the category's name")),
    request_body = CategoryRequest,
    responses((status = 200, body = Category), (status = 400, body = ErrorBody, description = "the save path is not absolute"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such server of yours (server_not_found)"),
        (status = 422, body = ErrorBody, description = "the name is invalid")))]
pub async fn put(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(name): ApiPath<String>,
    ApiJson(request): ApiJson<CategoryRequest>,
) -> Result<Json<Category>, Error> {
    let write = CategoryWrite::CreateOrReplace;
    Ok(Json(
        core.save_category(&identity.user, &name, request, write)
            .await?,
    ))
}

/// Remove the category; its torrents stay where they are, with their labels.
#[utoipa::path(delete, path = "/categories/{name}", tag = "categories",
    params(("name" = String, Path, description = "the category's name")),
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<MessageResponse>, Error> {
    core.delete_category(&identity.user, &name).await?;
    Ok(Json(MessageResponse::new(format!(
        "Category '{}' removed",
        name.trim()
    ))))
}
