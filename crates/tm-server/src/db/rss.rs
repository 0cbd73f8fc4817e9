//! RSS feeds and the items seen in them.

use super::{DbResult, Store, on_pool};

/// One row of `rss_feeds`; `filter` is JSON.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RssFeedRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub url: String,
    pub server_id: String,
    pub delay_hours: i64,
    pub enabled: bool,
    pub interval_minutes: i64,
    pub filter: String,
    pub created_at: i64,
    pub next_check_at: i64,
    pub last_checked_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_item_count: Option<i64>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One row of `rss_items`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RssItemRow {
    pub id: String,
    pub feed_id: String,
    pub user_id: String,
    pub title: String,
    pub guid: String,
    pub link: Option<String>,
    pub uri: Option<String>,
    pub size: Option<i64>,
    pub published_at: Option<i64>,
    pub episode: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub info_hash: Option<String>,
    pub server_id: Option<String>,
    pub detected_at: i64,
    pub next_attempt_at: Option<i64>,
    pub added_at: Option<i64>,
    pub last_error: Option<String>,
    pub attempt_count: i64,
}

/// How a fetch of a feed went.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchRecord {
    /// The feed answered (`item_count` items; validators for the next
    /// conditional request).
    Fetched {
        item_count: i64,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: nothing changed.
    NotModified,
    Failed(String),
}

macro_rules! feed_columns {
    () => {
        "id, user_id, name, url, server_id, delay_hours, enabled, interval_minutes, filter, \
         created_at, next_check_at, last_checked_at, last_success_at, last_error, \
         last_item_count, etag, last_modified"
    };
}

macro_rules! item_columns {
    () => {
        "id, feed_id, user_id, title, guid, link, uri, size, published_at, episode, status, \
         reason, info_hash, server_id, detected_at, next_attempt_at, added_at, last_error, \
         attempt_count"
    };
}

impl Store {
    pub async fn insert_rss_feed(&self, row: &RssFeedRow) -> DbResult<()> {
        const SQL: &str = concat!(
            "INSERT INTO rss_feeds (",
            feed_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        );
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.user_id)
            .bind(&row.name)
            .bind(&row.url)
            .bind(&row.server_id)
            .bind(row.delay_hours)
            .bind(row.enabled)
            .bind(row.interval_minutes)
            .bind(&row.filter)
            .bind(row.created_at)
            .bind(row.next_check_at)
            .bind(row.last_checked_at)
            .bind(row.last_success_at)
            .bind(&row.last_error)
            .bind(row.last_item_count)
            .bind(&row.etag)
            .bind(&row.last_modified)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn rss_feed_of(&self, id: &str, user_id: &str) -> DbResult<Option<RssFeedRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            feed_columns!(),
            " FROM rss_feeds WHERE id = $1 AND user_id = $2"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RssFeedRow>(SQL)
            .bind(id)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?)
    }

    /// A feed, whoever owns it (for the poller).
    pub async fn rss_feed_by_id(&self, id: &str) -> DbResult<Option<RssFeedRow>> {
        const SQL: &str = concat!("SELECT ", feed_columns!(), " FROM rss_feeds WHERE id = $1");
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RssFeedRow>(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// The user's feeds, newest first.
    pub async fn rss_feeds_of(&self, user_id: &str) -> DbResult<Vec<RssFeedRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            feed_columns!(),
            " FROM rss_feeds WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RssFeedRow>(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    /// Saves what a user can edit (and when the feed is next fetched).
    pub async fn update_rss_feed(&self, row: &RssFeedRow) -> DbResult<()> {
        const SQL: &str = "UPDATE rss_feeds SET name = $3, url = $4, server_id = $5, \
            delay_hours = $6, enabled = $7, interval_minutes = $8, filter = $9, \
            next_check_at = $10, etag = $11, last_modified = $12 WHERE id = $1 AND user_id = $2";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.user_id)
            .bind(&row.name)
            .bind(&row.url)
            .bind(&row.server_id)
            .bind(row.delay_hours)
            .bind(row.enabled)
            .bind(row.interval_minutes)
            .bind(&row.filter)
            .bind(row.next_check_at)
            .bind(&row.etag)
            .bind(&row.last_modified)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Deletes the feed and its items; false when it is not the user's.
    pub async fn delete_rss_feed(&self, id: &str, user_id: &str) -> DbResult<bool> {
        const SQL: &str = "DELETE FROM rss_feeds WHERE id = $1 AND user_id = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Enabled feeds whose next fetch is due at `now`.
    pub async fn due_rss_feeds(&self, now: i64) -> DbResult<Vec<RssFeedRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            feed_columns!(),
            " FROM rss_feeds WHERE enabled AND next_check_at <= $1 ORDER BY next_check_at"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RssFeedRow>(SQL)
            .bind(now)
            .fetch_all(pool)
            .await)?)
    }

    /// Takes the feed's due fetch for this instance (moving it to `next`);
    /// false when another took it first.
    pub async fn claim_rss_feed(&self, id: &str, now: i64, next: i64) -> DbResult<bool> {
        const SQL: &str =
            "UPDATE rss_feeds SET next_check_at = $3 WHERE id = $1 AND next_check_at <= $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(now)
            .bind(next)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Notes a fetch made at `at`.
    pub async fn record_rss_fetch(&self, id: &str, at: i64, record: &FetchRecord) -> DbResult<()> {
        const FETCHED: &str = "UPDATE rss_feeds SET last_checked_at = $2, last_success_at = $2, \
            last_error = NULL, last_item_count = $3, etag = $4, last_modified = $5 WHERE id = $1";
        const NOT_MODIFIED: &str = "UPDATE rss_feeds SET last_checked_at = $2, \
            last_success_at = $2, last_error = NULL WHERE id = $1";
        const FAILED: &str =
            "UPDATE rss_feeds SET last_checked_at = $2, last_error = $3 WHERE id = $1";
        on_pool!(self, |pool| {
            let query = match record {
                FetchRecord::Fetched {
                    item_count,
                    etag,
                    last_modified,
                } => sqlx::query(FETCHED)
                    .bind(id)
                    .bind(at)
                    .bind(*item_count)
                    .bind(etag)
                    .bind(last_modified),
                FetchRecord::NotModified => sqlx::query(NOT_MODIFIED).bind(id).bind(at),
                FetchRecord::Failed(error) => sqlx::query(FAILED).bind(id).bind(at).bind(error),
            };
            query.execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Stores an item first seen now; false when the feed already has it.
    pub async fn insert_rss_item(&self, row: &RssItemRow) -> DbResult<bool> {
        const SQL: &str = concat!(
            "INSERT INTO rss_items (",
            item_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19) ON CONFLICT (feed_id, guid) DO NOTHING"
        );
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.feed_id)
            .bind(&row.user_id)
            .bind(&row.title)
            .bind(&row.guid)
            .bind(&row.link)
            .bind(&row.uri)
            .bind(row.size)
            .bind(row.published_at)
            .bind(&row.episode)
            .bind(&row.status)
            .bind(&row.reason)
            .bind(&row.info_hash)
            .bind(&row.server_id)
            .bind(row.detected_at)
            .bind(row.next_attempt_at)
            .bind(row.added_at)
            .bind(&row.last_error)
            .bind(row.attempt_count)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// The feed's items in `status`, oldest first (by publication, then
    /// first sight).
    pub async fn rss_items_in(&self, feed_id: &str, status: &str) -> DbResult<Vec<RssItemRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            item_columns!(),
            " FROM rss_items WHERE feed_id = $1 AND status = $2 \
             ORDER BY COALESCE(published_at, detected_at), detected_at, id"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RssItemRow>(SQL)
            .bind(feed_id)
            .bind(status)
            .fetch_all(pool)
            .await)?)
    }

    /// The user's items, newest first, of one feed and in one state when given.
    pub async fn rss_items_of(
        &self,
        user_id: &str,
        feed_id: Option<&str>,
        status: Option<&str>,
        limit: i64,
    ) -> DbResult<Vec<RssItemRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            item_columns!(),
            " FROM rss_items WHERE user_id = $1 AND ($2 IS NULL OR feed_id = $2) \
             AND ($3 IS NULL OR status = $3) ORDER BY detected_at DESC, id DESC LIMIT $4"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RssItemRow>(SQL)
            .bind(user_id)
            .bind(feed_id)
            .bind(status)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// The title of an item of the feed, other than `except_id`, that took
    /// (or is taking) `episode`.
    pub async fn rss_episode_taken(
        &self,
        feed_id: &str,
        episode: &str,
        except_id: &str,
    ) -> DbResult<Option<String>> {
        const SQL: &str = "SELECT title FROM rss_items WHERE feed_id = $1 AND episode = $2 \
            AND id <> $3 AND status IN ('matched', 'downloaded') ORDER BY detected_at LIMIT 1";
        Ok(on_pool!(self, |pool| sqlx::query_scalar(SQL)
            .bind(feed_id)
            .bind(episode)
            .bind(except_id)
            .fetch_optional(pool)
            .await)?)
    }

    /// Moves a `new` item to its verdict: `matched` (tried from
    /// `next_attempt_at`) or `rejected` (`reason`).
    pub async fn judge_rss_item(
        &self,
        id: &str,
        status: &str,
        reason: Option<&str>,
        next_attempt_at: Option<i64>,
    ) -> DbResult<()> {
        const SQL: &str = "UPDATE rss_items SET status = $2, reason = $3, next_attempt_at = $4 \
            WHERE id = $1 AND status = 'new'";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(status)
            .bind(reason)
            .bind(next_attempt_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Matched items due at `now` (of one feed when given), soonest first.
    pub async fn due_rss_items(
        &self,
        now: i64,
        feed_id: Option<&str>,
        limit: i64,
    ) -> DbResult<Vec<RssItemRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            item_columns!(),
            " FROM rss_items WHERE status = 'matched' AND next_attempt_at <= $1 \
             AND ($2 IS NULL OR feed_id = $2) ORDER BY next_attempt_at, id LIMIT $3"
        );
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RssItemRow>(SQL)
            .bind(now)
            .bind(feed_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// Takes a due item for one attempt (holding it until `hold_until`);
    /// false when another attempt took it first.
    pub async fn claim_rss_item(&self, id: &str, now: i64, hold_until: i64) -> DbResult<bool> {
        const SQL: &str = "UPDATE rss_items SET next_attempt_at = $3 \
            WHERE id = $1 AND status = 'matched' AND next_attempt_at <= $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(now)
            .bind(hold_until)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Saves the outcome of an attempt: `downloaded` (with where), `failed`
    /// for good, or still `matched` with the next attempt's time.
    pub async fn finish_rss_attempt(&self, row: &RssItemRow) -> DbResult<()> {
        const SQL: &str = "UPDATE rss_items SET status = $2, info_hash = $3, server_id = $4, \
            added_at = $5, next_attempt_at = $6, last_error = $7, attempt_count = $8 \
            WHERE id = $1";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.status)
            .bind(&row.info_hash)
            .bind(&row.server_id)
            .bind(row.added_at)
            .bind(row.next_attempt_at)
            .bind(&row.last_error)
            .bind(row.attempt_count)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// How many of the feed's items are in each state.
    pub async fn rss_item_counts(&self, feed_id: &str) -> DbResult<Vec<(String, i64)>> {
        const SQL: &str =
            "SELECT status, COUNT(*) FROM rss_items WHERE feed_id = $1 GROUP BY status";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, (String, i64)>(
            SQL
        )
        .bind(feed_id)
        .fetch_all(pool)
        .await)?)
    }
}
