//! Categories and tags.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use super::QbitUser;
use super::error::{QbitResult, ok_text};
use super::form::Params;
use crate::core::Core;
use crate::facade::{CategoryUpdate, Facade};

pub async fn list(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
) -> QbitResult<Json<Value>> {
    let facade = Facade::load(&core, &identity.user).await?;
    Ok(Json(facade.categories_object()))
}

/// `category`, `savePath`, and torrent-manager's `server` (a server's id or
/// name) choosing where the category's torrents go; without it, the user's
/// default server.
fn update_of(params: &Params) -> QbitResult<CategoryUpdate> {
    Ok(CategoryUpdate {
        name: params.required("category")?.to_string(),
        save_path: params.get("savePath").map(str::to_string),
        server: params.either(&["server", "server_id"]).map(str::to_string),
    })
}

pub async fn create(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.user).await?;
    facade.create_category(update_of(&params)?).await?;
    Ok(ok_text())
}

pub async fn edit(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.user).await?;
    facade.edit_category(update_of(&params)?).await?;
    Ok(ok_text())
}

pub async fn remove(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.user).await?;
    facade
        .remove_categories(params.required("categories")?)
        .await?;
    Ok(ok_text())
}

pub async fn set_category(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.user).await?;
    let entries = facade.selected(params.required("hashes")?);
    facade
        .set_category(&entries, params.required("category")?)
        .await?;
    Ok(ok_text())
}

pub async fn tags(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
) -> QbitResult<Json<Vec<String>>> {
    let facade = Facade::load(&core, &identity.user).await?;
    Ok(Json(facade.tags().await?))
}

pub async fn create_tags(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.user).await?;
    facade.create_tags(params.required("tags")?).await?;
    Ok(ok_text())
}

pub async fn delete_tags(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.user).await?;
    facade.delete_tags(params.required("tags")?).await?;
    Ok(ok_text())
}

async fn edit_tags(
    core: Core,
    identity: QbitUser,
    params: Params,
    add: bool,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.0.user).await?;
    let entries = facade.selected(params.required("hashes")?);
    facade
        .edit_tags(&entries, params.required("tags")?, add)
        .await?;
    Ok(ok_text())
}

pub async fn add_tags(
    State(core): State<Core>,
    user: QbitUser,
    params: Params,
) -> QbitResult<Response> {
    edit_tags(core, user, params, true).await
}

pub async fn remove_tags(
    State(core): State<Core>,
    user: QbitUser,
    params: Params,
) -> QbitResult<Response> {
    edit_tags(core, user, params, false).await
}
