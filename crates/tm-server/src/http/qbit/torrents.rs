//! `torrents/info` (with `includeTrackers`), `properties`, `files` and
//! `trackers`.

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use super::QbitUser;
use super::error::QbitResult;
use super::form::Params;
use crate::core::{Core, now_millis};
use crate::facade::{self, Facade, InfoQuery};

pub(super) fn now_seconds() -> i64 {
    now_millis() / 1000
}

pub async fn info(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Json<Value>> {
    let number = |name: &str| params.get(name).and_then(|v| v.trim().parse().ok());
    let text = |name: &str| params.get(name).map(str::to_string);
    let query = InfoQuery {
        filter: text("filter"),
        category: text("category"),
        tag: text("tag"),
        sort: text("sort"),
        reverse: text("reverse"),
        limit: number("limit"),
        offset: number("offset"),
        hashes: text("hashes"),
        private: text("private"),
    };
    let facade = Facade::load(&core, &identity.user).await?;
    let mut objects = facade.torrents_info(&query, now_seconds());
    if facade::is_true(params.get("includeTrackers")) {
        facade.include_trackers(&mut objects).await;
    }
    Ok(Json(Value::Array(objects)))
}

pub async fn properties(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Json<Value>> {
    let facade = Facade::load(&core, &identity.user).await?;
    let entry = facade.entry(params.required("hash")?)?;
    Ok(Json(facade::properties(&entry, now_seconds())))
}

pub async fn files(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Json<Value>> {
    let facade = Facade::load(&core, &identity.user).await?;
    let entry = facade.entry(params.required("hash")?)?;
    let files = core
        .torrent_files(&identity.user, entry.hash(), Some(entry.server_id()))
        .await?
        .files;
    let single = facade::is_single_file(&entry, &files);
    Ok(Json(
        files
            .iter()
            .map(|file| facade::file_object(&entry, file, single))
            .collect(),
    ))
}

pub async fn trackers(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Json<Value>> {
    let facade = Facade::load(&core, &identity.user).await?;
    let entry = facade.entry(params.required("hash")?)?;
    let trackers = core
        .torrent_trackers(&identity.user, entry.hash(), Some(entry.server_id()))
        .await?
        .trackers;
    Ok(Json(
        trackers
            .iter()
            .enumerate()
            .map(|(tier, tracker)| facade::tracker_object(tier, tracker))
            .collect(),
    ))
}
