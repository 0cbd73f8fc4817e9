//! What the server needs to start. The binary fills it from flags and the
//! environment; tests build it directly.

use std::path::PathBuf;
use std::time::Duration;

pub use tm_api_types::RegistrationMode;

#[derive(Clone)]
pub struct Config {
    /// Address to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Holds the SQLite database and the master key file.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Base64 of the 32-byte key that encrypts stored client passwords;
    /// defaults to a key file created in `data_dir`.
    pub master_key: Option<String>,
    /// Registration mode to enforce at start; `None` keeps the stored one.
    pub registration_mode: Option<RegistrationMode>,
    /// Mark cookies `Secure` even when the request did not come over HTTPS
    /// (e.g. TLS is terminated by a proxy that does not say so).
    pub cookie_secure: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// Extra origins (e.g. `https://tm.example.org`) allowed to send
    /// cookie-authenticated writes, besides the request's own host.
    pub allowed_origins: Vec<String>,
    pub sessions: SessionPolicy,
    pub login_throttle: LoginThrottle,
    /// Upper bound for any single call to a torrent client.
    pub client_timeout: Duration,
    /// Let every user (not only admins) make the service contact loopback,
    /// private and link-local addresses and unix sockets.
    pub allow_private_targets: bool,
    /// Servers an ordinary user may register (admins are not limited).
    pub max_servers_per_user: usize,
    /// Live-update streams one user may have open at once.
    pub max_streams_per_user: usize,
    /// Origins (e.g. `https://tm.example.org`) this server is reached at.
    /// Their host names are accepted in `Host` (against DNS rebinding), and
    /// they may send cookie-authenticated writes like `allowed_origins`.
    pub public_origins: Vec<String>,
    /// Account creation through `POST /auth/register`, per client address.
    pub register_throttle: RegisterThrottle,
    /// Concurrent password hashings (argon2 needs ~19 MiB each); `0` means
    /// twice the number of CPUs.
    pub max_concurrent_hashing: usize,
    /// Open connections at most; further ones wait to be accepted.
    pub max_connections: usize,
    /// A request's headers must arrive within this (slowloris).
    pub header_read_timeout: Duration,
    /// A request body that sends nothing for this long is abandoned.
    pub body_idle_timeout: Duration,
    /// How often a live-update stream re-checks its session or API key.
    pub credential_recheck: Duration,
    /// Time between two full lists of a server's torrents (between them the
    /// poller asks only for changes, which can miss some).
    pub full_resync_interval: Duration,
    /// Serve `GET /metrics` to anyone, not only admins (a scraper that
    /// reaches it only over a private network).
    pub metrics_public: bool,
    /// Days the activity log keeps an entry (0: pruned at the next
    /// maintenance tick).
    pub activity_retention_days: u32,
    /// How often entries past the retention are pruned.
    pub activity_prune_interval: Duration,
    /// Most torrents one run of an automation rule removes, unless the rule
    /// sets its own cap: a tracker outage must not make a rule wipe a library.
    pub rule_max_removals_per_run: u32,
    /// A move between servers fails when the target's progress stands still
    /// this long.
    pub move_stall_timeout: Duration,
    /// How often the RSS poller looks for feeds due a fetch and items due
    /// an add (each feed has its own interval).
    pub rss_poll_interval: Duration,
    /// With several instances on one PostgreSQL database: how often each
    /// heartbeats and renews its server leases.
    pub instance_heartbeat: Duration,
    /// How long a server lease lasts without renewal: a stopped instance's
    /// servers are polled by another one after at most this (plus a beat).
    pub instance_lease: Duration,
    /// The embedded torrent engine, the "This machine" server; `None`: off.
    pub engine: Option<EngineSettings>,
}

/// Where the embedded engine keeps its downloads and how it meets peers.
/// Its own state (resume data, labels) lives in `<data_dir>/engine`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineSettings {
    pub downloads_dir: PathBuf,
    /// The peer port; `None`: the engine picks one in its range.
    pub listen_port: Option<u16>,
    /// Find peers over the DHT as well as trackers.
    pub dht: bool,
    /// The address peers reach it at; `None`: every address. Tests give
    /// each client a `127.0.0.x` of its own.
    pub listen_ip: Option<std::net::IpAddr>,
}

impl EngineSettings {
    /// Downloads in `<data_dir>/downloads`, DHT on, any port.
    pub fn under(data_dir: &std::path::Path) -> Self {
        Self {
            downloads_dir: data_dir.join("downloads"),
            listen_port: None,
            dht: true,
            listen_ip: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(crate::db::redact_url),
            )
            .field("master_key", &self.master_key.as_ref().map(|_| "***"))
            .field("registration_mode", &self.registration_mode)
            .field("cookie_secure", &self.cookie_secure)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("allowed_origins", &self.allowed_origins)
            .field("client_timeout", &self.client_timeout)
            .field("allow_private_targets", &self.allow_private_targets)
            .field("public_origins", &self.public_origins)
            .field("full_resync_interval", &self.full_resync_interval)
            .field("metrics_public", &self.metrics_public)
            .field("activity_retention_days", &self.activity_retention_days)
            .field("rule_max_removals_per_run", &self.rule_max_removals_per_run)
            .field("move_stall_timeout", &self.move_stall_timeout)
            .field("rss_poll_interval", &self.rss_poll_interval)
            .field("instance_heartbeat", &self.instance_heartbeat)
            .field("instance_lease", &self.instance_lease)
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Defaults: 127.0.0.1:8144, SQLite in `data_dir`, open registration.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        Self {
            engine: Some(EngineSettings::under(&data_dir)),
            host: "127.0.0.1".to_string(),
            port: 8144,
            data_dir,
            database_url: None,
            master_key: None,
            registration_mode: None,
            cookie_secure: false,
            trust_forwarded_for: false,
            allowed_origins: Vec::new(),
            sessions: SessionPolicy::default(),
            login_throttle: LoginThrottle::default(),
            client_timeout: Duration::from_secs(10),
            allow_private_targets: false,
            max_servers_per_user: 50,
            max_streams_per_user: 16,
            public_origins: Vec::new(),
            register_throttle: RegisterThrottle::default(),
            max_concurrent_hashing: 0,
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(30),
            credential_recheck: Duration::from_secs(2),
            full_resync_interval: crate::fleet::DEFAULT_RESYNC_INTERVAL,
            metrics_public: false,
            activity_retention_days: 30,
            activity_prune_interval: Duration::from_secs(600),
            rule_max_removals_per_run: 20,
            move_stall_timeout: Duration::from_secs(600),
            rss_poll_interval: Duration::from_secs(30),
            instance_heartbeat: Duration::from_secs(3),
            instance_lease: Duration::from_secs(10),
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.default_sqlite_path().display()))
    }

    /// The embedded engine's own state (resume data, labels).
    pub fn engine_state_dir(&self) -> PathBuf {
        self.data_dir.join("engine")
    }

    /// Where the database lives when no `database_url` is given.
    pub fn default_sqlite_path(&self) -> PathBuf {
        self.data_dir.join("torrent-manager.db")
    }
}

/// How long sessions and remember-me tokens live.
#[derive(Debug, Clone)]
pub struct SessionPolicy {
    /// A session ends after this long without activity.
    pub idle_timeout: Duration,
    /// ... and in any case this long after it was created.
    pub absolute_lifetime: Duration,
    /// Lifetime of a remember-me token (not extended on use).
    pub remember_lifetime: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(24 * 3600),
            absolute_lifetime: Duration::from_secs(14 * 24 * 3600),
            remember_lifetime: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Failed-login limits within `window`.
///
/// A username is limited per client address (`max_failures_per_user`), so
/// nobody can lock an account from their own address. Across all addresses
/// an account under attack (over `max_failures_per_user_global`) gets one
/// attempt per address and window: a distributed guesser is slowed, while
/// the owner, from an address that has not failed, still logs in.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    pub window: Duration,
    pub max_failures_per_user: i64,
    pub max_failures_per_address: i64,
    pub max_failures_per_user_global: i64,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            max_failures_per_user: 5,
            max_failures_per_address: 20,
            max_failures_per_user_global: 100,
        }
    }
}

/// Registrations (successful or not) per client address within `window`.
#[derive(Debug, Clone)]
pub struct RegisterThrottle {
    pub window: Duration,
    pub max_per_address: i64,
}

impl Default for RegisterThrottle {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            max_per_address: 10,
        }
    }
}
