//! Throttling of logins and registrations. Attempts live in the database so
//! every instance sharing it applies one limit, and they are reserved
//! (inserted) before the password work and counted after: a burst of
//! concurrent attempts cannot all pass a check made before any was recorded.
//!
//! A request goes ahead only if, counting its own row, its subject is within
//! the limit. Rows of requests that go ahead stay until they succeed, so of N
//! concurrent attempts at most `limit` proceed (the last of them to count
//! sees all the others). Refused attempts remove their rows again, so a flood
//! does not extend the lock.

use std::time::Duration;

use super::{Core, Error, Result};

const BY_ADDRESS: &str = "address";
/// A username from one address: the limit that actually stops guessing
/// without letting anyone lock the owner out from elsewhere.
const BY_USER_ADDRESS: &str = "user_address";
/// A username from anywhere: only slows an account under attack.
const BY_USER: &str = "user";
const BY_REGISTER_ADDRESS: &str = "register";

/// A reserved login attempt; resolve it with `login_succeeded` or leave it
/// recorded as a failure.
pub(super) struct LoginAttempt {
    id: String,
    user_address: String,
}

struct Count {
    count: i64,
    oldest: Option<i64>,
}

impl Core {
    /// Records a login attempt, then refuses with `RateLimited` (and forgets
    /// the attempt) if it is over a limit.
    pub(super) async fn reserve_login(
        &self,
        address: &str,
        username: &str,
        now: i64,
    ) -> Result<LoginAttempt> {
        let policy = &self.config().login_throttle;
        let window = policy.window.as_millis() as i64;
        let user = username.to_lowercase();
        // An address never contains a space, so the pair is unambiguous.
        let user_address = format!("{address} {user}");
        let attempt = LoginAttempt {
            id: uuid::Uuid::now_v7().to_string(),
            user_address,
        };
        let subjects = [
            (BY_ADDRESS, address),
            (BY_USER_ADDRESS, attempt.user_address.as_str()),
            (BY_USER, user.as_str()),
        ];
        self.store()
            .reserve_attempt(&attempt.id, &subjects, now)
            .await?;
        let since = now - window;
        let by_address = self.count(BY_ADDRESS, address, since).await?;
        let by_pair = self
            .count(BY_USER_ADDRESS, &attempt.user_address, since)
            .await?;
        let by_user = self.count(BY_USER, &user, since).await?;
        let pair_limit = if by_user.count > policy.max_failures_per_user_global {
            1
        } else {
            policy.max_failures_per_user
        };
        let over = if by_address.count > policy.max_failures_per_address {
            Some(by_address)
        } else if by_pair.count > pair_limit {
            Some(by_pair)
        } else {
            None
        };
        match over {
            Some(over) => {
                self.store().release_attempt(&attempt.id).await?;
                Err(rate_limited("failed login attempts", over, window, now))
            }
            None => Ok(attempt),
        }
    }

    /// A login succeeded: its attempt and its pair's earlier failures go.
    pub(super) async fn login_succeeded(&self, attempt: LoginAttempt) -> Result<()> {
        let store = self.store();
        store.release_attempt(&attempt.id).await?;
        store
            .clear_login_failures(BY_USER_ADDRESS, &attempt.user_address)
            .await?;
        Ok(())
    }

    /// Records a registration attempt from `address`; over the limit it is
    /// refused with `RateLimited`. Every attempt counts, successful or not,
    /// which also bounds how fast `409 taken` can reveal usernames.
    pub(super) async fn reserve_registration(&self, address: &str, now: i64) -> Result<()> {
        let policy = &self.config().register_throttle;
        let window = policy.window.as_millis() as i64;
        let id = uuid::Uuid::now_v7().to_string();
        self.store()
            .reserve_attempt(&id, &[(BY_REGISTER_ADDRESS, address)], now)
            .await?;
        let count = self
            .count(BY_REGISTER_ADDRESS, address, now - window)
            .await?;
        if count.count > policy.max_per_address {
            self.store().release_attempt(&id).await?;
            return Err(rate_limited(
                "registrations from this address",
                count,
                window,
                now,
            ));
        }
        Ok(())
    }

    async fn count(&self, scope: &str, subject: &str, since: i64) -> Result<Count> {
        let (count, oldest) = self
            .store()
            .login_failures_since(scope, subject, since)
            .await?;
        Ok(Count { count, oldest })
    }
}

/// Allowed again once the oldest counted attempt leaves the window.
fn rate_limited(what: &'static str, over: Count, window: i64, now: i64) -> Error {
    let free_at = over.oldest.unwrap_or(now) + window;
    let wait_secs = ((free_at - now).max(1000) + 999) / 1000;
    Error::RateLimited {
        what,
        retry_after: Duration::from_secs(wait_secs as u64),
    }
}
