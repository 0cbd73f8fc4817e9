//! RSS feeds: polled on each feed's interval; the items a feed's filter
//! takes are added to its server.

use reqwest::Method;
use tm_api_types::{
    MessageResponse, RssFeed, RssFeedRequest, RssFeedUpdate, RssItem, RssItemsQuery, RssPreview,
    RssPreviewRequest, RssRefreshResponse,
};

use crate::{Client, Error};

impl Client {
    /// Your feeds, newest first.
    pub async fn list_rss_feeds(&self) -> Result<Vec<RssFeed>, Error> {
        self.call(self.request(Method::GET, &["rss", "feeds"])?)
            .await
    }

    pub async fn get_rss_feed(&self, id: &str) -> Result<RssFeed, Error> {
        self.call(self.request(Method::GET, &["rss", "feeds", id])?)
            .await
    }

    /// Adds a feed; items already in it are added only when its filter
    /// takes them.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let feed = client
    ///     .create_rss_feed(&tm_client::RssFeedRequest {
    ///         name: "tv".into(),
    ///         url: "https://tracker.example/rss?passkey=…".into(),
    ///         server_id: "auto".into(),
    ///         delay_hours: 0,
    ///         enabled: true,
    ///         interval_minutes: 15,
    ///         filter: tm_client::RssFilter {
    ///             include: Some(r"(?i)^show\.name\.".into()),
    ///             smart_episodes: true,
    ///             start: true,
    ///             ..Default::default()
    ///         },
    ///     })
    ///     .await?;
    /// let refreshed = client.refresh_rss_feed(&feed.id).await?;
    /// println!("{} new, {} added", refreshed.new_items, refreshed.added);
    /// # Ok(()) }
    /// ```
    pub async fn create_rss_feed(&self, feed: &RssFeedRequest) -> Result<RssFeed, Error> {
        self.call(self.request(Method::POST, &["rss", "feeds"])?.json(feed))
            .await
    }

    /// Changes the fields set in `update`.
    pub async fn update_rss_feed(
        &self,
        id: &str,
        update: &RssFeedUpdate,
    ) -> Result<RssFeed, Error> {
        self.call(
            self.request(Method::PUT, &["rss", "feeds", id])?
                .json(update),
        )
        .await
    }

    /// Deletes the feed and its items (the torrents it added stay).
    pub async fn delete_rss_feed(&self, id: &str) -> Result<MessageResponse, Error> {
        self.call(self.request(Method::DELETE, &["rss", "feeds", id])?)
            .await
    }

    /// Fetches the feed now and adds its items that are due.
    pub async fn refresh_rss_feed(&self, id: &str) -> Result<RssRefreshResponse, Error> {
        self.call(self.request(Method::POST, &["rss", "feeds", id, "refresh"])?)
            .await
    }

    /// Which of the feed's stored items `filter` (or, `None`, the feed's
    /// own) would take; nothing is changed.
    pub async fn preview_rss_feed(
        &self,
        id: &str,
        filter: Option<&tm_api_types::RssFilter>,
    ) -> Result<RssPreview, Error> {
        let body = RssPreviewRequest {
            filter: filter.cloned(),
        };
        self.call(
            self.request(Method::POST, &["rss", "feeds", id, "preview"])?
                .json(&body),
        )
        .await
    }

    /// Your feeds' items, newest first.
    pub async fn list_rss_items(&self, query: &RssItemsQuery) -> Result<Vec<RssItem>, Error> {
        self.call(self.request(Method::GET, &["rss", "items"])?.query(query))
            .await
    }
}
