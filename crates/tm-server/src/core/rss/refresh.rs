//! Refreshing a feed: fetch (conditional), store the items not seen
//! before as `new`, judge them when the feed is enabled.

use tm_api_types::{RssItemStatus, RssRefreshResponse};

use super::episode;
use super::fetch::{Fetched, fetch_feed};
use crate::core::activity::shown_error;
use crate::core::{Core, Error, Result, User, now_millis};
use crate::db::{FetchRecord, RssFeedRow, RssItemRow};
use tm_backends::feed::{FeedEntry, parse_feed};

/// What one refresh found.
pub(super) struct Refreshed {
    pub new_items: u64,
    pub not_modified: bool,
}

impl Core {
    /// Fetches the feed now and adds what its filter takes and is due:
    /// this feed's items only. A failed fetch is the answer's error and the
    /// feed's `last_error`.
    pub async fn refresh_rss_feed(&self, user: &User, id: &str) -> Result<RssRefreshResponse> {
        let row = self.rss_feed_row(user, id).await?;
        // A fetch error names the URL: without its query (passkeys), as stored.
        let refreshed = self.refresh_feed(&row).await.map_err(|error| match error {
            Error::BadRequest(_) => Error::BadRequest(shown_error(&error)),
            other => other,
        })?;
        let added = if row.enabled {
            self.add_due_items(Some(&row.id)).await?
        } else {
            0
        };
        Ok(RssRefreshResponse {
            message: if refreshed.not_modified {
                "RSS feed not modified".into()
            } else {
                "RSS feed refreshed".into()
            },
            new_items: refreshed.new_items,
            not_modified: refreshed.not_modified,
            added,
            feed: self.get_rss_feed(user, id).await?,
        })
    }

    /// Fetches the feed, stores its new items and (enabled) judges them;
    /// how the fetch went is noted on the feed last, so whoever sees the
    /// fetch noted sees its items, and a failure to store them leaves the
    /// validators as they were (the next fetch is not a 304).
    pub(super) async fn refresh_feed(&self, feed: &RssFeedRow) -> Result<Refreshed> {
        let checked_at = now_millis();
        let answer = match self.fetch_entries(feed).await {
            Ok(answer) => answer,
            Err(error) => {
                // Kept, and shown, without the URL's credentials or query (passkeys).
                let record = FetchRecord::Failed(shown_error(&error));
                self.store()
                    .record_rss_fetch(&feed.id, checked_at, &record)
                    .await?;
                return Err(error);
            }
        };
        let mut new_items = 0;
        // Feeds list the newest first: stored oldest first, judged in that order.
        for entry in answer.entries.iter().flatten().rev() {
            if self.store().insert_rss_item(&new_item(feed, entry)).await? {
                new_items += 1;
            }
        }
        if feed.enabled {
            self.judge_new_items(feed).await?;
        }
        let record = match &answer.entries {
            None => FetchRecord::NotModified,
            Some(entries) => FetchRecord::Fetched {
                item_count: entries.len() as i64,
                etag: answer.etag.clone(),
                last_modified: answer.last_modified.clone(),
            },
        };
        self.store()
            .record_rss_fetch(&feed.id, checked_at, &record)
            .await?;
        Ok(Refreshed {
            new_items,
            not_modified: answer.entries.is_none(),
        })
    }

    async fn fetch_entries(&self, feed: &RssFeedRow) -> Result<FeedAnswer> {
        let policy = self.target_policy_of(&feed.user_id).await?;
        let fetched = fetch_feed(
            &feed.url,
            &policy,
            feed.etag.as_deref(),
            feed.last_modified.as_deref(),
        )
        .await?;
        let Fetched::Body {
            bytes,
            etag,
            last_modified,
        } = fetched
        else {
            return Ok(FeedAnswer {
                entries: None,
                etag: feed.etag.clone(),
                last_modified: feed.last_modified.clone(),
            });
        };
        // A large feed is real work for the parser: off the async workers.
        let entries = tokio::task::spawn_blocking(move || parse_feed(&bytes))
            .await?
            .map_err(|e| Error::BadRequest(format!("The feed could not be read: {e}")))?;
        Ok(FeedAnswer {
            entries: Some(entries),
            etag,
            last_modified,
        })
    }
}

/// The feed's entries (`None`: not modified) and the validators to send
/// next time.
struct FeedAnswer {
    entries: Option<Vec<FeedEntry>>,
    etag: Option<String>,
    last_modified: Option<String>,
}

fn new_item(feed: &RssFeedRow, entry: &FeedEntry) -> RssItemRow {
    RssItemRow {
        id: uuid::Uuid::now_v7().to_string(),
        feed_id: feed.id.clone(),
        user_id: feed.user_id.clone(),
        title: entry.title.clone(),
        guid: entry.guid.clone(),
        link: entry.link.clone(),
        uri: entry.uri.clone(),
        size: entry.size.and_then(|n| i64::try_from(n).ok()),
        published_at: entry.published_at,
        episode: episode::parse(&entry.title).map(|e| e.key()),
        status: RssItemStatus::New.as_str().to_string(),
        reason: None,
        info_hash: None,
        server_id: None,
        detected_at: now_millis(),
        next_attempt_at: None,
        added_at: None,
        last_error: None,
        attempt_count: 0,
    }
}
