//! Webhooks (`/webhooks`): lifecycle events of your torrents, servers and
//! rules, POSTed as signed JSON to URLs you register.

use time::OffsetDateTime;

/// Every event a webhook can subscribe to, as named on the wire.
pub const WEBHOOK_EVENTS: [&str; 12] = [
    "torrent.added",
    "torrent.completed",
    "torrent.removed",
    "torrent.errored",
    "torrent.tracker_status_changed",
    "torrent.stopped",
    "torrent.started",
    "rule.fired",
    "rule.notify",
    "server.down",
    "server.up",
    "webhook.test",
];

fn default_true() -> bool {
    true
}

/// `POST /webhooks`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where events are POSTed: an http(s) URL without credentials.
    pub url: String,
    /// The events sent (see `GET /webhooks/events`); empty: every event.
    #[serde(default)]
    pub events: Vec<String>,
    /// The HMAC-SHA256 key of `X-TM-Signature`; absent or null: a random
    /// one is made. Returned once, in the answer to this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(default = "default_true")]
    pub enabled: bool,
}

/// One attempt to deliver an event to a webhook.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Also sent as `X-TM-Delivery`.
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    /// The event's id (the payload's `id`), the same on every attempt.
    pub event_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The receiver answered 2xx.
    pub ok: bool,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<u16>,
    /// Why the attempt failed, when it did.
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// A registered webhook (its secret is never shown again).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: String,
    pub url: String,
    /// Empty: every event.
    pub events: Vec<String>,
    pub enabled: bool,
    pub has_secret: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub last_delivery: Option<WebhookDelivery>,
}

/// `POST /webhooks`: the webhook and its secret, shown this once.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: Webhook,
    pub secret: String,
}

/// `?limit=&before=` of `GET /webhooks/{id}/deliveries`.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct WebhookDeliveryQuery {
    /// At most this many deliveries (default 50, at most 200), newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only deliveries older than this one (the previous page's `next_before`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// `GET /webhooks/{id}/deliveries`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryPage {
    pub deliveries: Vec<WebhookDelivery>,
    /// `before` of the next page; null on the last.
    pub next_before: Option<String>,
}
