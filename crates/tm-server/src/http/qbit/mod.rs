//! The qBittorrent WebAPI v2 under `/api/v2/`, so Sonarr, Radarr, autobrr
//! and cross-seed use the whole fleet as one qBittorrent. Thin handlers over
//! `crate::facade`; answers and errors in qBittorrent's own forms. Not in
//! the OpenAPI document: it is qBittorrent's API, documented there, and its
//! plain-text answers are not ours.

mod actions;
mod app;
mod auth;
mod categories;
mod error;
mod form;
mod sync;
mod torrents;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Request};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use axum::{Extension, Router};

pub use error::QbitError;

use crate::core::{Core, Error, Identity, clean_user_agent};
use crate::facade::SyncStates;
use crate::http::authenticate::user_agent;

/// Where the facade is mounted.
pub const PREFIX: &str = "/api/v2";

/// Several .torrent files in one `torrents/add`.
const MAX_ADD_BODY: usize = 64 * 1024 * 1024;

pub fn is_facade_path(path: &str) -> bool {
    path.strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The routes, relative to [`PREFIX`]. Reads answer GET and POST (clients
/// use both), changes only POST, as qBittorrent 5.
pub fn router() -> Router<Core> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/app/version", read(app::version))
        .route("/app/webapiVersion", read(app::webapi_version))
        .route("/app/buildInfo", read(app::build_info))
        .route("/app/preferences", read(app::preferences))
        .route("/transfer/info", read(app::transfer_info))
        .route("/torrents/info", read(torrents::info))
        .route("/torrents/properties", read(torrents::properties))
        .route("/torrents/files", read(torrents::files))
        .route("/torrents/trackers", read(torrents::trackers))
        .route(
            "/torrents/add",
            post(actions::add).layer(DefaultBodyLimit::max(MAX_ADD_BODY)),
        )
        .route("/torrents/delete", post(actions::delete))
        .route("/torrents/start", post(actions::start))
        .route("/torrents/resume", post(actions::start))
        .route("/torrents/setForceStart", post(actions::set_force_start))
        .route("/torrents/stop", post(actions::stop))
        .route("/torrents/pause", post(actions::stop))
        .route("/torrents/recheck", post(actions::recheck))
        .route("/torrents/reannounce", post(actions::reannounce))
        .route("/torrents/setLocation", post(actions::set_location))
        .route("/torrents/topPrio", post(actions::priority))
        .route("/torrents/bottomPrio", post(actions::priority))
        .route("/torrents/increasePrio", post(actions::priority))
        .route("/torrents/decreasePrio", post(actions::priority))
        .route("/torrents/setShareLimits", post(actions::set_share_limits))
        .route("/torrents/categories", read(categories::list))
        .route("/torrents/createCategory", post(categories::create))
        .route("/torrents/editCategory", post(categories::edit))
        .route("/torrents/removeCategories", post(categories::remove))
        .route("/torrents/setCategory", post(categories::set_category))
        .route("/torrents/tags", read(categories::tags))
        .route("/torrents/addTags", post(categories::add_tags))
        .route("/torrents/removeTags", post(categories::remove_tags))
        .route("/torrents/createTags", post(categories::create_tags))
        .route("/torrents/deleteTags", post(categories::delete_tags))
        .route("/sync/maindata", read(sync::maindata))
        .fallback(|| async { QbitError(Error::NotFound("Not Found".into())) })
        .layer(Extension(Arc::new(SyncStates::default())))
        .layer(middleware::from_fn(log_call))
}

fn read<H, T>(handler: H) -> MethodRouter<Core>
where
    H: Handler<T, Core> + Clone,
    T: 'static,
{
    get(handler.clone()).post(handler)
}

/// The logged-in caller; anyone else gets qBittorrent's 403.
pub struct QbitUser(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for QbitUser {
    type Rejection = QbitError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .map(QbitUser)
            .ok_or_else(|| QbitError(Error::Unauthorized("Forbidden".into())))
    }
}

/// Logs every call with who made it and with which program (the
/// User-Agent, cleaned and shortened as for the session list).
async fn log_call(request: Request, next: Next) -> Response {
    let user = request
        .extensions()
        .get::<Identity>()
        .map(|identity| identity.user.username.clone());
    let agent = user_agent(request.headers()).and_then(|ua| clean_user_agent(&ua));
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        target: "facade",
        user = user.as_deref().unwrap_or("-"),
        user_agent = agent.as_deref().unwrap_or("-"),
        %method,
        %path,
        status = response.status().as_u16(),
        "qBittorrent API call"
    );
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn facade_paths() {
        assert!(super::is_facade_path("/api/v2/auth/login"));
        assert!(super::is_facade_path("/api/v2"));
        assert!(!super::is_facade_path("/api/v22/x"));
        assert!(!super::is_facade_path("/torrents"));
    }
}
