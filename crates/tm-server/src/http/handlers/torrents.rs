use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tm_api_types::{
    AddLabelRequest, AddTorrentRequest, AddTorrentResponse, BatchUploadResponse, BulkActionRequest,
    BulkActionResponse, ErrorBody, LabelsResponse, MoveTorrentRequest, MultiAddResponse,
    SetFilePrioritiesRequest, SetLabelsRequest, TorrentActionResponse, TorrentFilesResponse,
    TorrentInfo, TorrentPeersResponse, TorrentQuery, TorrentTrackersResponse,
    UploadTorrentResponse,
};

use crate::core::{Core, Error, Filing, Identity, TorrentAction};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::{ApiMultipart, ApiPath, ApiQuery, ServerParam, TorrentRef};
use crate::http::precompressed;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveParams {
    /// Also delete the downloaded data (true/false/1/0).
    #[param(value_type = Option<bool>)]
    delete_data: Option<String>,
}

/// The `{label}` of `/torrents/{info_hash}/labels/{label}`.
#[derive(Debug, Deserialize)]
pub struct LabelPath {
    label: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// Target server; the default server when absent; `auto`: chosen by
    /// your placement rules.
    server_id: Option<String>,
    /// Comma-separated servers to add the torrent to, each on its own
    /// (`/torrents/upload` only).
    server_ids: Option<String>,
    /// Start right away (true/false/True/False/1/0; default true).
    #[param(value_type = Option<bool>)]
    start: Option<String>,
    /// Comma-separated labels.
    labels: Option<String>,
}

/// A query flag as scripts send it (the original Python client sends `True`).
fn flag(name: &str, value: Option<&str>, default: bool) -> Result<bool, Error> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some("true" | "True" | "TRUE" | "1") => Ok(true),
        Some("false" | "False" | "FALSE" | "0") => Ok(false),
        Some(other) => Err(Error::Invalid(format!(
            "{name} must be true or false, not '{other}'"
        ))),
    }
}

/// Every torrent of your enabled servers, from the live snapshot.
#[utoipa::path(get, path = "/torrents", tag = "torrents", params(TorrentQuery),
    responses((status = 200, body = Vec<TorrentInfo>, headers(("X-Total-Count" = usize, description = "matches before paging"), ("ETag" = String, description = "send as If-None-Match to get 304 while nothing changed"))),
        (status = 304, description = "nothing changed since the ETag sent"),
        (status = 422, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiQuery(query): ApiQuery<TorrentQuery>,
    request: HeaderMap,
) -> Result<Response, Error> {
    let list = core.render_torrents(&identity.user, &query)?;
    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(list.total));
    if let Ok(etag) = HeaderValue::from_str(&list.etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == list.etag.as_bytes());
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = precompressed::body_for(&list, &request, &mut headers).await?;
    Ok((headers, body).into_response())
}

/// The answer of an add: where the torrent went, or with `server_ids`, each
/// server's outcome.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum AddAnswer<T> {
    One(T),
    Several(MultiAddResponse),
}

/// Add a magnet link, an info hash, or the .torrent at an http(s) URL: to
/// `server_id`, to where your placement rules say (`server_id: "auto"`), or
/// to each of `server_ids`.
#[utoipa::path(post, path = "/torrents", tag = "torrents", request_body = AddTorrentRequest,
    responses((status = 200, body = AddAnswer<AddTorrentResponse>, description = "AddTorrentResponse, or MultiAddResponse when server_ids is given"), (status = 400, body = ErrorBody, description = "not a magnet, hash or URL"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already on the server"),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn add(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(request): ApiJson<AddTorrentRequest>,
) -> Result<Json<AddAnswer<AddTorrentResponse>>, Error> {
    Ok(Json(if request.server_ids.is_empty() {
        AddAnswer::One(core.add_torrent(&identity.user, request).await?)
    } else {
        AddAnswer::Several(core.add_torrent_to_servers(&identity.user, request).await?)
    }))
}

/// What an upload form carries: its .torrent files (fields named as the
/// endpoint expects, other fields ignored) and the optional `save_path`.
struct UploadForm {
    files: Vec<(String, Vec<u8>)>,
    save_path: Option<String>,
}

async fn read_upload_form(
    multipart: &mut Multipart,
    file_fields: &[&str],
) -> Result<UploadForm, Error> {
    let mut form = UploadForm {
        files: Vec::new(),
        save_path: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("save_path") => {
                form.save_path = Some(field.text().await.map_err(multipart_error)?);
            }
            Some(name) if file_fields.contains(&name) => {
                let filename = field.file_name().unwrap_or("upload.torrent").to_string();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                form.files.push((filename, bytes.to_vec()));
            }
            _ => {}
        }
    }
    Ok(form)
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> Error {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge("the upload is too large: a .torrent file may be at most 10 MiB".into())
    } else {
        Error::BadRequest(format!("Invalid multipart upload: {}", error.body_text()))
    }
}

fn labels_param(labels: Option<&str>) -> Vec<String> {
    labels
        .map(|l| l.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

/// Upload a .torrent file (multipart field `file`, at most 10 MiB; optional
/// field `save_path`, checked as for `POST /torrents`).
#[utoipa::path(post, path = "/torrents/upload", tag = "torrents", params(UploadParams),
    request_body(content_type = "multipart/form-data",
        description = "field `file`: the .torrent; optional field `save_path`: the absolute directory to download into"),
    responses((status = 200, body = AddAnswer<UploadTorrentResponse>, description = "UploadTorrentResponse, or MultiAddResponse when server_ids is given"), (status = 400, body = ErrorBody, description = "not a .torrent"),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn upload(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiQuery(params): ApiQuery<UploadParams>,
    ApiMultipart(mut multipart): ApiMultipart,
) -> Result<Json<AddAnswer<UploadTorrentResponse>>, Error> {
    let start = flag("start", params.start.as_deref(), true)?;
    let form = read_upload_form(&mut multipart, &["file"]).await?;
    let (_, bytes) = form.files.into_iter().next().ok_or_else(|| {
        Error::Invalid("the multipart field 'file' with the .torrent is missing".into())
    })?;
    let labels = labels_param(params.labels.as_deref());
    let filing = Filing::labelled(start, labels, form.save_path);
    let user = &identity.user;
    Ok(Json(match params.server_ids {
        Some(ids) => AddAnswer::Several(
            core.upload_torrent_to_servers(user, labels_param(Some(&ids)), filing, bytes)
                .await?,
        ),
        None => AddAnswer::One(
            core.upload_torrent(user, params.server_id.as_deref(), filing, bytes)
                .await?,
        ),
    }))
}

/// Upload several .torrent files at once (repeated multipart field `files`;
/// optional field `save_path`, checked as for `POST /torrents`).
#[utoipa::path(post, path = "/torrents/upload/batch", tag = "torrents", params(UploadParams),
    request_body(content_type = "multipart/form-data",
        description = "fields `files`: the .torrent files; optional field `save_path`: the absolute directory to download into"),
    responses((status = 200, body = BatchUploadResponse), (status = 413, body = ErrorBody)))]
pub async fn upload_batch(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiQuery(params): ApiQuery<UploadParams>,
    ApiMultipart(mut multipart): ApiMultipart,
) -> Result<Json<BatchUploadResponse>, Error> {
    let start = flag("start", params.start.as_deref(), true)?;
    if params.server_ids.is_some() {
        return Err(Error::Invalid(
            "a batch goes to one server: use server_id (or auto)".into(),
        ));
    }
    let labels = labels_param(params.labels.as_deref());
    let form = read_upload_form(&mut multipart, &["files", "file"]).await?;
    if form.files.is_empty() {
        return Err(Error::Invalid(
            "the multipart fields 'files' with the .torrent files are missing".into(),
        ));
    }
    Ok(Json(
        core.upload_torrents(
            &identity.user,
            params.server_id.as_deref(),
            Filing::labelled(start, labels, form.save_path),
            form.files,
        )
        .await?,
    ))
}

/// One action (start, stop, recheck, reannounce, remove, add or remove labels) on many
/// torrents across servers.
#[utoipa::path(post, path = "/torrents/actions", tag = "torrents", request_body = BulkActionRequest,
    responses((status = 200, body = BulkActionResponse, description = "each torrent's outcome"), (status = 422, body = ErrorBody)))]
pub async fn bulk(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(request): ApiJson<BulkActionRequest>,
) -> Result<Json<BulkActionResponse>, Error> {
    Ok(Json(core.bulk_action(&identity.user, request).await?))
}

#[utoipa::path(get, path = "/torrents/{info_hash}", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentInfo), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "on several servers")))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentInfo>, Error> {
    Ok(Json(
        core.get_torrent(&identity.user, &torrent.hash, torrent.server())
            .await?,
    ))
}

#[utoipa::path(post, path = "/torrents/{info_hash}/start", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentActionResponse), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn start(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentActionResponse>, Error> {
    act(&core, &identity, &torrent, TorrentAction::Start).await
}

#[utoipa::path(post, path = "/torrents/{info_hash}/stop", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentActionResponse), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn stop(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentActionResponse>, Error> {
    act(&core, &identity, &torrent, TorrentAction::Stop).await
}

#[utoipa::path(post, path = "/torrents/{info_hash}/recheck", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentActionResponse), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn recheck(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentActionResponse>, Error> {
    act(&core, &identity, &torrent, TorrentAction::Recheck).await
}

/// Ask the torrent's trackers for peers now (clients may hold the announce
/// back within the tracker's minimum interval).
#[utoipa::path(post, path = "/torrents/{info_hash}/reannounce", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentActionResponse), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "the client cannot reannounce"), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn reannounce(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentActionResponse>, Error> {
    act(&core, &identity, &torrent, TorrentAction::Reannounce).await
}

/// Move the torrent's data to another directory, through the client's own
/// move (rTorrent: stopped, its own files moved, restarted).
#[utoipa::path(post, path = "/torrents/{info_hash}/location", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam), request_body = MoveTorrentRequest,
    responses((status = 200, body = TorrentActionResponse), (status = 400, body = ErrorBody, description = "the path is not an absolute, normalised directory, or the client refused the move"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "the client cannot move data"), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn move_data(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiJson(request): ApiJson<MoveTorrentRequest>,
) -> Result<Json<TorrentActionResponse>, Error> {
    Ok(Json(
        core.move_torrent(
            &identity.user,
            &torrent.hash,
            torrent.server(),
            &request.path,
        )
        .await?,
    ))
}

/// Remove a torrent, and with `delete_data=true` its data (only the torrent's own).
#[utoipa::path(delete, path = "/torrents/{info_hash}", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam, RemoveParams),
    responses((status = 200, body = TorrentActionResponse), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "data path unsafe to delete"), (status = 502, body = ErrorBody)))]
pub async fn remove(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiQuery(params): ApiQuery<RemoveParams>,
) -> Result<Json<TorrentActionResponse>, Error> {
    let delete_data = flag("delete_data", params.delete_data.as_deref(), false)?;
    Ok(Json(
        core.remove_torrent(&identity.user, &torrent.hash, torrent.server(), delete_data)
            .await?,
    ))
}

#[utoipa::path(get, path = "/torrents/{info_hash}/files", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentFilesResponse), (status = 404, body = ErrorBody)))]
pub async fn files(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentFilesResponse>, Error> {
    Ok(Json(
        core.torrent_files(&identity.user, &torrent.hash, torrent.server())
            .await?,
    ))
}

/// Set file priorities by index (`skip` does not download the file).
#[utoipa::path(put, path = "/torrents/{info_hash}/files", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam), request_body = SetFilePrioritiesRequest,
    responses((status = 200, body = TorrentFilesResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_files(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiJson(request): ApiJson<SetFilePrioritiesRequest>,
) -> Result<Json<TorrentFilesResponse>, Error> {
    Ok(Json(
        core.set_file_priorities(
            &identity.user,
            &torrent.hash,
            torrent.server(),
            request.priorities,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/torrents/{info_hash}/peers", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentPeersResponse), (status = 404, body = ErrorBody)))]
pub async fn peers(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentPeersResponse>, Error> {
    Ok(Json(
        core.torrent_peers(&identity.user, &torrent.hash, torrent.server())
            .await?,
    ))
}

#[utoipa::path(get, path = "/torrents/{info_hash}/trackers", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = TorrentTrackersResponse), (status = 404, body = ErrorBody)))]
pub async fn trackers(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<TorrentTrackersResponse>, Error> {
    Ok(Json(
        core.torrent_trackers(&identity.user, &torrent.hash, torrent.server())
            .await?,
    ))
}

#[utoipa::path(get, path = "/torrents/{info_hash}/labels", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, body = LabelsResponse), (status = 404, body = ErrorBody)))]
pub async fn get_labels(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Json<LabelsResponse>, Error> {
    Ok(Json(
        core.torrent_labels(&identity.user, &torrent.hash, torrent.server())
            .await?,
    ))
}

/// Replace all labels.
#[utoipa::path(put, path = "/torrents/{info_hash}/labels", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam), request_body = SetLabelsRequest,
    responses((status = 200, body = LabelsResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_labels(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiJson(request): ApiJson<SetLabelsRequest>,
) -> Result<Json<LabelsResponse>, Error> {
    Ok(Json(
        core.edit_labels(&identity.user, &torrent.hash, torrent.server(), |_| {
            request.labels
        })
        .await?,
    ))
}

/// Add one label (kept once).
#[utoipa::path(post, path = "/torrents/{info_hash}/labels", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam), request_body = AddLabelRequest,
    responses((status = 200, body = LabelsResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_label(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiJson(request): ApiJson<AddLabelRequest>,
) -> Result<Json<LabelsResponse>, Error> {
    if request.label.trim().is_empty() {
        return Err(Error::Invalid("label must not be empty".into()));
    }
    Ok(Json(
        core.edit_labels(
            &identity.user,
            &torrent.hash,
            torrent.server(),
            |mut labels| {
                labels.push(request.label);
                labels
            },
        )
        .await?,
    ))
}

#[utoipa::path(delete, path = "/torrents/{info_hash}/labels/{label}", tag = "torrents",
    params(("info_hash" = String, Path), ("label" = String, Path), ServerParam),
    responses((status = 200, body = LabelsResponse), (status = 404, body = ErrorBody)))]
pub async fn remove_label(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
    ApiPath(LabelPath { label }): ApiPath<LabelPath>,
) -> Result<Json<LabelsResponse>, Error> {
    Ok(Json(
        core.edit_labels(&identity.user, &torrent.hash, torrent.server(), |labels| {
            labels.into_iter().filter(|l| *l != label).collect()
        })
        .await?,
    ))
}

/// Start, stop, recheck or reannounce one torrent.
async fn act(
    core: &Core,
    identity: &Identity,
    torrent: &TorrentRef,
    action: TorrentAction,
) -> Result<Json<TorrentActionResponse>, Error> {
    let done = core
        .torrent_action(&identity.user, &torrent.hash, torrent.server(), action)
        .await?;
    Ok(Json(done))
}
