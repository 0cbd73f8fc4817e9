use tm_api_types::{ApiKeyInfo, CreateApiKeyRequest, CreateApiKeyResponse};

use super::activity::Change;
use super::{Core, Error, Result, User, from_millis, now_millis, validate};
use crate::crypto;
use crate::db::ApiKeyRow;

/// Every key starts with this, so leaked keys are easy to recognise (secret scanners).
const KEY_PREFIX: &str = "tm_";
/// Characters of the key (after `tm_`) that identify it in lists.
const PREFIX_LEN: usize = 8;
const MAX_EXPIRY_DAYS: i64 = 3650;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Whether `secret` has the form of one of our API keys.
pub(super) fn looks_like_api_key(secret: &str) -> bool {
    secret.starts_with(KEY_PREFIX)
}

impl Core {
    pub async fn create_api_key(
        &self,
        user: &User,
        request: CreateApiKeyRequest,
    ) -> Result<CreateApiKeyResponse> {
        let name = validate::required_text("name", &request.name, 100)?;
        let now = now_millis();
        let expires_at = match request.expires_days {
            None => None,
            Some(days) if (1..=MAX_EXPIRY_DAYS).contains(&days) => Some(now + days * DAY_MS),
            Some(days) => {
                return Err(Error::Invalid(format!(
                    "expires_days must be between 1 and {MAX_EXPIRY_DAYS} (or null for a key that never expires), not {days}"
                )));
            }
        };
        let api_key = format!("{KEY_PREFIX}{}", crypto::random_token(32));
        let row = ApiKeyRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id.clone(),
            name,
            prefix: api_key[KEY_PREFIX.len()..KEY_PREFIX.len() + PREFIX_LEN].to_string(),
            created_at: now,
            last_used_at: None,
            expires_at,
        };
        self.store()
            .insert_api_key(&row, &crypto::token_hash(&api_key))
            .await?;
        let message = format!("API key {} ({}) created", row.name, row.prefix);
        self.record_one(Change::account(&user.id, "api_key_create", message))
            .await;
        Ok(CreateApiKeyResponse {
            message: "API key created successfully".into(),
            api_key,
            prefix: row.prefix,
            name: row.name,
            expires_at: expires_at.map(from_millis),
            warning: "Store this API key securely. It will not be shown again.".into(),
        })
    }

    pub async fn list_api_keys(&self, user: &User) -> Result<Vec<ApiKeyInfo>> {
        let now = now_millis();
        Ok(self
            .store()
            .api_keys_of(&user.id)
            .await?
            .into_iter()
            .filter(|key| key.expires_at.is_none_or(|at| at > now))
            .map(|key| {
                // A use not yet written to the database is still a use.
                let last_used = key.last_used_at.max(self.key_usage().pending(&key.id));
                ApiKeyInfo {
                    prefix: key.prefix,
                    name: key.name,
                    created_at: from_millis(key.created_at),
                    last_used_at: last_used.map(from_millis),
                    expires_at: key.expires_at.map(from_millis),
                }
            })
            .collect())
    }

    /// Revokes the user's key whose prefix starts with `prefix` (`tm_` optional).
    /// Returns the key's name.
    pub async fn revoke_api_key(&self, user: &User, prefix: &str) -> Result<String> {
        let wanted = prefix.strip_prefix(KEY_PREFIX).unwrap_or(prefix);
        if wanted.is_empty() {
            return Err(Error::Invalid("the key prefix must not be empty".into()));
        }
        let wanted: String = wanted.chars().take(PREFIX_LEN).collect();
        let mut matches: Vec<ApiKeyRow> = self
            .store()
            .api_keys_of(&user.id)
            .await?
            .into_iter()
            .filter(|key| key.prefix.starts_with(&wanted))
            .collect();
        let key = match (matches.pop(), matches.is_empty()) {
            (None, _) => return Err(Error::NotFound("API key not found".into())),
            (Some(key), true) => key,
            (Some(_), false) => {
                return Err(Error::Conflict(format!(
                    "the prefix '{prefix}' matches {} of your keys; give more characters",
                    matches.len() + 1
                )));
            }
        };
        let deleted = self.store().delete_api_key(&key.id, &user.id).await;
        self.forget_checked_keys().await;
        if !deleted? {
            return Err(Error::NotFound("API key not found".into()));
        }
        let message = format!("API key {} ({}) revoked", key.name, key.prefix);
        self.record_one(Change::account(&user.id, "api_key_revoke", message))
            .await;
        Ok(key.name)
    }
}
