//! `GET /torrents/{info_hash}/download`: the torrent's own files from its
//! server's HTTP location.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use tm_api_types::{ErrorBody, TorrentDownloadList};

use super::server_files::file_response;
use crate::core::{Core, Error};
use crate::http::extract::CurrentUser;
use crate::http::params::{ApiQuery, ServerParam, TorrentRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DownloadFormat {
    /// The file itself, or a zip of several.
    Data,
    /// `{files: [{path, size, server_path, url}]}`.
    List,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// `list` answers the files with their download routes (as does
    /// `Accept: application/json`).
    #[serde(default)]
    #[param(inline)]
    format: Option<DownloadFormat>,
    /// Give the complete files of an incomplete torrent (else 409 incomplete).
    #[serde(default)]
    partial: bool,
}

/// The torrent's files, mapped onto its server's HTTP location through the
/// server's `http_download_root`: one file streamed as it is (with `Range`),
/// several as a zip named after the torrent (stored entries, written while
/// sent, no `Range`), or listed with `?format=list`.
#[utoipa::path(get, path = "/torrents/{info_hash}/download", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam, DownloadParams,
        ("Range" = Option<String>, Header, description = "bytes=N- to resume a single file")),
    responses((status = 200, description = "the file, a zip of the files, or with ?format=list (or Accept: application/json) their listing",
            content((Vec<u8> = "application/octet-stream"), (Vec<u8> = "application/zip"), (TorrentDownloadList = "application/json"))),
        (status = 206, content_type = "application/octet-stream", body = Vec<u8>, description = "the requested range of a single file"),
        (status = 400, body = ErrorBody, description = "no HTTP location (no_http_location) or no http_download_root (no_http_mapping)"),
        (status = 404, body = ErrorBody, description = "no such torrent on your servers (torrent_not_found), or a file missing on the web server (file_not_found)"),
        (status = 409, body = ErrorBody, description = "the torrent is not complete (incomplete; ?partial=true takes its complete files), a file lies outside http_download_root (outside_http_root), or the torrent is on several servers (pass server_id)"),
        (status = 502, body = ErrorBody, description = "the web server refused the credentials (seedbox_auth_failed) or failed (seedbox_unreachable)"),
        (status = 504, body = ErrorBody, description = "the web server did not answer in time (seedbox_timeout)")))]
pub async fn download(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiQuery(params): ApiQuery<DownloadParams>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.trim().starts_with("application/json"));
    let format = params.format.unwrap_or(if wants_json {
        DownloadFormat::List
    } else {
        DownloadFormat::Data
    });
    let user = &identity.user;
    if format == DownloadFormat::List {
        let list = core
            .torrent_download_list(user, &torrent.hash, torrent.server(), params.partial)
            .await?;
        return Ok(Json(list).into_response());
    }
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let data = core
        .download_torrent(user, &torrent.hash, torrent.server(), params.partial, range)
        .await?;
    Ok(file_response(data))
}
