//! The egress policy: which targets the service may contact on whose behalf.
//!
//! Admins may target anything. Other users reach public addresses only,
//! unless the server runs with `--allow-private-targets` or an admin grants
//! them private targets (loopback, private ranges, link-local, unix sockets).
//! The policy travels with every server's connection settings, so it is
//! checked on each connection the fleet makes, after DNS resolution.

use tm_api_types::{UserInfo, UserTargets};
use tm_backends::TargetPolicy;

use super::{Core, Error, Result};
use crate::db::TargetGrant;

impl Core {
    /// The policy for what is done on behalf of `user_id`.
    pub(super) async fn target_policy_of(&self, user_id: &str) -> Result<TargetPolicy> {
        Ok(self.policy_for(self.target_grant_of(user_id).await?))
    }

    /// What `user_id` was granted (and whether they are an admin).
    pub(super) async fn target_grant_of(&self, user_id: &str) -> Result<TargetGrant> {
        self.store()
            .target_grant(user_id)
            .await?
            .ok_or_else(|| Error::NotFound("User not found".into()))
    }

    /// `url` if it is an http(s) URL of at most `max_len` characters whose
    /// host the user may target (checked again after DNS when it is used);
    /// errors name `field`.
    pub(super) async fn checked_outbound_url(
        &self,
        user_id: &str,
        field: &str,
        url: &str,
        max_len: usize,
    ) -> Result<url::Url> {
        let url = url.trim();
        if url.len() > max_len {
            return Err(Error::Invalid(format!(
                "{field} must be at most {max_len} characters"
            )));
        }
        let parsed = url::Url::parse(url)
            .map_err(|e| Error::Invalid(format!("{field} is not a valid URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Invalid(format!(
                "{field} must be an http or https URL"
            )));
        }
        let host = parsed
            .host_str()
            .ok_or_else(|| Error::Invalid(format!("{field} has no host")))?;
        self.target_policy_of(user_id)
            .await?
            .check_host_literal(host)
            .map_err(forbidden_target)?;
        Ok(parsed)
    }

    pub(super) fn policy_for(&self, grant: TargetGrant) -> TargetPolicy {
        if grant.is_admin || grant.allow_private_targets || self.config().allow_private_targets {
            TargetPolicy::unrestricted()
        } else {
            TargetPolicy::public_only()
        }
    }

    pub async fn user_targets(&self, user_id: &str) -> Result<UserTargets> {
        let grant = self.target_grant_of(user_id).await?;
        Ok(UserTargets {
            user_id: user_id.to_owned(),
            allow_private_targets: grant.allow_private_targets,
            private_targets_allowed: self.policy_for(grant) == TargetPolicy::unrestricted(),
        })
    }

    /// Users as an admin sees them, with what each may target and whether
    /// they may use the embedded engine.
    pub async fn user_infos(&self, users: Vec<super::User>) -> Result<Vec<UserInfo>> {
        let grants: std::collections::HashMap<String, TargetGrant> =
            self.store().target_grants().await?.into_iter().collect();
        let engine_users = self.engine_users().await?;
        Ok(users
            .into_iter()
            .map(|user| {
                let allowed = grants
                    .get(&user.id)
                    .is_some_and(|g| g.allow_private_targets);
                UserInfo {
                    allow_private_targets: allowed,
                    engine_access: engine_users.contains(&user.id),
                    ..UserInfo::from(user)
                }
            })
            .collect())
    }

    /// Grants or withdraws private targets; the user's pollers follow at once.
    pub async fn set_user_targets(&self, user_id: &str, allowed: bool) -> Result<UserTargets> {
        if !self.store().set_private_targets(user_id, allowed).await? {
            return Err(Error::NotFound("User not found".into()));
        }
        self.sync_fleet().await?;
        self.announce_servers_changed().await;
        self.user_targets(user_id).await
    }
}

/// Maps a refusal of the policy to the API's error.
pub(super) fn forbidden_target(refusal: tm_backends::egress::Refusal) -> Error {
    Error::ForbiddenTarget(format!("Target not allowed: {}", refusal.0))
}

/// The egress refusal a failed request ran into, when that is why it failed.
pub(crate) fn refusal_in(error: &reqwest::Error) -> Option<tm_backends::egress::Refusal> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(refusal) = current.downcast_ref::<tm_backends::egress::Refusal>() {
            return Some(refusal.clone());
        }
        if let Some(tm_backends::egress::ResolveError::Refused(refusal)) =
            current.downcast_ref::<tm_backends::egress::ResolveError>()
        {
            return Some(refusal.clone());
        }
        cause = current.source();
    }
    None
}
