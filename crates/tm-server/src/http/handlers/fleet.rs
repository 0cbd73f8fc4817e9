use axum::Json;
use axum::extract::State;
use tm_api_types::{CrossSeedResponse, DuplicatesResponse, ErrorBody};

use crate::core::{Core, Error};
use crate::http::extract::CurrentUser;

/// Torrents present on more than one of your servers (same info hash), with
/// where each copy is and its state. From the live snapshots: no client is
/// asked.
#[utoipa::path(get, path = "/torrents/duplicates", tag = "torrents",
    responses((status = 200, body = DuplicatesResponse), (status = 401, body = ErrorBody)))]
pub async fn duplicates(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<DuplicatesResponse>, Error> {
    Ok(Json(core.duplicates(&identity.user).await?))
}

/// Cross-seed candidates: torrents with different info hashes (normally
/// from different trackers) whose files are the same (paths below the
/// torrent's top folder and sizes). File lists are fetched once per torrent
/// in the background; `pending` counts the torrents not compared yet.
#[utoipa::path(get, path = "/torrents/cross-seed", tag = "torrents",
    responses((status = 200, body = CrossSeedResponse), (status = 401, body = ErrorBody)))]
pub async fn cross_seed(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<CrossSeedResponse>, Error> {
    Ok(Json(core.cross_seed_groups(&identity.user).await?))
}
