//! Placement rules: where `server_id: "auto"` puts a new torrent.

use axum::Json;
use axum::extract::State;
use tm_api_types::{ErrorBody, PlacementRules};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};

/// Your placement rules, in order.
#[utoipa::path(get, path = "/placement", tag = "placement",
    responses((status = 200, body = PlacementRules), (status = 401, body = ErrorBody)))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<PlacementRules>, Error> {
    Ok(Json(core.placement_rules(&identity.user).await?))
}

/// Replace your placement rules. The first rule whose `match` holds for a
/// new torrent decides; a server that is down or too full is skipped; the
/// fallback is your default server, then any healthy one.
#[utoipa::path(put, path = "/placement", tag = "placement", request_body = PlacementRules,
    responses((status = 200, body = PlacementRules), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "an unknown field, an invalid rule, or a server that is not yours")))]
pub async fn set(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(rules): ApiJson<PlacementRules>,
) -> Result<Json<PlacementRules>, Error> {
    Ok(Json(core.set_placement_rules(&identity.user, rules).await?))
}
