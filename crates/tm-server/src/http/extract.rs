//! Extractors that turn a request into what handlers need, with rejections
//! in the API's error format.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use tm_api_types::AuthMethod;

use crate::core::{Core, Error, Identity};

/// A JSON body. Malformed JSON, a wrong content type and missing or mistyped
/// fields are all 422 with a readable detail.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(value)| ApiJson(value))
            .map_err(|rejection| {
                Error::Invalid(format!("Invalid request body: {}", rejection.body_text()))
            })
    }
}

/// Any authenticated caller (session cookie, remember-me or API key).
pub struct CurrentUser(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .map(CurrentUser)
            .ok_or_else(|| Error::Unauthorized("Not authenticated".into()))
    }
}

/// A caller logged in with a password. API keys are refused, so a leaked
/// key cannot mint or revoke keys, or change passwords.
pub struct SessionUser(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for SessionUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(identity) = CurrentUser::from_request_parts(parts, state).await?;
        require_password_login(&identity, "API keys and passwords")?;
        Ok(SessionUser(identity))
    }
}

/// Refuses API-key callers: credentials (keys, passwords, admin roles) are
/// only managed from a password login, so a leaked key cannot mint new ones.
pub fn require_password_login(identity: &Identity, what: &str) -> Result<(), Error> {
    match identity.method {
        AuthMethod::Session => Ok(()),
        AuthMethod::ApiKey => Err(Error::Forbidden(format!(
            "{what} can only be managed from a password login (session), not with an API key"
        ))),
    }
}

/// The client's address, for throttling: the peer, or behind a proxy the
/// operator trusts (`trust_forwarded_for`) the rightmost `X-Forwarded-For`
/// hop. That is the one the proxy appended; everything left of it is
/// whatever the client chose to send.
pub struct ClientAddress(pub String);

impl FromRequestParts<Core> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, core: &Core) -> Result<Self, Self::Rejection> {
        client_address(core, &parts.extensions, &parts.headers).map(ClientAddress)
    }
}

/// See [`ClientAddress`].
pub fn client_address(
    core: &Core,
    extensions: &Extensions,
    headers: &HeaderMap,
) -> Result<String, Error> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip())
        .ok_or_else(|| Error::Internal("the peer address is unknown".into()))?;
    if !core.config().trust_forwarded_for {
        return Ok(peer.to_string());
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|hop| hop.trim().parse::<IpAddr>().ok());
    Ok(forwarded.unwrap_or(peer).to_string())
}

/// An authenticated admin.
pub struct AdminUser(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for AdminUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(identity) = CurrentUser::from_request_parts(parts, state).await?;
        if identity.user.is_admin {
            Ok(AdminUser(identity))
        } else {
            Err(Error::Forbidden("Admin privileges required".into()))
        }
    }
}
