//! `GET/PUT /torrents/{info_hash}/settings`.

use axum::Json;
use axum::extract::State;
use tm_api_types::{ErrorBody, TorrentSettings, TorrentSettingsUpdate};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::{ServerParam, TorrentRef};

/// The torrent's seeding goals (kept and enforced by torrent-manager),
/// speed limits and bandwidth priority (as its client reports them), and
/// which of them the client holds.
#[utoipa::path(get, path = "/torrents/{info_hash}/settings", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentSettings), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the torrent is on several of your servers; pass server_id"),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentSettings>, Error> {
    Ok(Json(
        core.torrent_settings(&identity.user, &torrent.hash, torrent.server())
            .await?,
    ))
}

/// Change any subset of the settings; fields left out stay, `null` clears a
/// value (no goal, unlimited, normal priority).
#[utoipa::path(put, path = "/torrents/{info_hash}/settings", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam), request_body = TorrentSettingsUpdate,
    responses((status = 200, body = TorrentSettings), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the torrent is on several of your servers; pass server_id"),
        (status = 422, body = ErrorBody, description = "a value is out of range, or the client has no per-torrent speed limits or priority (client_unsupported)"),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn put(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiJson(update): ApiJson<TorrentSettingsUpdate>,
) -> Result<Json<TorrentSettings>, Error> {
    Ok(Json(
        core.set_torrent_settings(&identity.user, &torrent.hash, torrent.server(), update)
            .await?,
    ))
}
