//! `GET /metrics` (Prometheus text exposition) and the layer that counts
//! every request for it.

use std::time::Instant;

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tm_api_types::ErrorBody;

use crate::core::{Core, Error, UNMATCHED_ROUTE};
use crate::http::extract::AdminUser;

/// The content type of the text exposition format.
const EXPOSITION: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Counts the request by method, route template and status, and times it
/// until its answer starts (a live-update stream counts once opened).
pub async fn record_request(State(core): State<Core>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // Set by the router before its layers run; absent when no route matched.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    core.process_metrics().record_request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Who may scrape: an admin (session or API key), or anyone when the
/// operator made the metrics public.
pub struct MetricsReader;

impl FromRequestParts<Core> for MetricsReader {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, core: &Core) -> Result<Self, Self::Rejection> {
        if !core.config().metrics_public {
            AdminUser::from_request_parts(parts, core).await?;
        }
        Ok(MetricsReader)
    }
}

/// Prometheus metrics: per server `tm_server_up`, `tm_server_torrents{state}`,
/// rates, byte sums and the last poll's duration (labels `server_id`,
/// `server`, `kind`); per process `tm_http_requests_total{method,route,status}`,
/// `tm_http_request_duration_seconds` and `tm_sse_clients`. Admins only,
/// unless the server runs with `--metrics-public`.
#[utoipa::path(get, path = "/metrics", tag = "metrics",
    responses((status = 200, content_type = "text/plain; version=0.0.4", body = String,
        description = "the Prometheus text exposition format"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "not an admin")))]
pub async fn metrics(State(core): State<Core>, _reader: MetricsReader) -> Result<Response, Error> {
    // Counting a large fleet's torrents is CPU work: off the async workers.
    let text = tokio::task::spawn_blocking(move || core.render_metrics()).await?;
    Ok(([(header::CONTENT_TYPE, EXPOSITION)], text).into_response())
}
