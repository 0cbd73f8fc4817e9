//! Logging in with a username and a password *or* one of the user's API
//! keys, as qBittorrent's clients do (`auth/login`, `Authorization: Basic`):
//! a user stores a revocable key in Sonarr instead of the account password.
//! Both go through the login throttle; passwords through argon2 as usual.

use tm_api_types::AuthMethod;
use zeroize::Zeroizing;

use super::api_keys::looks_like_api_key;
use super::{Core, Error, Identity, IssuedSession, Result, User, now_millis};
use crate::crypto;

const INVALID_CREDENTIALS: &str = "Invalid username or password";

impl Core {
    /// A new session for `username` proven by `secret` (password or API key).
    pub async fn login_with_secret(
        &self,
        username: &str,
        secret: String,
        address: &str,
        user_agent: Option<&str>,
    ) -> Result<IssuedSession> {
        let (user, _) = self.verify_secret(username, secret, address).await?;
        let issued = self
            .issue_session(user, None, now_millis(), user_agent)
            .await?;
        let message = format!("signed in to the qBittorrent API from {address}");
        self.record_sign_in(&issued.user, "login", message).await;
        Ok(issued)
    }

    /// The caller behind `Authorization: Basic` (password or API key).
    pub async fn authenticate_basic(
        &self,
        username: &str,
        secret: String,
        address: &str,
    ) -> Result<Identity> {
        let (user, api_key_hash) = self.verify_secret(username, secret, address).await?;
        Ok(Identity {
            user,
            method: if api_key_hash.is_some() {
                AuthMethod::ApiKey
            } else {
                AuthMethod::Session
            },
            session_token_hash: None,
            api_key_hash,
            api_key_name: None,
        })
    }

    /// Checks `secret` for `username`, throttled like a login. Answers the
    /// user and, when the secret was an API key, the key's hash.
    async fn verify_secret(
        &self,
        username: &str,
        secret: String,
        address: &str,
    ) -> Result<(User, Option<String>)> {
        let secret = Zeroizing::new(secret);
        // Reserved before the check: see `throttle`.
        let attempt = self.reserve_login(address, username, now_millis()).await?;
        // A password may look like a key too: a key that is not one of the
        // user's falls back to the password check.
        let by_key = if looks_like_api_key(&secret) {
            self.api_key_of(username, &secret).await?
        } else {
            None
        };
        let verified = match by_key {
            Some(found) => Some(found),
            None => {
                let row = self.store().user_by_name(username).await?;
                let phc = row.as_ref().map(|u| u.password_hash.clone());
                let ok = self.verify_password(secret.to_string(), phc).await?;
                row.filter(|_| ok).map(|row| (User::from(row), None))
            }
        };
        match verified {
            Some(found) => {
                self.login_succeeded(attempt).await?;
                Ok(found)
            }
            // The reserved attempt stays: it is the failure record.
            None => Err(Error::Unauthorized(INVALID_CREDENTIALS.into())),
        }
    }

    /// The user owning the live API key `key`, if that user is `username`.
    async fn api_key_of(
        &self,
        username: &str,
        key: &str,
    ) -> Result<Option<(User, Option<String>)>> {
        let identity = match self.authenticate_api_key(key).await {
            Ok(identity) => identity,
            Err(Error::Unauthorized(_)) => return Ok(None),
            Err(other) => return Err(other),
        };
        let same_user = identity.user.username.to_lowercase() == username.to_lowercase();
        let key_hash = crypto::token_hash(key);
        Ok(same_user.then_some((identity.user, Some(key_hash))))
    }
}
