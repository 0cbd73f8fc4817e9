use axum::Json;
use axum::extract::State;
use tm_api_types::{ErrorBody, HealthResponse};

use crate::core::{Core, Error};

/// Healthy once the database answers.
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, body = HealthResponse), (status = 503, body = ErrorBody)))]
pub async fn health(State(core): State<Core>) -> Result<Json<HealthResponse>, Error> {
    if core.store().ping().await {
        Ok(Json(HealthResponse {
            status: "healthy".into(),
        }))
    } else {
        Err(Error::Unavailable("the database is not reachable".into()))
    }
}
