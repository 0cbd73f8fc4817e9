//! Logins, browser sessions, remember-me tokens and API-key authentication.

use std::sync::OnceLock;

use tm_api_types::{AuthMethod, LoginRequest};

use super::{Core, Error, Result, User, now_millis};
use crate::crypto;

/// Who is making a request, and how they proved it.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub method: AuthMethod,
    /// Hash of the session token, for logout.
    pub session_token_hash: Option<String>,
    /// Hash of the API key, to re-check it on long-lived streams.
    pub api_key_hash: Option<String>,
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

impl Core {
    pub async fn login(&self, request: LoginRequest, address: &str) -> Result<IssuedSession> {
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
                self.issue_session(user.into(), remember_until, now).await
            }
            // The reserved attempt stays: it is the failure record.
            _ => Err(Error::Unauthorized(INVALID_CREDENTIALS.into())),
        }
    }

    async fn issue_session(
        &self,
        user: User,
        remember_until: Option<i64>,
        now: i64,
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
            .insert_session(
                &crypto::token_hash(&session_token),
                &user.id,
                remember.as_ref().map(|(id, _, _)| id.as_str()),
                now,
                expires,
                absolute,
            )
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
        }))
    }

    /// Trades a remember-me token for a new session and a new token (the old
    /// one is consumed, so a stolen copy stops working once the owner uses it).
    pub async fn resume_remembered(&self, token: &str) -> Result<Option<IssuedSession>> {
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
        self.issue_session(user.into(), Some(expires_at), now)
            .await
            .map(Some)
    }

    pub async fn authenticate_api_key(&self, key: &str) -> Result<Identity> {
        let now = now_millis();
        let invalid = || Error::Unauthorized("Invalid, revoked or expired API key".into());
        let key_hash = crypto::token_hash(key);
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
        Ok(Identity {
            user: user.into(),
            method: AuthMethod::ApiKey,
            session_token_hash: None,
            api_key_hash: Some(key_hash),
        })
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
        }
        Ok(())
    }
}

pub(super) fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| crypto::hash_password("not a real password").unwrap_or_default())
}
