//! `sync/maindata`, the call qBittorrent's web UIs poll.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde_json::Value;

use super::QbitUser;
use super::error::QbitResult;
use super::form::Params;
use super::torrents::now_seconds;
use crate::core::Core;
use crate::facade::{Facade, SyncStates};

pub async fn maindata(
    State(core): State<Core>,
    Extension(states): Extension<Arc<SyncStates>>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Json<Value>> {
    let rid = params
        .get("rid")
        .and_then(|rid| rid.trim().parse().ok())
        .unwrap_or(0);
    let facade = Facade::load(&core, &identity.user).await?;
    Ok(Json(facade.maindata(&states, rid, now_seconds()).await?))
}
