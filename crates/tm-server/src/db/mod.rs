//! Persistence on SQLite (the default) or PostgreSQL, through one code path.
//!
//! Every query is written once in SQL both engines accept (`$n` placeholders,
//! BIGINT times, BOOLEAN, TEXT ids) and run on whichever pool is configured by
//! the [`on_pool!`] macro, which monomorphises the same body for both.

mod activity;
mod api_keys;
pub mod engine_calls;
mod facade;
mod file_lists;
mod jobs;
pub mod leases;
mod metainfo;
mod placement;
mod rss;
mod rules;
pub mod server_feed;
mod servers;
mod sessions;
mod settings;
mod targets;
mod throttle;
mod users;
mod webhook_outbox;
mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use activity::{ActivityFilter, ActivityRow};
pub use api_keys::ApiKeyRow;
pub use facade::{CategoryRow, STOP_ACTION, ShareLimitRow};
pub use file_lists::FileListRow;
pub use jobs::JobRow;
pub use rss::{FetchRecord, RssFeedRow, RssItemRow};
pub use rules::{OUTCOME_DONE, RuleActionRow, RuleRow};
pub use servers::ServerRow;
pub use sessions::NewSession;
pub use targets::TargetGrant;
pub use users::UserRow;
pub use webhook_outbox::{Claim, OutboxRow};
pub use webhooks::{DeliveryRow, WebhookRow};

/// A failed database operation.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint rejected the write.
    #[error("a row with this {0} already exists")]
    Conflict(&'static str),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL: {0}")]
    UnsupportedUrl(String),
}

pub type DbResult<T> = Result<T, DbError>;

/// The database, whichever engine holds it.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$store`.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            $crate::db::Store::Sqlite($pool) => $body,
            $crate::db::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str) -> DbResult<Self> {
        let store = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Store::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Store::Postgres(pool)
        } else {
            return Err(DbError::UnsupportedUrl(redact_url(url)));
        };
        on_pool!(&store, |pool| MIGRATOR.run(pool).await)?;
        Ok(store)
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))
        .is_ok()
    }

    /// The PostgreSQL pool, when instances may share this database.
    pub fn shared(&self) -> Option<&PgPool> {
        match self {
            Store::Postgres(pool) => Some(pool),
            Store::Sqlite(_) => None,
        }
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }
}

/// Maps a unique-constraint violation to [`DbError::Conflict`].
fn conflict_on_unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> DbError {
    move |error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => DbError::Conflict(what),
        _ => DbError::Sqlx(error),
    }
}

/// The URL without its password (in the user info or a `password=`-like
/// query parameter), fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let (url, query) = match url.split_once('?') {
        Some((url, query)) => (url, Some(query)),
        None => (url, None),
    };
    let mut redacted = match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}://{user}:***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if is_secret_key(key) => format!("{key}=***"),
                _ => pair.to_string(),
            })
            .collect();
        redacted.push('?');
        redacted.push_str(&pairs.join("&"));
    }
    redacted
}

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "passwd", "secret", "token", "key"]
        .iter()
        .any(|word| key.contains(word))
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_the_password_of_a_database_url() {
        assert_eq!(
            super::redact_url("postgres://tm:secret@127.0.0.1:5432/tm"),
            "postgres://tm:***@127.0.0.1:5432/tm"
        );
        assert_eq!(
            super::redact_url("sqlite:///tmp/x.db"),
            "sqlite:///tmp/x.db"
        );
        assert_eq!(
            super::redact_url("postgres://db/tm?sslmode=require&password=secret"),
            "postgres://db/tm?sslmode=require&password=***"
        );
        assert_eq!(
            super::redact_url("postgres:///tm?host=/run/pg&PassWord=s&user=tm"),
            "postgres:///tm?host=/run/pg&PassWord=***&user=tm"
        );
    }
}
