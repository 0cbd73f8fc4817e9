//! API keys already checked against the database, so that a script or an
//! *arr app calling with a key costs no database round trip per request.
//!
//! Correct because every change that can end or alter a key's identity
//! (revocation, deleting the user, changing the admin role) calls
//! `forget_all` after writing, and a lookup that raced such a change is not
//! kept (the generation check). Expiry is checked on every hit. Instances
//! sharing a PostgreSQL database tell each other over `NOTIFY
//! tm_credentials` and forget all on a lost notification connection; an
//! entry is trusted there for a few seconds only, the bound should a
//! notification still go missing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Identity;

/// How long an entry is trusted without asking the database again, for one
/// process: a bound for what no code path here can see (a database edited
/// by hand).
const TRUSTED_ALONE: Duration = Duration::from_secs(60);
/// The same when instances share the database: the bound for a missed
/// notification.
const TRUSTED_SHARED: Duration = Duration::from_secs(5);

/// How long entries are trusted, alone or sharing the database.
pub fn trusted_for(single_process: bool) -> Duration {
    if single_process {
        TRUSTED_ALONE
    } else {
        TRUSTED_SHARED
    }
}
/// Entries kept; beyond it the cache starts over (keys are few in practice).
const MAX_ENTRIES: usize = 10_000;

pub struct KeyCache {
    trusted_for: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Bumped by every `forget_all`.
    generation: u64,
    entries: HashMap<String, Checked>,
}

struct Checked {
    identity: Identity,
    key_id: String,
    /// Unix milliseconds, as stored.
    expires_at: Option<i64>,
    checked_at: Instant,
}

/// A lookup in progress: the generation it started in.
#[derive(Debug)]
pub struct Lookup(u64);

impl KeyCache {
    pub fn new(trusted_for: Duration) -> Self {
        Self {
            trusted_for,
            state: Mutex::default(),
        }
    }

    /// The identity and key id of `key_hash` if checked recently and not
    /// expired at `now`; otherwise the `Lookup` to hand to `keep` once the
    /// database has answered.
    pub fn get(&self, key_hash: &str, now: i64) -> Result<(Identity, String), Lookup> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.entries.get(key_hash) {
            Some(checked)
                if checked.checked_at.elapsed() < self.trusted_for
                    && checked.expires_at.is_none_or(|at| at > now) =>
            {
                Ok((checked.identity.clone(), checked.key_id.clone()))
            }
            _ => Err(Lookup(state.generation)),
        }
    }

    /// Keeps what the database said about `key_hash`, unless a change was
    /// made since the lookup began (its answer may predate the change).
    pub fn keep(
        &self,
        lookup: Lookup,
        key_hash: &str,
        identity: &Identity,
        key_id: &str,
        expires_at: Option<i64>,
    ) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.generation != lookup.0 {
            return;
        }
        if state.entries.len() >= MAX_ENTRIES {
            state.entries.clear();
        }
        state.entries.insert(
            key_hash.to_string(),
            Checked {
                identity: identity.clone(),
                key_id: key_id.to_string(),
                expires_at,
                checked_at: Instant::now(),
            },
        );
    }

    /// Forgets every key: called after any change to keys or users.
    pub fn forget_all(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        state.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use tm_api_types::AuthMethod;

    use super::*;
    use crate::core::User;

    fn identity() -> Identity {
        Identity {
            user: User {
                id: "u1".into(),
                username: "alice".into(),
                is_admin: false,
                created_at: 0,
            },
            method: AuthMethod::ApiKey,
            session_token_hash: None,
            api_key_hash: Some("h".into()),
            api_key_name: Some("k".into()),
        }
    }

    #[test]
    fn a_kept_key_is_served_until_it_expires_or_anything_changes() {
        let cache = KeyCache::new(TRUSTED_ALONE);
        let lookup = cache.get("h", 0).unwrap_err();
        cache.keep(lookup, "h", &identity(), "k1", Some(1_000));
        assert_eq!(cache.get("h", 999).unwrap().1, "k1");
        assert!(cache.get("h", 1_000).is_err(), "expired");
        cache.forget_all();
        assert!(cache.get("h", 0).is_err(), "forgotten");
    }

    #[test]
    fn a_lookup_that_raced_a_change_is_not_kept() {
        let cache = KeyCache::new(TRUSTED_ALONE);
        let lookup = cache.get("h", 0).unwrap_err();
        // The key is revoked while the database answer is on its way.
        cache.forget_all();
        cache.keep(lookup, "h", &identity(), "k1", None);
        assert!(cache.get("h", 0).is_err());
    }

    #[test]
    fn an_entry_is_trusted_for_its_bound_only() {
        let cache = KeyCache::new(Duration::from_millis(30));
        let lookup = cache.get("h", 0).unwrap_err();
        cache.keep(lookup, "h", &identity(), "k1", None);
        assert!(cache.get("h", 0).is_ok());
        std::thread::sleep(Duration::from_millis(40));
        assert!(cache.get("h", 0).is_err(), "asked again after the bound");
        assert!(trusted_for(false) < trusted_for(true));
    }
}
