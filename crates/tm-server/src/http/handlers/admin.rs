use axum::Json;
use axum::extract::State;
use tm_api_types::{
    CreateUserRequest, CreateUserResponse, ErrorBody, InstanceSettings, MessageResponse,
    SetUserEngineRequest, UpdateUserRequest, UserEngine, UserInfo,
};

use crate::core::{Core, Error};
use crate::http::extract::{AdminUser, ApiJson, require_password_login};
use crate::http::params::ApiPath;

#[utoipa::path(get, path = "/admin/users", tag = "admin",
    responses((status = 200, body = Vec<UserInfo>), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(core): State<Core>,
    _admin: AdminUser,
) -> Result<Json<Vec<UserInfo>>, Error> {
    let users = core.list_users().await?;
    Ok(Json(core.user_infos(users).await?))
}

/// Create a user. Creating an admin needs a password login, not an API key.
#[utoipa::path(post, path = "/admin/users", tag = "admin", request_body = CreateUserRequest,
    responses((status = 200, body = CreateUserResponse), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(core): State<Core>,
    AdminUser(admin): AdminUser,
    ApiJson(request): ApiJson<CreateUserRequest>,
) -> Result<Json<CreateUserResponse>, Error> {
    if request.is_admin {
        require_password_login(&admin, "Admin accounts")?;
    }
    let user = core.create_user(request).await?;
    Ok(Json(CreateUserResponse {
        message: "User created".into(),
        user_id: user.id,
        username: user.username,
        is_admin: user.is_admin,
    }))
}

/// Change a user's password and/or admin role (password login only, not an
/// API key). A new password ends that user's sessions and remember-me
/// tokens; their API keys stay.
#[utoipa::path(put, path = "/admin/users/{id}", tag = "admin", params(("id" = String, Path)),
    request_body = UpdateUserRequest,
    responses((status = 200, body = UserInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "would leave no admin")))]
pub async fn update_user(
    State(core): State<Core>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<UpdateUserRequest>,
) -> Result<Json<UserInfo>, Error> {
    if request.password.is_some() || request.is_admin.is_some() {
        require_password_login(&admin, "Passwords and admin roles")?;
    }
    let updated = core.update_user(&admin, &id, request).await?;
    let mut infos = core.user_infos(vec![updated]).await?;
    infos
        .pop()
        .map(Json)
        .ok_or_else(|| Error::NotFound("User not found".into()))
}

/// Delete a user with their sessions, keys and servers.
#[utoipa::path(delete, path = "/admin/users/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = MessageResponse), (status = 400, body = ErrorBody, description = "yourself"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the last admin")))]
pub async fn delete_user(
    State(core): State<Core>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MessageResponse>, Error> {
    core.delete_user(&admin.user, &id).await?;
    Ok(Json(MessageResponse::new("User deleted")))
}

/// Whether a user has a "This machine" server on the embedded engine.
#[utoipa::path(get, path = "/admin/users/{id}/engine", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = UserEngine), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_engine_access(
    State(core): State<Core>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UserEngine>, Error> {
    Ok(Json(core.user_engine(&id).await?))
}

/// Give a user a "This machine" server on this instance's embedded engine,
/// or take theirs away. An admin's sees the whole engine; anyone else's
/// only the torrents they add, which download in `<downloads>/users/<id>`
/// (save paths are kept inside it). Taken away, their torrents stay in
/// the engine, where admins see them.
#[utoipa::path(put, path = "/admin/users/{id}/engine", tag = "admin", params(("id" = String, Path)),
    request_body = SetUserEngineRequest,
    responses((status = 200, body = UserEngine), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "this instance runs no engine"),
        (status = 422, body = ErrorBody)))]
pub async fn set_engine_access(
    State(core): State<Core>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<SetUserEngineRequest>,
) -> Result<Json<UserEngine>, Error> {
    Ok(Json(
        core.set_engine_access(&id, request.engine_access).await?,
    ))
}

#[utoipa::path(get, path = "/admin/settings", tag = "admin",
    responses((status = 200, body = InstanceSettings), (status = 403, body = ErrorBody)))]
pub async fn get_settings(
    State(core): State<Core>,
    _admin: AdminUser,
) -> Result<Json<InstanceSettings>, Error> {
    Ok(Json(InstanceSettings {
        registration_mode: core.registration_mode().await?,
    }))
}

/// Open or close self-service registration.
#[utoipa::path(put, path = "/admin/settings", tag = "admin", request_body = InstanceSettings,
    responses((status = 200, body = InstanceSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(core): State<Core>,
    _admin: AdminUser,
    ApiJson(request): ApiJson<InstanceSettings>,
) -> Result<Json<InstanceSettings>, Error> {
    core.set_registration_mode(request.registration_mode)
        .await?;
    Ok(Json(InstanceSettings {
        registration_mode: core.registration_mode().await?,
    }))
}
