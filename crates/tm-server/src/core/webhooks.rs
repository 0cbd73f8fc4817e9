//! Webhooks as stored: checked when created (the egress policy applies to
//! the URL), their secret sealed at rest and shown once, their delivery log.

use std::collections::HashSet;

use tm_api_types::{
    Webhook, WebhookCreated, WebhookDelivery, WebhookDeliveryPage, WebhookDeliveryQuery,
    WebhookRequest,
};

use super::activity::Change;
use super::{Core, Error, Result, User, from_millis, now_millis};
use crate::db::{DeliveryRow, WebhookRow};
use crate::events::{Event, EventKind};
use crate::webhooks::{Delivery, Target, attempt};

/// Most webhooks one user keeps.
const MAX_WEBHOOKS_PER_USER: i64 = 20;
const MAX_URL_LEN: usize = 2048;
const MAX_SECRET_LEN: usize = 256;
/// Bytes of a generated secret (64 hex characters).
const SECRET_BYTES: usize = 32;
const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;

impl Core {
    pub async fn list_webhooks(&self, user: &User) -> Result<Vec<Webhook>> {
        let mut hooks = Vec::new();
        for row in self.store().webhooks_of(&user.id).await? {
            hooks.push(self.webhook_of_row(row).await?);
        }
        Ok(hooks)
    }

    pub async fn get_webhook(&self, user: &User, id: &str) -> Result<Webhook> {
        let row = self.webhook_row(user, id).await?;
        self.webhook_of_row(row).await
    }

    pub async fn create_webhook(
        &self,
        user: &User,
        request: WebhookRequest,
    ) -> Result<WebhookCreated> {
        let url = self.checked_url(user, &request.url).await?;
        let events = checked_events(request.events)?;
        let secret = match request.secret {
            Some(secret) if secret.is_empty() || secret.len() > MAX_SECRET_LEN => {
                return Err(Error::Invalid(format!(
                    "secret must be 1 to {MAX_SECRET_LEN} bytes"
                )));
            }
            Some(secret) => secret,
            None => crate::crypto::random_hex(SECRET_BYTES),
        };
        if self.store().count_webhooks(&user.id).await? >= MAX_WEBHOOKS_PER_USER {
            return Err(Error::QuotaExceeded(format!(
                "you have {MAX_WEBHOOKS_PER_USER} webhooks, the most allowed"
            )));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let row = WebhookRow {
            secret: self.secrets().encrypt(&secret, &secret_context(&id))?,
            id,
            user_id: user.id.clone(),
            url: url.to_string(),
            events: serde_json::to_string(&events).map_err(|e| Error::Internal(e.to_string()))?,
            enabled: request.enabled,
            created_at: now_millis(),
        };
        self.store().insert_webhook(&row).await?;
        self.refresh_webhook_users().await?;
        let message = format!("webhook {} to {} added", row.id, shown_host(&url));
        self.record_one(Change::account(&user.id, "webhook_create", message))
            .await;
        Ok(WebhookCreated {
            webhook: self.webhook_of_row(row).await?,
            secret,
        })
    }

    pub async fn delete_webhook(&self, user: &User, id: &str) -> Result<()> {
        let row = self.webhook_row(user, id).await?;
        if !self.store().delete_webhook(id, &user.id).await? {
            return Err(webhook_not_found());
        }
        self.refresh_webhook_users().await?;
        let url = url::Url::parse(&row.url).map_err(|e| Error::Internal(e.to_string()))?;
        let message = format!("webhook {id} to {} deleted", shown_host(&url));
        self.record_one(Change::account(&user.id, "webhook_delete", message))
            .await;
        Ok(())
    }

    /// Sends a `webhook.test` event now, once, and answers how it went.
    pub async fn test_webhook(&self, user: &User, id: &str) -> Result<WebhookDelivery> {
        let row = self.webhook_row(user, id).await?;
        let target = self.target_of(&row).await?;
        let event = Event::new(EventKind::WebhookTest, &user.id);
        let body = event.payload();
        let delivery = Delivery {
            event: event.kind.name(),
            event_id: &event.id,
            body: &body,
            attempt: 1,
        };
        attempt(self, &target, &delivery)
            .await
            .record
            .map(delivery_of)
            .ok_or_else(|| Error::Internal("the test delivery was not recorded".into()))
    }

    /// The webhook's delivery attempts, newest first, a page at a time.
    pub async fn webhook_deliveries(
        &self,
        user: &User,
        id: &str,
        query: &WebhookDeliveryQuery,
    ) -> Result<WebhookDeliveryPage> {
        let row = self.webhook_row(user, id).await?;
        let limit = query.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(Error::Invalid(format!(
                "limit must be between 1 and {MAX_PAGE}"
            )));
        }
        let rows = self
            .store()
            .deliveries(&row.id, query.before.as_deref(), i64::from(limit))
            .await?;
        let next_before = (rows.len() == limit as usize)
            .then(|| rows.last().map(|r| r.id.clone()))
            .flatten();
        Ok(WebhookDeliveryPage {
            deliveries: rows.into_iter().map(delivery_of).collect(),
            next_before,
        })
    }

    /// Where `event` goes: the enabled webhooks of its user subscribed to it.
    pub(crate) async fn hooks_hearing(&self, event: &Event) -> Result<Vec<String>> {
        Ok(self
            .store()
            .webhooks_of(&event.user_id)
            .await?
            .into_iter()
            .filter(|row| row.enabled && subscribes(row, event.kind))
            .map(|row| row.id)
            .collect())
    }

    /// Tells the pollers which users' events are wanted.
    pub async fn refresh_webhook_users(&self) -> Result<()> {
        let users: HashSet<String> = self.store().webhook_users().await?.into_iter().collect();
        self.events().set_subscribed(users);
        Ok(())
    }

    /// The webhook ready to send to (its secret opened, its owner's policy).
    pub(crate) async fn target_of(&self, row: &WebhookRow) -> Result<Target> {
        Ok(Target {
            webhook_id: row.id.clone(),
            url: row.url.clone(),
            secret: self
                .secrets()
                .decrypt(&row.secret, &secret_context(&row.id))?,
            policy: self.target_policy_of(&row.user_id).await?,
        })
    }

    async fn webhook_row(&self, user: &User, id: &str) -> Result<WebhookRow> {
        self.store()
            .webhook_of(id, &user.id)
            .await?
            .ok_or_else(webhook_not_found)
    }

    async fn webhook_of_row(&self, row: WebhookRow) -> Result<Webhook> {
        let last = self.store().deliveries(&row.id, None, 1).await?;
        Ok(Webhook {
            events: serde_json::from_str(&row.events)
                .map_err(|e| Error::Internal(format!("stored webhook {}: {e}", row.id)))?,
            id: row.id,
            url: row.url,
            enabled: row.enabled,
            has_secret: true,
            created_at: from_millis(row.created_at),
            last_delivery: last.into_iter().next().map(delivery_of),
        })
    }

    /// The URL if it is an http(s) URL without credentials whose host the
    /// user may target.
    async fn checked_url(&self, user: &User, url: &str) -> Result<url::Url> {
        let parsed = self
            .checked_outbound_url(&user.id, "url", url, MAX_URL_LEN)
            .await?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::Invalid(
                "url must not contain credentials (use the secret to authenticate)".into(),
            ));
        }
        Ok(parsed)
    }
}

/// The event names, known and without repeats; empty means every event.
fn checked_events(events: Vec<String>) -> Result<Vec<String>> {
    let mut checked: Vec<String> = Vec::new();
    for name in events {
        let name = name.trim();
        if EventKind::parse(name).is_none() {
            return Err(Error::Invalid(format!(
                "unknown event '{}'; see GET /webhooks/events",
                name.chars().take(64).collect::<String>()
            )));
        }
        if !checked.iter().any(|n| n == name) {
            checked.push(name.to_string());
        }
    }
    Ok(checked)
}

fn subscribes(row: &WebhookRow, kind: EventKind) -> bool {
    match serde_json::from_str::<Vec<String>>(&row.events) {
        Ok(events) => events.is_empty() || events.iter().any(|e| e == kind.name()),
        Err(_) => false,
    }
}

/// Scheme and host only: a webhook's path or query often holds a token.
fn shown_host(url: &url::Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default())
}

/// Associated data of a sealed webhook secret: binds it to its row.
fn secret_context(webhook_id: &str) -> String {
    format!("webhook:{webhook_id}:secret")
}

pub(crate) fn delivery_of(row: DeliveryRow) -> WebhookDelivery {
    WebhookDelivery {
        id: row.id,
        webhook_id: row.webhook_id,
        event: row.event,
        event_id: row.event_id,
        at: from_millis(row.at),
        attempt: row.attempt.clamp(0, u32::MAX as i64) as u32,
        ok: row.ok,
        status_code: row.status_code.and_then(|c| u16::try_from(c).ok()),
        error: row.error,
        duration_ms: row.duration_ms.max(0) as u64,
    }
}

fn webhook_not_found() -> Error {
    Error::NotFound("Webhook not found".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_known_names_without_repeats() {
        assert_eq!(
            checked_events(vec![
                "torrent.added".into(),
                " torrent.added ".into(),
                "rule.notify".into()
            ])
            .unwrap(),
            ["torrent.added", "rule.notify"]
        );
        assert!(checked_events(vec![]).unwrap().is_empty());
        let error = checked_events(vec!["torrent.exploded".into()]).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("unknown event 'torrent.exploded'")
        );
    }

    #[test]
    fn only_scheme_and_host_are_shown() {
        let url = url::Url::parse("https://hooks.example/services/T0/B0/token?x=1").unwrap();
        assert_eq!(shown_host(&url), "https://hooks.example");
    }
}
