//! `GET /servers/{id}/files` and `GET /servers/{id}/download/{path}`: the
//! finished files on a seedbox's web server (the server's HTTP location).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use tm_api_types::{ErrorBody, ServerFileList};

use super::metainfo::file_stem;
use crate::core::{Core, Error, SeedboxDownload};
use crate::http::extract::CurrentUser;
use crate::http::params::{ApiPath, ApiQuery};

/// The download route as axum matches it (the rest of the URL is the path);
/// the OpenAPI document names the parameter `{path}`.
pub const DOWNLOAD_ROUTE: &str = "/servers/{id}/download/{*path}";

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FolderParam {
    /// The folder, relative to the HTTP location's root; empty for the root.
    #[serde(default)]
    path: String,
}

/// One folder of the server's HTTP file location (the seedbox's own web
/// server: nginx autoindex, Apache, lighttpd listings).
#[utoipa::path(get, path = "/servers/{id}/files", tag = "servers",
    params(("id" = String, Path), FolderParam),
    responses((status = 200, body = ServerFileList),
        (status = 400, body = ErrorBody, description = "no HTTP location (no_http_location), or a path leaving it (invalid_input)"),
        (status = 404, body = ErrorBody, description = "not your server (server_not_found), or no such folder (file_not_found)"),
        (status = 502, body = ErrorBody, description = "the web server refused the credentials (seedbox_auth_failed) or failed (seedbox_unreachable)"),
        (status = 504, body = ErrorBody, description = "the web server did not answer in time (seedbox_timeout)")))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(folder): ApiQuery<FolderParam>,
) -> Result<Json<ServerFileList>, Error> {
    Ok(Json(
        core.list_server_files(&identity.user, &id, &folder.path)
            .await?,
    ))
}

/// A file of the server's HTTP location, streamed through as an
/// attachment. A `Range: bytes=…` header is passed on (206 with
/// `Content-Range`), so interrupted downloads resume.
#[utoipa::path(get, path = "/servers/{id}/download/{*path}", tag = "servers",
    params(("id" = String, Path), ("path" = String, Path, description = "the file, relative to the HTTP location's root"),
        ("Range" = Option<String>, Header, description = "bytes=N- to resume")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>, description = "the file"),
        (status = 206, content_type = "application/octet-stream", body = Vec<u8>, description = "the requested range"),
        (status = 400, body = ErrorBody, description = "no HTTP location (no_http_location), or a path leaving it (invalid_input)"),
        (status = 404, body = ErrorBody, description = "not your server (server_not_found), or no such file (file_not_found)"),
        (status = 502, body = ErrorBody, description = "the web server refused the credentials (seedbox_auth_failed) or failed (seedbox_unreachable)"),
        (status = 504, body = ErrorBody, description = "the web server did not answer in time (seedbox_timeout)")))]
pub async fn download(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath((id, path)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let file = core
        .download_server_file(&identity.user, &id, &path, range)
        .await?;
    Ok(file_response(file))
}

pub fn file_response(file: SeedboxDownload) -> Response {
    let status = if file.partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let content_type = file
        .content_type
        .as_deref()
        .and_then(|v| HeaderValue::from_str(v).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut response = (status, Body::from_stream(file.body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(
        header::ACCEPT_RANGES,
        HeaderValue::from_static(if file.ranges { "bytes" } else { "none" }),
    );
    if let Some(length) = file.content_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    if let Some(range) = file
        .content_range
        .and_then(|r| HeaderValue::from_str(&r).ok())
    {
        headers.insert(header::CONTENT_RANGE, range);
    }
    if let Ok(disposition) = HeaderValue::from_str(&attachment(&file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// `attachment` with a plain ASCII `filename` any client takes and the
/// exact name as RFC 5987 `filename*`.
fn attachment(name: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        file_stem(name),
        utf8_percent_encode(name, NON_ALPHANUMERIC)
    )
}

/// Names the download route's wildcard as OpenAPI writes parameters.
pub fn document_wildcard(openapi: &mut utoipa::openapi::OpenApi) {
    if let Some(item) = openapi.paths.paths.remove(DOWNLOAD_ROUTE) {
        openapi
            .paths
            .paths
            .insert("/servers/{id}/download/{path}".to_owned(), item);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn attachments_name_the_file_safely() {
        assert_eq!(
            super::attachment("caf\u{e9} \"x\";.mkv"),
            "attachment; filename=\"caf_ _x__.mkv\"; filename*=UTF-8''caf%C3%A9%20%22x%22%3B%2Emkv"
        );
    }
}
