//! Failed-login throttling, per client address and per username. The counts
//! live in the database so that every instance sharing it applies one limit.

use std::time::Duration;

use super::{Core, Error, Result};

const BY_ADDRESS: &str = "address";
const BY_USER: &str = "user";

impl Core {
    /// Refuses with `RateLimited` while either subject is over its limit.
    pub(super) async fn check_login_allowed(
        &self,
        address: &str,
        username: &str,
        now: i64,
    ) -> Result<()> {
        let policy = &self.config().login_throttle;
        let window = policy.window.as_millis() as i64;
        let since = now - window;
        let checks = [
            (
                BY_ADDRESS,
                address.to_string(),
                policy.max_failures_per_address,
            ),
            (
                BY_USER,
                username.to_lowercase(),
                policy.max_failures_per_user,
            ),
        ];
        for (scope, subject, limit) in checks {
            let (count, oldest) = self
                .store()
                .login_failures_since(scope, &subject, since)
                .await?;
            if count >= limit {
                // Allowed again once the oldest counted failure leaves the window.
                let free_at = oldest.unwrap_or(now) + window;
                let wait_secs = ((free_at - now).max(1000) + 999) / 1000;
                return Err(Error::RateLimited {
                    retry_after: Duration::from_secs(wait_secs as u64),
                });
            }
        }
        Ok(())
    }

    pub(super) async fn record_login_failure(
        &self,
        address: &str,
        username: &str,
        now: i64,
    ) -> Result<()> {
        let store = self.store();
        store.record_login_failure(BY_ADDRESS, address, now).await?;
        store
            .record_login_failure(BY_USER, &username.to_lowercase(), now)
            .await?;
        Ok(())
    }

    pub(super) async fn clear_user_failures(&self, username: &str) -> Result<()> {
        Ok(self
            .store()
            .clear_login_failures(BY_USER, &username.to_lowercase())
            .await?)
    }
}
