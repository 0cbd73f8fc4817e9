//! Extractors that turn a request into what handlers need, with rejections
//! in the API's error format.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use tm_api_types::AuthMethod;

use crate::core::{Error, Identity};

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
/// key cannot mint or revoke keys.
pub struct SessionUser(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for SessionUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(identity) = CurrentUser::from_request_parts(parts, state).await?;
        match identity.method {
            AuthMethod::Session => Ok(SessionUser(identity)),
            AuthMethod::ApiKey => Err(Error::Forbidden(
                "API keys can only be managed from a password login (session), not with an API key"
                    .into(),
            )),
        }
    }
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
