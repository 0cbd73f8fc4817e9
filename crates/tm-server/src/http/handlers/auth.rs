use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum_extra::extract::cookie::CookieJar;
use tm_api_types::{
    AccountResponse, ErrorBody, LoginRequest, MeResponse, MessageResponse, RegisterRequest,
};

use crate::core::{Core, Error, from_millis};
use crate::http::cookies;
use crate::http::extract::{ApiJson, CurrentUser};

/// Create an account. The first account of the instance is an admin.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 200, body = AccountResponse), (status = 403, body = ErrorBody, description = "registration is closed"),
        (status = 409, body = ErrorBody, description = "username taken"), (status = 422, body = ErrorBody)))]
pub async fn register(
    State(core): State<Core>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<Json<AccountResponse>, Error> {
    let user = core.register(request).await?;
    Ok(Json(AccountResponse {
        message: "User registered successfully".into(),
        user_id: user.id,
        username: user.username,
    }))
}

/// Log in with a password; sets the `session` cookie (and `remember_me` when asked).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = AccountResponse), (status = 401, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too many failed attempts; see Retry-After")))]
pub async fn login(
    State(core): State<Core>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<(CookieJar, Json<AccountResponse>), Error> {
    let address = client_address(&core, &headers, peer);
    let issued = core.login(request, &address).await?;
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

/// The caller's address for login throttling: the peer, or the first
/// `X-Forwarded-For` hop when the operator says a proxy sets it.
fn client_address(core: &Core, headers: &HeaderMap, peer: SocketAddr) -> String {
    if core.config().trust_forwarded_for
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return forwarded.to_string();
    }
    peer.ip().to_string()
}
