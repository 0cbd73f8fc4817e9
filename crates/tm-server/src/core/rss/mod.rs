//! RSS feeds: fetched on each feed's interval (the poller) or on demand,
//! every item stored once and judged by the feed's filter, the items it
//! takes added through the same pipeline as `POST /torrents`.
//!
//! An item goes `new` (stored) → `matched` or `rejected` (judged; a
//! disabled feed's items wait as `new`) → `downloaded`, or `failed` when
//! adding it failed for good.

mod adding;
mod episode;
mod fetch;
mod filter;
mod judge;
mod poller;
mod refresh;

use tm_api_types::{
    AUTO_SERVER, RssFeed, RssFeedRequest, RssFeedUpdate, RssFilter, RssItem, RssItemCounts,
    RssItemStatus, RssItemsQuery,
};

pub use poller::run_rss_poller;

use super::activity::Change;
use super::{Core, Error, Result, User, from_millis, now_millis, validate};
use crate::db::{RssFeedRow, RssItemRow};

const MAX_NAME_CHARS: usize = 200;
const MAX_URL_LEN: usize = 2048;
/// Shortest interval between two fetches: feeds are not hammered.
const MIN_INTERVAL_MINUTES: u32 = 5;
const MAX_INTERVAL_MINUTES: u32 = 7 * 24 * 60;
const MAX_DELAY_HOURS: i64 = 24 * 365;
const MAX_FEEDS_PER_USER: usize = 200;
const DEFAULT_ITEMS: u32 = 100;
const MAX_ITEMS: u32 = 500;
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;

impl Core {
    /// The user's feeds, newest first.
    pub async fn list_rss_feeds(&self, user: &User) -> Result<Vec<RssFeed>> {
        let mut feeds = Vec::new();
        for row in self.store().rss_feeds_of(&user.id).await? {
            feeds.push(self.rss_feed_of_row(row).await?);
        }
        Ok(feeds)
    }

    pub async fn get_rss_feed(&self, user: &User, id: &str) -> Result<RssFeed> {
        let row = self.rss_feed_row(user, id).await?;
        self.rss_feed_of_row(row).await
    }

    /// Stores a feed; it is fetched at the poller's next look.
    pub async fn create_rss_feed(&self, user: &User, request: RssFeedRequest) -> Result<RssFeed> {
        if self.store().rss_feeds_of(&user.id).await?.len() >= MAX_FEEDS_PER_USER {
            return Err(Error::QuotaExceeded(format!(
                "you have {MAX_FEEDS_PER_USER} feeds, the most allowed"
            )));
        }
        let now = now_millis();
        let row = RssFeedRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id.clone(),
            name: validate::required_text("name", &request.name, MAX_NAME_CHARS)?,
            url: self.checked_feed_url(user, &request.url).await?,
            server_id: self.checked_feed_server(user, &request.server_id).await?,
            delay_hours: checked_delay(request.delay_hours)?,
            enabled: request.enabled,
            interval_minutes: checked_interval(request.interval_minutes)?,
            filter: filter_json(filter::checked(request.filter)?)?,
            created_at: now,
            next_check_at: now,
            last_checked_at: None,
            last_success_at: None,
            last_error: None,
            last_item_count: None,
            etag: None,
            last_modified: None,
        };
        self.store().insert_rss_feed(&row).await?;
        let message = format!("RSS feed {} '{}' added", row.id, row.name);
        self.record_one(Change::account(&user.id, "rss_feed_create", message))
            .await;
        self.rss_feed_of_row(row).await
    }

    /// Changes the fields given. A new URL is fetched afresh (no
    /// validators of the old one are sent).
    pub async fn update_rss_feed(
        &self,
        user: &User,
        id: &str,
        update: RssFeedUpdate,
    ) -> Result<RssFeed> {
        let mut row = self.rss_feed_row(user, id).await?;
        if let Some(name) = update.name {
            row.name = validate::required_text("name", &name, MAX_NAME_CHARS)?;
        }
        if let Some(url) = update.url {
            let url = self.checked_feed_url(user, &url).await?;
            if url != row.url {
                (row.url, row.etag, row.last_modified) = (url, None, None);
                row.next_check_at = now_millis();
            }
        }
        if let Some(server_id) = update.server_id {
            row.server_id = self.checked_feed_server(user, &server_id).await?;
        }
        if let Some(delay) = update.delay_hours {
            row.delay_hours = checked_delay(delay)?;
        }
        if let Some(enabled) = update.enabled {
            row.enabled = enabled;
        }
        if let Some(interval) = update.interval_minutes {
            row.interval_minutes = checked_interval(interval)?;
        }
        if let Some(filter) = update.filter {
            row.filter = filter_json(filter::checked(filter)?)?;
        }
        self.store().update_rss_feed(&row).await?;
        self.rss_feed_of_row(row).await
    }

    /// Deletes the feed and its items.
    pub async fn delete_rss_feed(&self, user: &User, id: &str) -> Result<()> {
        let row = self.rss_feed_row(user, id).await?;
        if !self.store().delete_rss_feed(id, &user.id).await? {
            return Err(Error::RssFeedNotFound);
        }
        let message = format!("RSS feed {id} '{}' deleted", row.name);
        self.record_one(Change::account(&user.id, "rss_feed_delete", message))
            .await;
        Ok(())
    }

    /// The user's items, newest first.
    pub async fn list_rss_items(&self, user: &User, query: &RssItemsQuery) -> Result<Vec<RssItem>> {
        let limit = query.limit.unwrap_or(DEFAULT_ITEMS);
        if limit == 0 || limit > MAX_ITEMS {
            return Err(Error::Invalid(format!(
                "limit must be between 1 and {MAX_ITEMS}"
            )));
        }
        if let Some(feed_id) = &query.feed_id {
            self.rss_feed_row(user, feed_id).await?;
        }
        let rows = self
            .store()
            .rss_items_of(
                &user.id,
                query.feed_id.as_deref(),
                query.status.map(RssItemStatus::as_str),
                i64::from(limit),
            )
            .await?;
        Ok(rows.into_iter().map(item_of).collect())
    }

    async fn rss_feed_row(&self, user: &User, id: &str) -> Result<RssFeedRow> {
        self.store()
            .rss_feed_of(id, &user.id)
            .await?
            .ok_or(Error::RssFeedNotFound)
    }

    async fn rss_feed_of_row(&self, row: RssFeedRow) -> Result<RssFeed> {
        let server_name = if row.server_id == AUTO_SERVER {
            None
        } else {
            self.store()
                .server_of(&row.server_id, &row.user_id)
                .await?
                .map(|s| s.name)
        };
        let mut counts = RssItemCounts::default();
        for (status, count) in self.store().rss_item_counts(&row.id).await? {
            let count = count.max(0) as u64;
            match RssItemStatus::parse(&status) {
                Some(RssItemStatus::New) => counts.new = count,
                Some(RssItemStatus::Matched) => counts.matched = count,
                Some(RssItemStatus::Downloaded) => counts.downloaded = count,
                Some(RssItemStatus::Rejected) => counts.rejected = count,
                Some(RssItemStatus::Failed) => counts.failed = count,
                None => {}
            }
        }
        Ok(RssFeed {
            filter: stored_filter(&row)?,
            id: row.id,
            name: row.name,
            url: row.url,
            server_id: row.server_id,
            server_name,
            delay_hours: row.delay_hours,
            enabled: row.enabled,
            interval_minutes: u32::try_from(row.interval_minutes).unwrap_or(u32::MAX),
            created_at: from_millis(row.created_at),
            last_checked_at: row.last_checked_at.map(from_millis),
            last_success_at: row.last_success_at.map(from_millis),
            last_error: row.last_error,
            last_item_count: row.last_item_count.map(|n| n.max(0) as u64),
            item_counts: counts,
        })
    }

    /// An http(s) URL the user may make the service fetch. Credentials in
    /// it are kept: private trackers' feeds carry them.
    async fn checked_feed_url(&self, user: &User, url: &str) -> Result<String> {
        let parsed = self
            .checked_outbound_url(&user.id, "url", url, MAX_URL_LEN)
            .await?;
        Ok(parsed.to_string())
    }

    /// `auto`, or one of the user's servers.
    async fn checked_feed_server(&self, user: &User, server_id: &str) -> Result<String> {
        let server_id = server_id.trim();
        if server_id != AUTO_SERVER {
            self.server_row(user, server_id).await?;
        }
        Ok(server_id.to_string())
    }
}

fn checked_delay(hours: i64) -> Result<i64> {
    if hours > MAX_DELAY_HOURS {
        return Err(Error::Invalid(format!(
            "delay_hours must be at most {MAX_DELAY_HOURS}"
        )));
    }
    // Negative is 0, as the original had it.
    Ok(hours.max(0))
}

fn checked_interval(minutes: u32) -> Result<i64> {
    if !(MIN_INTERVAL_MINUTES..=MAX_INTERVAL_MINUTES).contains(&minutes) {
        return Err(Error::Invalid(format!(
            "interval_minutes must be between {MIN_INTERVAL_MINUTES} and {MAX_INTERVAL_MINUTES}"
        )));
    }
    Ok(i64::from(minutes))
}

fn filter_json(filter: RssFilter) -> Result<String> {
    serde_json::to_string(&filter).map_err(|e| Error::Internal(e.to_string()))
}

fn stored_filter(row: &RssFeedRow) -> Result<RssFilter> {
    serde_json::from_str(&row.filter)
        .map_err(|e| Error::Internal(format!("stored filter of RSS feed {}: {e}", row.id)))
}

fn item_of(row: RssItemRow) -> RssItem {
    RssItem {
        status: RssItemStatus::parse(&row.status).unwrap_or(RssItemStatus::New),
        id: row.id,
        feed_id: row.feed_id,
        title: row.title,
        guid: row.guid,
        link: row.link,
        uri: row.uri,
        size: row.size.map(|n| n.max(0) as u64),
        published_at: row.published_at.map(from_millis),
        reason: row.reason,
        info_hash: row.info_hash,
        server_id: row.server_id,
        detected_at: from_millis(row.detected_at),
        next_attempt_at: row.next_attempt_at.map(from_millis),
        added_at: row.added_at.map(from_millis),
        last_error: row.last_error,
        attempt_count: u32::try_from(row.attempt_count).unwrap_or(u32::MAX),
    }
}
