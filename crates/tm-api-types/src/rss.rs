//! RSS feeds (`/rss`): RSS 2.0 and Atom feeds polled on an interval; the
//! items a feed's filter takes are added to a server automatically.

use time::OffsetDateTime;

fn default_true() -> bool {
    true
}

fn default_interval() -> u32 {
    15
}

/// Which of a feed's items are taken.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RssFilter {
    /// Titles must match this regular expression (case-sensitive unless it
    /// starts with `(?i)`); absent: every title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<String>,
    /// Titles matching this regular expression are not taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<String>,
    /// Smallest size taken, in bytes; an item of unknown size is not taken
    /// when a bound is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u64>,
    /// Largest size taken, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u64>,
    /// Take each episode (S01E02, 1x02 or a date) of a show once, whatever
    /// its quality; PROPER and REPACK releases are not taken again either.
    #[serde(default)]
    pub smart_episodes: bool,
    /// Labels the added torrents get.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Start the added torrents; false: add them paused.
    #[serde(default = "default_true")]
    pub start: bool,
}

/// `POST /rss/feeds`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RssFeedRequest {
    pub name: String,
    /// The feed's http(s) URL; the egress policy applies to it.
    pub url: String,
    /// One of your servers, or `auto` for placement by your rules.
    pub server_id: String,
    /// Hours an item waits after it is first seen before it is added
    /// (negative: 0).
    #[serde(default)]
    pub delay_hours: i64,
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Minutes between two fetches (at least 5, default 15).
    #[serde(default = "default_interval")]
    pub interval_minutes: u32,
    #[serde(default)]
    pub filter: RssFilter,
}

/// `PUT /rss/feeds/{id}`: each field absent is left as it is.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RssFeedUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_hours: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_minutes: Option<u32>,
    /// Replaces the whole filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<RssFilter>,
}

/// How many of a feed's items are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RssItemCounts {
    pub new: u64,
    pub matched: u64,
    pub downloaded: u64,
    pub rejected: u64,
    pub failed: u64,
}

/// A stored feed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RssFeed {
    pub id: String,
    pub name: String,
    pub url: String,
    /// A server id, or `auto`.
    pub server_id: String,
    /// The server's name; null for `auto` or a deleted server.
    pub server_name: Option<String>,
    pub delay_hours: i64,
    pub enabled: bool,
    pub interval_minutes: u32,
    pub filter: RssFilter,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The last fetch, successful or not.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_checked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_success_at: Option<OffsetDateTime>,
    /// Why the last fetch failed; null after a success.
    pub last_error: Option<String>,
    /// Items in the feed's last full answer (a 304 keeps the count).
    pub last_item_count: Option<u64>,
    pub item_counts: RssItemCounts,
}

/// Where an item is: `new` (seen, not judged yet: the feed was disabled),
/// `matched` (the filter takes it; waiting for its delay or a retry),
/// `downloaded` (added), `rejected` (the filter does not take it; see
/// `reason`) or `failed` (adding it failed for good; see `last_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RssItemStatus {
    New,
    Matched,
    Downloaded,
    Rejected,
    Failed,
}

impl RssItemStatus {
    pub const ALL: [RssItemStatus; 5] = [
        RssItemStatus::New,
        RssItemStatus::Matched,
        RssItemStatus::Downloaded,
        RssItemStatus::Rejected,
        RssItemStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RssItemStatus::New => "new",
            RssItemStatus::Matched => "matched",
            RssItemStatus::Downloaded => "downloaded",
            RssItemStatus::Rejected => "rejected",
            RssItemStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One item of a feed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RssItem {
    pub id: String,
    pub feed_id: String,
    pub title: String,
    /// The item's guid (Atom: id), else its link: what makes it the same
    /// item in the next fetch.
    pub guid: String,
    pub link: Option<String>,
    /// What is added: a magnet link, a .torrent URL or an info hash; null
    /// when the item has none.
    pub uri: Option<String>,
    pub size: Option<u64>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    pub status: RssItemStatus,
    /// Why the filter does not take it.
    pub reason: Option<String>,
    pub info_hash: Option<String>,
    /// Where it was added.
    pub server_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub detected_at: OffsetDateTime,
    /// When a matched item is next tried.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub added_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub attempt_count: u32,
}

/// `POST /rss/feeds/{id}/refresh`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RssRefreshResponse {
    pub message: String,
    /// Items seen for the first time.
    pub new_items: u64,
    /// The feed answered 304 Not Modified to the conditional request.
    pub not_modified: bool,
    /// Items added to a server by this refresh.
    pub added: u64,
    pub feed: RssFeed,
}

/// `POST /rss/feeds/{id}/preview`: another filter to try; absent: the
/// feed's own.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RssPreviewRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<RssFilter>,
}

/// One stored item as a filter judges it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RssPreviewItem {
    pub item_id: String,
    pub title: String,
    pub uri: Option<String>,
    pub size: Option<u64>,
    pub status: RssItemStatus,
    /// The filter takes it.
    pub take: bool,
    /// Why not, when it does not.
    pub reason: Option<String>,
}

/// What a filter would take of the feed's items as last fetched; nothing
/// is changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RssPreview {
    pub items: Vec<RssPreviewItem>,
    pub taken: usize,
}

/// `GET /rss/items`.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RssItemsQuery {
    /// Only this feed's items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_id: Option<String>,
    /// Only items in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RssItemStatus>,
    /// 1–500 (default 100), newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}
