//! `app/*` and `transfer/info`: torrent-manager presents itself as a
//! qBittorrent 5.0 (WebAPI 2.11), so clients take their 5.x paths
//! (`stop`/`start`, `stopped`, `contentLayout`).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::QbitUser;
use super::error::QbitResult;
use crate::core::Core;
use crate::facade::{self, Facade};

const APP_VERSION: &str = "v5.0.0";
const WEBAPI_VERSION: &str = "2.11.2";

pub async fn version(_: QbitUser) -> &'static str {
    APP_VERSION
}

pub async fn webapi_version(_: QbitUser) -> &'static str {
    WEBAPI_VERSION
}

/// No Qt or libtorrent here: the versions of what actually answers.
pub async fn build_info(_: QbitUser) -> Json<Value> {
    Json(json!({
        "qt": "",
        "libtorrent": "",
        "boost": "",
        "openssl": "",
        "zlib": "",
        "bitness": usize::BITS,
        "platform": std::env::consts::OS,
        "app": "torrent-manager",
        "app_version": env!("CARGO_PKG_VERSION"),
    }))
}

pub async fn preferences(_: QbitUser) -> Json<Value> {
    Json(facade::preferences())
}

pub async fn transfer_info(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
) -> QbitResult<Json<Value>> {
    let facade = Facade::load(&core, &identity.user).await?;
    Ok(Json(facade.transfer_info()))
}
