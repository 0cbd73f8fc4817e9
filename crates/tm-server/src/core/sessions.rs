//! Logins, browser sessions, remember-me tokens and API-key authentication.

use std::sync::OnceLock;

use tm_api_types::{AuthMethod, LoginRequest, SessionInfo};

use super::activity::{Actor, Change, with_actor};
use super::{Core, Error, Result, User, from_millis, now_millis};
use crate::crypto;
use crate::db::NewSession;

/// Who is making a request, and how they proved it.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub method: AuthMethod,
    /// Hash of the session token, for logout.
    pub session_token_hash: Option<String>,
    /// Hash of the API key, to re-check it on long-lived streams.
    pub api_key_hash: Option<String>,
    /// The API key's name, for the activity log.
    pub api_key_name: Option<String>,
}

/// A new session, with the tokens the client must keep.
#[derive(Debug)]
pub struct IssuedSession {
    pub user: User,
    pub session_token: String,
    /// Remember-me token and its expiry (unix ms), when asked for.
    pub remember: Option<(String, i64)>,
}

/// Sessions record activity at most this often (or a quarter of the idle
/// timeout, if shorter), to spare the database.
const MAX_TOUCH_INTERVAL_MS: i64 = 60_000;
const INVALID_CREDENTIALS: &str = "Invalid username or password";
/// Enough of a User-Agent to recognise a browser in the session list.
const MAX_USER_AGENT_CHARS: usize = 200;

impl Core {
    /// `user_agent` is the browser's own description, kept (shortened) to
    /// tell sessions apart in the list.
    pub async fn login(
        &self,
        request: LoginRequest,
        address: &str,
        user_agent: Option<&str>,
    ) -> Result<IssuedSession> {
        let now = now_millis();
        // Reserved before the password check: see `throttle`.
        let attempt = self.reserve_login(address, &request.username, now).await?;
        let user = self.store().user_by_name(&request.username).await?;
        let phc = user.as_ref().map(|u| u.password_hash.clone());
        let verified = self.verify_password(request.password, phc).await?;
        match user {
            Some(user) if verified => {
                self.login_succeeded(attempt).await?;
                let remember_until = request
                    .remember_me
                    .then(|| now + self.config().sessions.remember_lifetime.as_millis() as i64);
                let issued = self
                    .issue_session(user.into(), remember_until, now, user_agent)
                    .await?;
                self.record_sign_in(&issued.user, "login", format!("signed in from {address}"))
                    .await;
                Ok(issued)
            }
            // The reserved attempt stays: it is the failure record.
            Some(user) => {
                let user = User::from(user);
                let message = format!("wrong password from {address}");
                self.record_sign_in(&user, "login_failed", message).await;
                Err(Error::Unauthorized(INVALID_CREDENTIALS.into()))
            }
            None => Err(Error::Unauthorized(INVALID_CREDENTIALS.into())),
        }
    }

    pub(super) async fn issue_session(
        &self,
        user: User,
        remember_until: Option<i64>,
        now: i64,
        user_agent: Option<&str>,
    ) -> Result<IssuedSession> {
        let policy = &self.config().sessions;
        let remember = match remember_until {
            Some(expires_at) => {
                let token = crypto::random_token(32);
                let id = uuid::Uuid::now_v7().to_string();
                self.store()
                    .insert_remember_token(
                        &id,
                        &crypto::token_hash(&token),
                        &user.id,
                        now,
                        expires_at,
                    )
                    .await?;
                Some((id, token, expires_at))
            }
            None => None,
        };
        let session_token = crypto::random_token(32);
        let absolute = now + policy.absolute_lifetime.as_millis() as i64;
        let expires = (now + policy.idle_timeout.as_millis() as i64).min(absolute);
        self.store()
            .insert_session(&NewSession {
                id: &uuid::Uuid::now_v7().to_string(),
                token_hash: &crypto::token_hash(&session_token),
                user_id: &user.id,
                remember_token_id: remember.as_ref().map(|(id, _, _)| id.as_str()),
                user_agent: user_agent.and_then(clean_user_agent).as_deref(),
                now,
                expires_at: expires,
                absolute_expires_at: absolute,
            })
            .await?;
        Ok(IssuedSession {
            user,
            session_token,
            remember: remember.map(|(_, token, expires_at)| (token, expires_at)),
        })
    }

    /// The identity behind a session cookie; slides the session's expiry.
    pub async fn authenticate_session(&self, token: &str) -> Result<Option<Identity>> {
        let now = now_millis();
        let hash = crypto::token_hash(token);
        let Some(session) = self.store().live_session(&hash, now).await? else {
            return Ok(None);
        };
        let idle = self.config().sessions.idle_timeout.as_millis() as i64;
        if now - session.last_seen_at >= MAX_TOUCH_INTERVAL_MS.min(idle / 4) {
            let expires = (now + idle).min(session.absolute_expires_at);
            self.store().touch_session(&hash, now, expires).await?;
        }
        Ok(Some(Identity {
            user: User {
                id: session.id,
                username: session.username,
                is_admin: session.is_admin,
                created_at: session.created_at,
            },
            method: AuthMethod::Session,
            session_token_hash: Some(hash),
            api_key_hash: None,
            api_key_name: None,
        }))
    }

    /// Trades a remember-me token for a new session and a new token (the old
    /// one is consumed, so a stolen copy stops working once the owner uses it).
    pub async fn resume_remembered(
        &self,
        token: &str,
        user_agent: Option<&str>,
    ) -> Result<Option<IssuedSession>> {
        let now = now_millis();
        let Some((user_id, expires_at)) = self
            .store()
            .take_remember_token(&crypto::token_hash(token), now)
            .await?
        else {
            return Ok(None);
        };
        let Some(user) = self.store().user_by_id(&user_id).await? else {
            return Ok(None);
        };
        let issued = self
            .issue_session(user.into(), Some(expires_at), now, user_agent)
            .await?;
        let message = "signed in with a remembered session";
        self.record_sign_in(&issued.user, "login", message).await;
        Ok(Some(issued))
    }

    /// Records a sign-in (or a failed one) in the account's audit trail,
    /// as the user signing in.
    pub(super) async fn record_sign_in(
        &self,
        user: &User,
        action: &str,
        message: impl Into<String>,
    ) {
        let change = Change::account(&user.id, action, message);
        with_actor(Actor::signing_in(user), self.record_one(change)).await
    }

    pub async fn authenticate_api_key(&self, key: &str) -> Result<Identity> {
        let now = now_millis();
        let invalid = || Error::Unauthorized("Invalid, revoked or expired API key".into());
        let key_hash = crypto::token_hash(key);
        let lookup = match self.inner.checked_keys.get(&key_hash, now) {
            Ok((identity, key_id)) => {
                self.key_usage().record(&key_id, now);
                return Ok(identity);
            }
            Err(lookup) => lookup,
        };
        let key_row = self
            .store()
            .live_api_key(&key_hash, now)
            .await?
            .ok_or_else(invalid)?;
        let user = self
            .store()
            .user_by_id(&key_row.user_id)
            .await?
            .ok_or_else(invalid)?;
        self.key_usage().record(&key_row.id, now);
        let identity = Identity {
            user: user.into(),
            method: AuthMethod::ApiKey,
            session_token_hash: None,
            api_key_hash: Some(key_hash.clone()),
            api_key_name: Some(key_row.name),
        };
        self.inner.checked_keys.keep(
            lookup,
            &key_hash,
            &identity,
            &key_row.id,
            key_row.expires_at,
        );
        Ok(identity)
    }

    /// After any change to API keys or accounts: keys are checked against
    /// the database again, here and (told over the database) in every
    /// instance sharing it.
    pub(super) async fn forget_checked_keys(&self) {
        self.inner.checked_keys.forget_all();
        if let Err(error) = self.store().announce_credentials_changed().await {
            // The other instances' bound (`key_cache`) still holds.
            tracing::warn!(%error, "could not tell other instances of a credential change");
        }
    }

    /// Another instance changed keys or accounts (or its word may have been
    /// missed): forget what was checked.
    pub fn forget_checked_keys_here(&self) {
        self.inner.checked_keys.forget_all();
    }

    /// Whether the credential behind `identity` still works (not logged out,
    /// revoked, expired, or ended by a password change). Does not slide a
    /// session's expiry: a stream open in a tab is not activity.
    pub async fn credential_is_live(&self, identity: &Identity) -> Result<bool> {
        let now = now_millis();
        let store = self.store();
        if let Some(hash) = &identity.session_token_hash {
            return Ok(store
                .live_session(hash, now)
                .await?
                .is_some_and(|session| session.id == identity.user.id));
        }
        if let Some(hash) = &identity.api_key_hash {
            return Ok(store
                .live_api_key(hash, now)
                .await?
                .is_some_and(|key| key.user_id == identity.user.id));
        }
        Ok(false)
    }

    /// Ends the session (and its remember-me token) behind `identity`.
    pub async fn logout(&self, identity: &Identity) -> Result<()> {
        if let Some(hash) = &identity.session_token_hash {
            self.store().delete_session(hash).await?;
            let change = Change::account(&identity.user.id, "logout", "signed out");
            self.record_one(change).await;
        }
        Ok(())
    }

    /// The caller's own unexpired sessions, newest first. API-key callers
    /// see them too, none marked current.
    pub async fn list_sessions(&self, identity: &Identity) -> Result<Vec<SessionInfo>> {
        let store = self.store();
        for token_hash in store.sessions_without_id(&identity.user.id).await? {
            store
                .set_session_id(&token_hash, &uuid::Uuid::now_v7().to_string())
                .await?;
        }
        let current = identity.session_token_hash.as_deref();
        Ok(store
            .sessions_of(&identity.user.id, now_millis())
            .await?
            .into_iter()
            .map(|row| SessionInfo {
                current: current == Some(row.token_hash.as_str()),
                id: row.id,
                created_at: from_millis(row.created_at),
                last_seen_at: Some(from_millis(row.last_seen_at)),
                expires_at: Some(from_millis(row.expires_at)),
                user_agent: row.user_agent,
            })
            .collect())
    }

    /// Ends one of the caller's sessions (and its remember-me token).
    pub async fn end_session(&self, identity: &Identity, id: &str) -> Result<()> {
        if self.store().end_session_of(&identity.user.id, id).await? {
            let change = Change::account(&identity.user.id, "session_end", "ended a session");
            self.record_one(change).await;
            Ok(())
        } else {
            Err(Error::NotFound("Session not found".into()))
        }
    }

    /// Ends all the caller's sessions and remember-me tokens except the
    /// current session; returns how many sessions ended.
    pub async fn end_other_sessions(&self, identity: &Identity) -> Result<u64> {
        let ended = self
            .store()
            .end_sessions_of(
                &identity.user.id,
                identity.session_token_hash.as_deref(),
                now_millis(),
            )
            .await?;
        let message = format!("ended {ended} other session(s)");
        self.record_one(Change::account(&identity.user.id, "sessions_end", message))
            .await;
        Ok(ended)
    }
}

/// A User-Agent fit to show: control characters dropped, shortened, or
/// `None` when nothing is left.
pub fn clean_user_agent(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_USER_AGENT_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_string())
}

pub(super) fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| crypto::hash_password("not a real password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::clean_user_agent;

    #[test]
    fn user_agents_are_cleaned_and_shortened() {
        assert_eq!(
            clean_user_agent(" Firefox\u{1b}[31m/1\n ").as_deref(),
            Some("Firefox[31m/1")
        );
        assert_eq!(clean_user_agent("\r\n\t"), None);
        let long = "é".repeat(500);
        assert_eq!(
            clean_user_agent(&long).map(|ua| ua.chars().count()),
            Some(200)
        );
    }
}
