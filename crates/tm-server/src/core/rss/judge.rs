//! Judging items by a feed's filter: stored items move from `new` to
//! `matched` or `rejected`; a preview judges them all without a change.
//!
//! The smart episode filter takes an episode once per feed: a later release
//! of it (another quality, PROPER, REPACK) is rejected, naming the release
//! already taken. Items are judged oldest first, so the first release wins.

use std::collections::HashSet;

use tm_api_types::{RssItemStatus, RssPreview, RssPreviewItem, RssPreviewRequest};

use super::filter::{self, CompiledFilter};
use super::{HOUR_MS, MAX_ITEMS, stored_filter};
use crate::core::{Core, Result, User};
use crate::db::{RssFeedRow, RssItemRow};

/// `Ok` when the item is taken, else why not.
type Verdict = std::result::Result<(), String>;

impl Core {
    /// Judges the feed's `new` items, oldest first.
    pub(super) async fn judge_new_items(&self, feed: &RssFeedRow) -> Result<()> {
        let compiled = CompiledFilter::compile(&stored_filter(feed)?)?;
        let none_yet = HashSet::new();
        for item in self
            .store()
            .rss_items_in(&feed.id, RssItemStatus::New.as_str())
            .await?
        {
            let (status, reason, next_attempt_at) =
                match self.verdict(&compiled, &item, &none_yet).await? {
                    Ok(()) => (
                        RssItemStatus::Matched,
                        None,
                        Some(item.detected_at + feed.delay_hours * HOUR_MS),
                    ),
                    Err(reason) => (RssItemStatus::Rejected, Some(reason), None),
                };
            self.store()
                .judge_rss_item(
                    &item.id,
                    status.as_str(),
                    reason.as_deref(),
                    next_attempt_at,
                )
                .await?;
        }
        Ok(())
    }

    /// What the feed's filter, or the one given, would take of the items
    /// stored from its last fetches (newest first); nothing is changed.
    pub async fn preview_rss_feed(
        &self,
        user: &User,
        id: &str,
        request: RssPreviewRequest,
    ) -> Result<RssPreview> {
        let feed = self.rss_feed_row(user, id).await?;
        let filter = match request.filter {
            Some(filter) => filter::checked(filter)?,
            None => stored_filter(&feed)?,
        };
        let compiled = CompiledFilter::compile(&filter)?;
        let mut items = self
            .store()
            .rss_items_of(&user.id, Some(id), None, i64::from(MAX_ITEMS))
            .await?;
        items.sort_by_key(|i| (i.published_at.unwrap_or(i.detected_at), i.detected_at));
        let mut taken_here = HashSet::new();
        let mut judged = Vec::with_capacity(items.len());
        for item in items {
            let verdict = self.verdict(&compiled, &item, &taken_here).await?;
            if verdict.is_ok()
                && let Some(episode) = &item.episode
            {
                taken_here.insert(episode.clone());
            }
            judged.push(RssPreviewItem {
                take: verdict.is_ok(),
                reason: verdict.err(),
                status: RssItemStatus::parse(&item.status).unwrap_or(RssItemStatus::New),
                item_id: item.id,
                title: item.title,
                uri: item.uri,
                size: item.size.map(|n| n.max(0) as u64),
            });
        }
        judged.reverse();
        Ok(RssPreview {
            taken: judged.iter().filter(|i| i.take).count(),
            items: judged,
        })
    }

    /// The filter's verdict on one item; with smart episodes, an episode
    /// another item of the feed took (or `taken_here` lists) is refused.
    async fn verdict(
        &self,
        filter: &CompiledFilter,
        item: &RssItemRow,
        taken_here: &HashSet<String>,
    ) -> Result<Verdict> {
        let size = item.size.map(|n| n.max(0) as u64);
        if let Err(reason) = filter.judge(&item.title, item.uri.as_deref(), size) {
            return Ok(Err(reason));
        }
        let Some(episode) = item.episode.as_deref().filter(|_| filter.smart_episodes) else {
            return Ok(Ok(()));
        };
        let shown = episode.replace('|', " ");
        if taken_here.contains(episode) {
            return Ok(Err(format!("episode already taken: {shown}")));
        }
        Ok(
            match self
                .store()
                .rss_episode_taken(&item.feed_id, episode, &item.id)
                .await?
            {
                Some(title) => Err(format!("episode already taken: {shown} (by {title})")),
                None => Ok(()),
            },
        )
    }
}
