//! Webhooks: lifecycle events of your torrents, servers and rules POSTed as
//! signed JSON to your URLs.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tm_api_types::{
    ErrorBody, WEBHOOK_EVENTS, Webhook, WebhookCreated, WebhookDelivery, WebhookDeliveryPage,
    WebhookDeliveryQuery, WebhookRequest,
};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::{ApiPath, ApiQuery};

#[utoipa::path(get, path = "/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<Webhook>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<Vec<Webhook>>, Error> {
    Ok(Json(core.list_webhooks(&identity.user).await?))
}

/// Register a webhook. The answer holds its secret, the only time it is
/// shown: each delivery carries `X-TM-Signature: sha256=<hex HMAC-SHA256 of
/// the body under the secret>`.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", request_body = WebhookRequest,
    responses((status = 201, body = WebhookCreated), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the egress policy refuses the URL's host (forbidden_target)"),
        (status = 422, body = ErrorBody, description = "a bad URL, secret or event name")))]
pub async fn create(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(request): ApiJson<WebhookRequest>,
) -> Result<(StatusCode, Json<WebhookCreated>), Error> {
    let created = core.create_webhook(&identity.user, request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The event names a webhook can subscribe to.
#[utoipa::path(get, path = "/webhooks/events", tag = "webhooks",
    responses((status = 200, body = Vec<String>), (status = 401, body = ErrorBody)))]
pub async fn events(_user: CurrentUser) -> Json<Vec<&'static str>> {
    Json(WEBHOOK_EVENTS.to_vec())
}

#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = Webhook), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Webhook>, Error> {
    Ok(Json(core.get_webhook(&identity.user, &id).await?))
}

/// Delete the webhook and its delivery log.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, Error> {
    core.delete_webhook(&identity.user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a `webhook.test` event now (one attempt, no retry) and answer how
/// it went.
#[utoipa::path(post, path = "/webhooks/{id}/test", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = WebhookDelivery), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn test(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WebhookDelivery>, Error> {
    Ok(Json(core.test_webhook(&identity.user, &id).await?))
}

/// Every delivery attempt (the newest 200 are kept), newest first.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path), WebhookDeliveryQuery),
    responses((status = 200, body = WebhookDeliveryPage), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn deliveries(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<WebhookDeliveryQuery>,
) -> Result<Json<WebhookDeliveryPage>, Error> {
    Ok(Json(
        core.webhook_deliveries(&identity.user, &id, &query).await?,
    ))
}
