//! The activity log: who changed which torrent, server or account, when,
//! and how it went.
//!
//! Who acts travels with the request as a task-local (`with_actor`), set
//! once by the HTTP layer (or a rule, around its calls), so the core's
//! functions need no extra parameter. Writing an entry never fails the
//! change it records: a database error is logged.

use std::future::Future;

pub use tm_api_types::ActorKind;
use tm_api_types::{ActivityActor, ActivityEntry, ActivityPage, ActivityQuery, ActivityScope};

use super::{Core, Error, Identity, Result, User, from_millis, now_millis};
use crate::db::{ActivityFilter, ActivityRow};

tokio::task_local! {
    static ACTOR: Actor;
}

/// Entries a page shows unless asked otherwise, and at most.
const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Longest hash or name text kept from a request.
const MAX_TEXT_CHARS: usize = 200;

/// Who makes a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// The user on whose behalf it acts.
    pub user_id: Option<String>,
    /// Username, key name, cleaned User-Agent or rule name.
    pub name: String,
    /// The rule's id for a rule; the username for a key or the facade.
    pub detail: Option<String>,
}

impl Actor {
    /// An automation rule acting on its owner's torrents.
    pub fn rule(id: &str, name: &str) -> Self {
        Self {
            kind: ActorKind::Rule,
            user_id: None,
            name: name.to_string(),
            detail: Some(id.to_string()),
        }
    }

    /// An RSS feed adding the items its filter takes, for its owner.
    pub fn rss_feed(id: &str, name: &str) -> Self {
        Self {
            kind: ActorKind::System,
            user_id: None,
            name: format!("RSS feed {name}"),
            detail: Some(id.to_string()),
        }
    }

    /// A user signing in through the web UI or the API (no credential is
    /// attached to the request yet).
    pub fn signing_in(user: &User) -> Self {
        Self {
            kind: ActorKind::Web,
            user_id: Some(user.id.clone()),
            name: user.username.clone(),
            detail: None,
        }
    }

    /// The share limits kept for the facade, stopping a torrent (`why`:
    /// which limit it reached).
    pub fn share_limits(why: &str) -> Self {
        Self {
            kind: ActorKind::System,
            user_id: None,
            name: "share limits".into(),
            detail: Some(why.to_string()),
        }
    }

    /// The server itself (no request behind the change).
    pub fn system() -> Self {
        Self {
            kind: ActorKind::System,
            user_id: None,
            name: "system".into(),
            detail: None,
        }
    }

    /// Who is behind an authenticated request: the web UI (a session), an
    /// API key, or a qBittorrent client on `/api/v2` named by its User-Agent.
    pub fn of_request(identity: &Identity, facade: bool, user_agent: Option<&str>) -> Self {
        let user = &identity.user;
        let (kind, name, detail) = if facade {
            let agent = user_agent
                .and_then(super::clean_user_agent)
                .unwrap_or_else(|| "unknown client".into());
            (ActorKind::Facade, agent, Some(user.username.clone()))
        } else if let Some(key) = &identity.api_key_name {
            (ActorKind::ApiKey, key.clone(), Some(user.username.clone()))
        } else {
            (ActorKind::Web, user.username.clone(), None)
        };
        Self {
            kind,
            user_id: Some(user.id.clone()),
            name,
            detail,
        }
    }

    /// The actor of the running task; `system` outside any.
    pub fn current() -> Self {
        ACTOR
            .try_with(Clone::clone)
            .unwrap_or_else(|_| Self::system())
    }
}

/// Runs `f` with `actor` as the one whose changes it records.
pub async fn with_actor<F: Future>(actor: Actor, f: F) -> F::Output {
    ACTOR.scope(actor, f).await
}

/// One change to record; names left empty are filled from the fleet.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub scope: ActivityScope,
    pub action: String,
    pub owner_id: Option<String>,
    pub server_id: Option<String>,
    pub server_name: Option<String>,
    pub info_hash: Option<String>,
    pub torrent_name: Option<String>,
    /// What happened, or the error.
    pub outcome: std::result::Result<String, String>,
}

impl Change {
    pub fn new(scope: ActivityScope, action: &str, owner_id: &str) -> Self {
        Self {
            scope,
            action: action.to_string(),
            owner_id: Some(owner_id.to_string()),
            server_id: None,
            server_name: None,
            info_hash: None,
            torrent_name: None,
            outcome: Ok(String::new()),
        }
    }

    /// A change to a torrent of `owner`'s, on `server_id` when known.
    pub fn torrent(owner: &User, action: &str, server_id: Option<&str>, hash: &str) -> Self {
        let hash = tm_backends::magnet::parse_info_hash(hash.trim())
            .unwrap_or_else(|_| hash.trim().chars().take(MAX_TEXT_CHARS).collect());
        Self {
            server_id: server_id.map(str::to_string),
            info_hash: Some(hash),
            ..Self::new(ActivityScope::Torrent, action, &owner.id)
        }
    }

    pub fn server(owner_id: &str, action: &str, server_id: &str, name: &str) -> Self {
        Self {
            server_id: Some(server_id.to_string()),
            server_name: Some(name.to_string()),
            ..Self::new(ActivityScope::Server, action, owner_id)
        }
    }

    pub fn account(owner_id: &str, action: &str, message: impl Into<String>) -> Self {
        Self {
            outcome: Ok(message.into()),
            ..Self::new(ActivityScope::Account, action, owner_id)
        }
    }

    /// An instance setting changed by the current actor.
    pub fn setting(action: &str, message: impl Into<String>) -> Self {
        Self {
            owner_id: Actor::current().user_id,
            outcome: Ok(message.into()),
            ..Self::new(ActivityScope::Account, action, "")
        }
    }

    /// This change with the outcome of `result`: `ok` with `done`, or failed
    /// with the error the caller sees.
    pub fn finished<T>(mut self, result: &Result<T>, done: impl FnOnce(&T) -> String) -> Self {
        self.outcome = match result {
            Ok(value) => Ok(done(value)),
            Err(error) => Err(shown_error(error)),
        };
        self
    }

    pub fn failed(mut self, error: &Error) -> Self {
        self.outcome = Err(shown_error(error));
        self
    }

    /// An add that failed before it named a torrent.
    pub fn failed_add(owner: &User, server_id: Option<&str>) -> Self {
        Self {
            // `auto` names no server: placement failed before choosing one.
            server_id: server_id
                .filter(|id| *id != tm_api_types::AUTO_SERVER)
                .map(str::to_string),
            ..Self::new(ActivityScope::Torrent, "add", &owner.id)
        }
    }
}

/// The error as the caller sees it (internal faults are not spelled out),
/// with URLs cut short: a tracker passkey in a .torrent URL's query is a
/// secret the log keeps no copy of.
pub(crate) fn shown_error(error: &Error) -> String {
    match error {
        Error::Internal(_) => "Internal server error".into(),
        other => without_url_secrets(&other.to_string()),
    }
}

/// `text` with each URL's user info, query and fragment left out, and
/// magnet links reduced to their scheme.
fn without_url_secrets(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.starts_with("magnet:") {
                return "magnet:…".to_string();
            }
            if !word.contains("://") {
                return word.to_string();
            }
            match url::Url::parse(word.trim_end_matches([':', ',', ')'])) {
                Ok(mut url) => {
                    let secret = url.query().is_some() || url.fragment().is_some();
                    let _ = url.set_username("");
                    let _ = url.set_password(None);
                    url.set_query(None);
                    url.set_fragment(None);
                    let tail: String = word
                        .chars()
                        .rev()
                        .take_while(|c| [':', ',', ')'].contains(c))
                        .collect();
                    format!("{url}{}{tail}", if secret { "?…" } else { "" })
                }
                Err(_) => "(a URL)".to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Core {
    /// A torrent change with the server's and torrent's names as the fleet
    /// shows them now (before a removal makes them unknown).
    pub(crate) fn torrent_change(
        &self,
        owner: &User,
        action: &str,
        server_id: Option<&str>,
        hash: &str,
    ) -> Change {
        let mut change = Change::torrent(owner, action, server_id, hash);
        self.fill_names(&mut change);
        change
    }

    /// Names the server and torrent of `change` from the owner's pollers.
    fn fill_names(&self, change: &mut Change) {
        let (Some(owner), Some(hash)) = (&change.owner_id, &change.info_hash) else {
            return;
        };
        let pollers = self.fleet().of_user(owner);
        let poller = match &change.server_id {
            Some(id) => pollers.iter().find(|p| p.spec().id == *id),
            None => pollers.iter().find(|p| p.snapshot().contains(hash)),
        };
        let Some(poller) = poller else {
            return;
        };
        change
            .server_id
            .get_or_insert_with(|| poller.spec().id.clone());
        change
            .server_name
            .get_or_insert_with(|| poller.spec().name.clone());
        if change.torrent_name.is_none() {
            change.torrent_name = poller.snapshot().torrent(hash).map(|t| t.name.clone());
        }
    }

    /// Writes `changes` as the current actor's, in one batch.
    pub(crate) async fn record(&self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        let actor = Actor::current();
        let at = now_millis();
        let rows: Vec<ActivityRow> = changes
            .into_iter()
            .map(|mut change| {
                if change.scope == ActivityScope::Torrent
                    && (change.server_name.is_none() || change.torrent_name.is_none())
                {
                    self.fill_names(&mut change);
                }
                row_of(change, &actor, at)
            })
            .collect();
        if let Err(error) = self.store().insert_activity(&rows).await {
            tracing::warn!(%error, count = rows.len(), "could not write the activity log");
        }
    }

    pub(crate) async fn record_one(&self, change: Change) {
        self.record(vec![change]).await
    }

    /// The entries `user` may see that match `query`, newest first: their
    /// own, and for admins everyone's account changes too (the audit log).
    pub async fn list_activity(&self, user: &User, query: &ActivityQuery) -> Result<ActivityPage> {
        let limit = query.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(Error::Invalid(format!(
                "limit must be between 1 and {MAX_PAGE}"
            )));
        }
        let lowered = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase)
        };
        let millis = |time: Option<tm_api_types::OffsetDateTime>| {
            time.map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        };
        let filter = ActivityFilter {
            viewer_id: user.id.clone(),
            audit: user.is_admin,
            server_id: query.server_id.clone(),
            info_hash: lowered(&query.info_hash),
            rule_id: query.rule_id.clone(),
            actor: lowered(&query.actor),
            actor_kind: query.actor_kind.map(|k| k.as_str().to_string()),
            scope: query.scope.map(|s| s.as_str().to_string()),
            search: lowered(&query.search).map(|s| format!("%{}%", escape_like(&s))),
            since: millis(query.since),
            until: millis(query.until),
        };
        let offset = i64::from(query.offset.unwrap_or(0));
        let (rows, total) = self
            .store()
            .list_activity(&filter, i64::from(limit), offset)
            .await?;
        Ok(ActivityPage {
            items: rows.into_iter().map(entry_of).collect(),
            total: total.max(0) as u64,
        })
    }

    /// Removes entries older than the retention; returns how many.
    pub async fn prune_activity(&self) -> Result<u64> {
        let days = i64::from(self.config().activity_retention_days);
        Ok(self
            .store()
            .prune_activity(now_millis() - days * DAY_MS)
            .await?)
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn row_of(change: Change, actor: &Actor, at: i64) -> ActivityRow {
    let (outcome, message) = match change.outcome {
        Ok(message) => ("ok", message),
        Err(message) => ("failed", message),
    };
    ActivityRow {
        id: uuid::Uuid::now_v7().to_string(),
        at,
        owner_id: change.owner_id,
        scope: change.scope.as_str().to_string(),
        action: change.action,
        actor_kind: actor.kind.as_str().to_string(),
        actor_name: actor.name.clone(),
        actor_user_id: actor.user_id.clone(),
        actor_detail: actor.detail.clone(),
        server_id: change.server_id,
        server_name: change.server_name,
        info_hash: change.info_hash,
        torrent_name: change.torrent_name,
        outcome: outcome.to_string(),
        message,
    }
}

fn entry_of(row: ActivityRow) -> ActivityEntry {
    ActivityEntry {
        id: row.id,
        at: from_millis(row.at),
        scope: ActivityScope::parse(&row.scope).unwrap_or(ActivityScope::Torrent),
        action: row.action,
        actor: ActivityActor {
            kind: ActorKind::parse(&row.actor_kind).unwrap_or(ActorKind::System),
            name: row.actor_name,
            user_id: row.actor_user_id,
            detail: row.actor_detail,
        },
        owner_id: row.owner_id,
        server_id: row.server_id,
        server_name: row.server_name,
        info_hash: row.info_hash,
        torrent_name: row.torrent_name,
        success: row.outcome == "ok",
        message: row.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_actor_is_the_one_of_the_running_task() {
        assert_eq!(Actor::current().kind, ActorKind::System);
        let rule = Actor::rule("r1", "cleanup");
        let seen = with_actor(rule.clone(), async { Actor::current() }).await;
        assert_eq!(seen, rule);
        assert_eq!(seen.detail.as_deref(), Some("r1"));
        assert_eq!(Actor::current().kind, ActorKind::System);
    }

    #[test]
    fn urls_in_messages_lose_their_secrets() {
        assert_eq!(
            without_url_secrets(
                "Could not fetch https://u:p@tracker.example/dl/1.torrent?passkey=abc: could not connect"
            ),
            "Could not fetch https://tracker.example/dl/1.torrent?…: could not connect"
        );
        assert_eq!(
            without_url_secrets("Could not fetch http://host/a.torrent: too many redirects"),
            "Could not fetch http://host/a.torrent: too many redirects"
        );
        assert_eq!(
            without_url_secrets("bad magnet:?xt=urn&tr=x"),
            "bad magnet:…"
        );
        assert_eq!(
            without_url_secrets("Torrent not found"),
            "Torrent not found"
        );
    }

    #[test]
    fn search_text_is_escaped_for_like() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
