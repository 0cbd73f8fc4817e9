use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::CookieJar;
use tm_api_types::{
    AccountResponse, AuthStatus, ChangePasswordRequest, EndSessionsResponse, ErrorBody,
    LoginRequest, MeResponse, MessageResponse, RegisterRequest, SessionList,
};

use crate::core::{Core, Error, from_millis};
use crate::http::authenticate::user_agent;
use crate::http::cookies;
use crate::http::extract::{ApiJson, ClientAddress, CurrentUser, SessionUser};
use crate::http::params::ApiPath;

/// Whether any account exists and whether registration is open: what a
/// first visitor needs to choose between "create the admin account",
/// "register" and "log in". No authentication needed.
#[utoipa::path(get, path = "/auth/status", tag = "auth",
    responses((status = 200, body = AuthStatus)))]
pub async fn status(State(core): State<Core>) -> Result<Json<AuthStatus>, Error> {
    Ok(Json(core.auth_status().await?))
}

/// Create an account. The first account of the instance is an admin.
/// Attempts are limited per client address.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 200, body = AccountResponse), (status = 403, body = ErrorBody, description = "registration is closed"),
        (status = 409, body = ErrorBody, description = "username taken"), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too many registrations from this address; see Retry-After"),
        (status = 503, body = ErrorBody, description = "too busy hashing passwords")))]
pub async fn register(
    State(core): State<Core>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<Json<AccountResponse>, Error> {
    let user = core.register(request, &address).await?;
    Ok(Json(AccountResponse {
        message: "User registered successfully".into(),
        user_id: user.id,
        username: user.username,
    }))
}

/// Log in with a password; sets the `session` cookie (and `remember_me` when asked).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = AccountResponse), (status = 401, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too many failed attempts; see Retry-After"),
        (status = 503, body = ErrorBody, description = "too busy checking passwords")))]
pub async fn login(
    State(core): State<Core>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<(CookieJar, Json<AccountResponse>), Error> {
    let issued = core
        .login(request, &address, user_agent(&headers).as_deref())
        .await?;
    let jar = cookies::with_session(jar, &issued, cookies::wants_secure(core.config(), &headers));
    Ok((
        jar,
        Json(AccountResponse {
            message: "Login successful".into(),
            user_id: issued.user.id,
            username: issued.user.username,
        }),
    ))
}

/// End the session and its remember-me token.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(core): State<Core>,
    jar: CookieJar,
    CurrentUser(identity): CurrentUser,
) -> Result<(CookieJar, Json<MessageResponse>), Error> {
    core.logout(&identity).await?;
    Ok((
        cookies::cleared(jar),
        Json(MessageResponse::new("Logout successful")),
    ))
}

/// Who is calling, and how they authenticated.
#[utoipa::path(get, path = "/auth/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(CurrentUser(identity): CurrentUser) -> Json<MeResponse> {
    Json(MeResponse {
        user_id: identity.user.id,
        username: identity.user.username,
        is_admin: identity.user.is_admin,
        created_at: from_millis(identity.user.created_at),
        auth_method: identity.method,
    })
}

/// Change your own password (password login only, not an API key). Keeps
/// this session; ends your other sessions and remember-me tokens. API keys
/// keep working: they are listed with their last use and revocable one by
/// one, and scripts should not break on a routine password change.
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the current password is wrong, or an API key was used"),
        (status = 422, body = ErrorBody, description = "the new password is not acceptable"),
        (status = 429, body = ErrorBody, description = "too many failed attempts; see Retry-After"),
        (status = 503, body = ErrorBody, description = "too busy checking passwords")))]
pub async fn change_password(
    State(core): State<Core>,
    ClientAddress(address): ClientAddress,
    SessionUser(identity): SessionUser,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> Result<Json<MessageResponse>, Error> {
    core.change_password(&identity, request, &address).await?;
    Ok(Json(MessageResponse::new(
        "Password changed; your other sessions were ended",
    )))
}

/// Your unexpired browser sessions, newest first. With an API key none of
/// them is `current`.
#[utoipa::path(get, path = "/auth/sessions", tag = "auth",
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody)))]
pub async fn list_sessions(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<SessionList>, Error> {
    Ok(Json(SessionList {
        sessions: core.list_sessions(&identity).await?,
    }))
}

/// End one of your sessions (and its remember-me token), e.g. a browser
/// you left logged in elsewhere. Password login only, not an API key.
#[utoipa::path(delete, path = "/auth/sessions/{id}", tag = "auth", params(("id" = String, Path)),
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "an API key was used"),
        (status = 404, body = ErrorBody, description = "you have no such session")))]
pub async fn end_session(
    State(core): State<Core>,
    SessionUser(identity): SessionUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MessageResponse>, Error> {
    core.end_session(&identity, &id).await?;
    Ok(Json(MessageResponse::new("Session ended")))
}

/// End all your sessions and remember-me tokens except this one. API keys
/// stay. Password login only, not an API key.
#[utoipa::path(delete, path = "/auth/sessions", tag = "auth",
    responses((status = 200, body = EndSessionsResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "an API key was used")))]
pub async fn end_other_sessions(
    State(core): State<Core>,
    SessionUser(identity): SessionUser,
) -> Result<Json<EndSessionsResponse>, Error> {
    let ended = core.end_other_sessions(&identity).await?;
    Ok(Json(EndSessionsResponse {
        message: format!("Ended {ended} other session(s)"),
        ended,
    }))
}
