//! Webhooks: lifecycle events POSTed as signed JSON to your URLs.

use reqwest::Method;
use tm_api_types::{
    Webhook, WebhookCreated, WebhookDelivery, WebhookDeliveryPage, WebhookDeliveryQuery,
    WebhookRequest,
};

use crate::{Client, Error};

impl Client {
    /// Your webhooks (their secrets are never shown again).
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        self.call(self.request(Method::GET, &["webhooks"])?).await
    }

    /// Registers a webhook; the answer holds its secret, shown this once.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let hook = client
    ///     .create_webhook(&tm_client::WebhookRequest {
    ///         url: "https://hooks.example/torrents".into(),
    ///         events: vec!["torrent.completed".into()],
    ///         secret: None,
    ///         enabled: true,
    ///     })
    ///     .await?;
    /// println!("{} signs with {}", hook.webhook.id, hook.secret);
    /// # Ok(()) }
    /// ```
    pub async fn create_webhook(&self, request: &WebhookRequest) -> Result<WebhookCreated, Error> {
        self.call(self.request(Method::POST, &["webhooks"])?.json(request))
            .await
    }

    pub async fn get_webhook(&self, id: &str) -> Result<Webhook, Error> {
        self.call(self.request(Method::GET, &["webhooks", id])?)
            .await
    }

    /// Deletes the webhook and its delivery log.
    pub async fn delete_webhook(&self, id: &str) -> Result<(), Error> {
        self.send(self.request(Method::DELETE, &["webhooks", id])?)
            .await
            .map(|_| ())
    }

    /// Sends a `webhook.test` event now (one attempt) and answers how it went.
    pub async fn test_webhook(&self, id: &str) -> Result<WebhookDelivery, Error> {
        self.call(self.request(Method::POST, &["webhooks", id, "test"])?)
            .await
    }

    /// The event names a webhook can subscribe to.
    pub async fn webhook_events(&self) -> Result<Vec<String>, Error> {
        self.call(self.request(Method::GET, &["webhooks", "events"])?)
            .await
    }

    /// One page of the webhook's delivery attempts, newest first; pass the
    /// page's `next_before` as `before` for the next.
    pub async fn webhook_deliveries(
        &self,
        id: &str,
        query: &WebhookDeliveryQuery,
    ) -> Result<WebhookDeliveryPage, Error> {
        self.call(
            self.request(Method::GET, &["webhooks", id, "deliveries"])?
                .query(query),
        )
        .await
    }
}
