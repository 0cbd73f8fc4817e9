//! Query, path and multipart extractors whose rejections are API errors
//! (`{"detail", "code"}` JSON, status 400), not axum's plain-text answers.

use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::core::Error;

pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                Error::BadRequest(format!("Invalid query string: {}", rejection.body_text()))
            })
    }
}

pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| {
                Error::BadRequest(format!("Invalid path: {}", rejection.body_text()))
            })
    }
}

pub struct ApiMultipart(pub Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|rejection| {
                Error::BadRequest(format!("Invalid multipart body: {}", rejection.body_text()))
            })
    }
}

/// `?server_id=`: which server holds the torrent (looked up when absent).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServerParam {
    server_id: Option<String>,
}

/// The torrent a `/torrents/{info_hash}…` request names: the path's hash and
/// the optional `?server_id=` of the server holding it.
pub struct TorrentRef {
    pub hash: String,
    server_id: Option<String>,
}

impl TorrentRef {
    pub fn server(&self) -> Option<&str> {
        self.server_id.as_deref()
    }
}

#[derive(serde::Deserialize)]
struct HashPath {
    info_hash: String,
}

impl<S: Send + Sync> FromRequestParts<S> for TorrentRef {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath(HashPath { info_hash }) = ApiPath::from_request_parts(parts, state).await?;
        let ApiQuery(ServerParam { server_id }) =
            ApiQuery::from_request_parts(parts, state).await?;
        Ok(Self {
            hash: info_hash,
            server_id,
        })
    }
}
