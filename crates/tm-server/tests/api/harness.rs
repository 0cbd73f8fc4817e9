//! Starts the real server on a free loopback port with a fresh database
//! (SQLite in a temporary directory, or a new PostgreSQL database) and talks
//! to it over HTTP.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_server::{Config, RunningServer};

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    server: Option<RunningServer>,
    pub base: String,
    pub config: Config,
    pub db: Db,
    // Kept so the directory outlives the server.
    _data_dir: tempfile::TempDir,
}

/// The admin connection URL of the test PostgreSQL server. Without it the
/// PostgreSQL variants are skipped locally, but fail under CI.
fn pg_admin_url() -> Option<String> {
    match std::env::var("TM_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("TM_TEST_PG_URL must be set under CI: PostgreSQL tests cannot be skipped there")
        }
        _ => None,
    }
}

/// A new, empty PostgreSQL database for one test.
async fn fresh_pg_database(admin_url: &str) -> String {
    use sqlx::Connection;
    let name = format!("tm_test_{}", uuid_like());
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    format!("{base}/{name}")
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestApp {
    /// Starts a server on `db`; `None` when PostgreSQL is not available locally.
    pub async fn try_spawn(db: Db, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        if let Ok(filter) = std::env::var("TM_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(data_dir.path());
        config.port = 0;
        // No embedded engine unless a test's `tweak` turns it on.
        config.engine = None;
        // Tests register many users from one address; the throttle tests set their own limit.
        config.register_throttle.max_per_address = 10_000;
        if db == Db::Postgres {
            config.database_url = Some(fresh_pg_database(&pg_admin_url()?).await);
        }
        tweak(&mut config);
        let server = tm_server::start(config.clone())
            .await
            .expect("server starts");
        Some(TestApp {
            base: format!("http://{}", server.local_addr()),
            server: Some(server),
            config,
            db,
            _data_dir: data_dir,
        })
    }

    /// Stops the server gracefully and starts a new one on the same database
    /// and data directory (a new port).
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("server stops cleanly");
        }
        let server = tm_server::start(self.config.clone())
            .await
            .expect("server restarts");
        self.base = format!("http://{}", server.local_addr());
        self.server = Some(server);
    }

    /// Stops the server gracefully.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("server stops cleanly");
        }
    }

    /// The embedded engine, when the test's `tweak` turned it on.
    pub fn engine_handle(&self) -> Option<tm_backends::EngineHandle> {
        self.server.as_ref()?.engine_handle()
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    /// A new HTTP client with its own cookie jar.
    pub fn client(&self) -> Api {
        Api {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("http client"),
            base_url: self.base.clone(),
            bearer: None,
        }
    }

    /// A client that authenticates with an API key only.
    pub fn key_client(&self, key: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            base_url: self.base.clone(),
            bearer: Some(key.to_string()),
        }
    }

    /// Registers `username` (password `password-<username>`) and logs in.
    pub async fn user(&self, username: &str) -> Api {
        let api = self.client();
        let (status, body) = api
            .post(
                "/auth/register",
                json!({"username": username, "password": password_of(username)}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "register {username}: {body}");
        api.login(username, false).await;
        api
    }

    /// Runs SQL on the test's database (to set up states the API cannot
    /// reach quickly, like an expired key).
    pub async fn execute_sql(&self, sql: &str) {
        use sqlx::Connection;
        let url = self.config.database_url();
        match self.db {
            Db::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
                sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&mut conn)
                    .await
                    .expect("sql runs");
            }
            Db::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&url).await.expect("postgres");
                sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&mut conn)
                    .await
                    .expect("sql runs");
            }
        }
    }

    /// Counts rows of `table` belonging to `user_id`.
    pub async fn count_rows(&self, table: &str, user_id: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM {table} WHERE user_id = '{user_id}'"
        ))
        .await
    }

    /// Counts the stored file lists of `info_hash`.
    pub async fn count_file_lists(&self, info_hash: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM file_lists WHERE info_hash = '{info_hash}'"
        ))
        .await
    }

    /// Runs a `SELECT COUNT(*)` on the test's database.
    async fn count(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        let sql = sql.to_string();
        let url = self.config.database_url();
        match self.db {
            Db::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&mut conn)
                    .await
                    .expect("count")
            }
            Db::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&url).await.expect("postgres");
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&mut conn)
                    .await
                    .expect("count")
            }
        }
    }
}

pub fn password_of(username: &str) -> String {
    format!("password-{username}")
}

/// An HTTP client of the API that returns `(status, JSON body)`.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base_url: String,
    bearer: Option<String>,
}

impl Api {
    /// The same client (cookies, key) aimed at a restarted server.
    pub fn rebased(self, base_url: &str) -> Api {
        Api {
            base_url: base_url.to_string(),
            ..self
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}{path}", self.base_url));
        match &self.bearer {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }

    pub async fn send(&self, builder: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = builder.send().await.expect("request is answered");
        let status = response.status();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("{status}: body is not JSON: {text}"))
        };
        if !status.is_success() {
            assert!(
                body.get("detail").and_then(Value::as_str).is_some(),
                "error answers carry a string detail: {status} {body}"
            );
        }
        (status, body)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::PUT, path).json(&body))
            .await
    }

    pub async fn login(&self, username: &str, remember_me: bool) -> Value {
        let (status, body) = self
            .post(
                "/auth/login",
                json!({"username": username, "password": password_of(username), "remember_me": remember_me}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body
    }

    /// Creates an API key and returns the full key.
    pub async fn create_key(&self, name: &str) -> String {
        let (status, body) = self.post("/auth/api-keys", json!({"name": name})).await;
        assert_eq!(status, StatusCode::OK, "create key: {body}");
        body["api_key"].as_str().expect("api_key").to_string()
    }

    /// Registers a server pointing at loopback and returns its JSON.
    pub async fn create_server(&self, name: &str) -> Value {
        let (status, body) = self
            .post(
                "/servers",
                json!({"name": name, "server_type": "transmission", "host": "127.0.0.1", "port": 9,
                       "rpc_path": "/transmission/rpc", "username": "u", "password": "server-secret"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "create server: {body}");
        body
    }
}

/// Declares each test twice: once on SQLite, once on PostgreSQL.
macro_rules! on_both_databases {
    ($(async fn $name:ident($db:ident: Db) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Db::Postgres).await
                }
            )*
        }
        $(async fn $name($db: $crate::harness::Db) $body)*
    };
}
pub(crate) use on_both_databases;

/// Spawns an app or returns early from the test when PostgreSQL is not available locally.
macro_rules! spawn {
    ($db:expr) => {
        spawn!($db, |_| {})
    };
    ($db:expr, $tweak:expr) => {
        match $crate::harness::TestApp::try_spawn($db, $tweak).await {
            Some(app) => app,
            None => {
                eprintln!("skipped: TM_TEST_PG_URL is not set");
                return;
            }
        }
    };
}
pub(crate) use spawn;

/// A client that decodes no content coding: bodies arrive as sent.
pub fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .no_zstd()
        .no_deflate()
        .build()
        .expect("http client")
}
