//! Adding the matched items that are due, through the same pipeline as
//! `POST /torrents` (placement, labels, metainfo, activity), as the feed's
//! actor. A failure that will not go away (404, 401, 403, a deleted
//! server, a refused target) fails the item; others are retried with
//! backoff, a 429 with a longer one, up to [`MAX_ATTEMPTS`].

use std::time::Duration;

use tm_api_types::RssItemStatus;
use tm_backends::ErrorKind;

use super::{MINUTE_MS, stored_filter};
use crate::core::activity::{Actor, shown_error, with_actor};
use crate::core::egress_fetch::failed_status;
use crate::core::{Core, Error, Filing, Result, User, now_millis};
use crate::db::RssItemRow;

/// Items one pass adds at most; the rest wait for the next.
const MAX_ADDS_PER_PASS: i64 = 50;
/// An attempt holds its item this long: no other attempt starts meanwhile.
const ATTEMPT_HOLD_MS: i64 = 10 * MINUTE_MS;
const MAX_ATTEMPTS: i64 = 8;
const RETRY_BASE: Duration = Duration::from_secs(15 * 60);
const RATE_LIMITED_BASE: Duration = Duration::from_secs(30 * 60);
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 60 * 60);

impl Core {
    /// Adds the due matched items (of one feed when given); returns how
    /// many were added.
    pub(super) async fn add_due_items(&self, feed_id: Option<&str>) -> Result<u64> {
        let now = now_millis();
        let mut added = 0;
        for item in self
            .store()
            .due_rss_items(now, feed_id, MAX_ADDS_PER_PASS)
            .await?
        {
            if !self
                .store()
                .claim_rss_item(&item.id, now, now + ATTEMPT_HOLD_MS)
                .await?
            {
                continue;
            }
            if self.add_item(item).await? {
                added += 1;
            }
        }
        Ok(added)
    }

    /// One attempt at adding the item; true when it was added.
    async fn add_item(&self, mut item: RssItemRow) -> Result<bool> {
        let Some(feed) = self.store().rss_feed_by_id(&item.feed_id).await? else {
            return Ok(false);
        };
        let Some(owner) = self.store().user_by_id(&feed.user_id).await? else {
            return Ok(false);
        };
        let owner = User::from(owner);
        let filter = stored_filter(&feed)?;
        let uri = item.uri.clone().unwrap_or_default();
        let filing = Filing::labelled(filter.start, filter.labels, None);
        let adding = self.add_uri(&owner, &uri, Some(&feed.server_id), filing);
        let result = with_actor(Actor::rss_feed(&feed.id, &feed.name), adding).await;
        let now = now_millis();
        item.attempt_count += 1;
        match result {
            Ok(added) => {
                item.status = RssItemStatus::Downloaded.as_str().into();
                item.info_hash = Some(added.info_hash);
                item.server_id = Some(added.server_id);
                item.added_at = Some(now);
                item.next_attempt_at = None;
                item.last_error = None;
            }
            Err(error) => {
                item.last_error = Some(shown_error(&error));
                match retry_after(&error, item.attempt_count) {
                    Some(delay) => {
                        item.next_attempt_at = Some(now + delay.as_millis() as i64);
                    }
                    None => {
                        item.status = RssItemStatus::Failed.as_str().into();
                        item.next_attempt_at = None;
                    }
                }
            }
        }
        self.store().finish_rss_attempt(&item).await?;
        Ok(item.status == RssItemStatus::Downloaded.as_str())
    }
}

/// When to try again after `error` on attempt `attempt` (from 1); `None`:
/// never.
fn retry_after(error: &Error, attempt: i64) -> Option<Duration> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let base = match error {
        Error::BadRequest(_) => match failed_status(error) {
            Some(401 | 403 | 404 | 410) => return None,
            Some(429) => RATE_LIMITED_BASE,
            // A 5xx, a timeout, a refused connection: passing troubles.
            _ => RETRY_BASE,
        },
        // The client could not be reached: it may come back. What it
        // refused (a duplicate, an invalid torrent) it refuses again.
        Error::Backend(error) => match error.kind() {
            ErrorKind::Refused(_)
            | ErrorKind::Timeout(_)
            | ErrorKind::Network(_)
            | ErrorKind::AuthFailed(_) => RETRY_BASE,
            _ => return None,
        },
        // The server is down, disabled or not answering: it may come back.
        Error::ServerUnavailable(_)
        | Error::Conflict(_)
        | Error::Unavailable(_)
        | Error::Internal(_) => RETRY_BASE,
        // A deleted server, a refused target, a duplicate, a bad link:
        // trying again changes nothing.
        _ => return None,
    };
    let doublings = u32::try_from(attempt - 1).unwrap_or(u32::MAX).min(16);
    Some(base.saturating_mul(1 << doublings).min(MAX_BACKOFF))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::egress_fetch::http_status_failure;
    use reqwest::StatusCode;

    fn status(code: u16) -> Error {
        http_status_failure("http://x/a.torrent", StatusCode::from_u16(code).unwrap())
    }

    #[test]
    fn lasting_failures_are_not_retried() {
        for code in [401, 403, 404] {
            assert_eq!(retry_after(&status(code), 1), None, "{code}");
        }
        assert_eq!(retry_after(&Error::ServerNotFound, 1), None);
        assert_eq!(retry_after(&Error::ForbiddenTarget("x".into()), 1), None);
    }

    #[test]
    fn passing_failures_back_off_and_429_longer() {
        assert_eq!(retry_after(&status(503), 1), Some(RETRY_BASE));
        assert_eq!(retry_after(&status(503), 2), Some(RETRY_BASE * 2));
        assert_eq!(retry_after(&status(429), 1), Some(RATE_LIMITED_BASE));
        assert_eq!(retry_after(&status(429), 5), Some(MAX_BACKOFF));
        assert_eq!(retry_after(&status(503), MAX_ATTEMPTS), None);
    }
}
