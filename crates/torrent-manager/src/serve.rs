//! `torrent-manager serve`: run the API server until Ctrl-C or SIGTERM.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use clap::builder::BoolishValueParser;
use tm_server::Config;
use tm_server::config::{EngineSettings, RegistrationMode};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on. Use 0.0.0.0 to accept connections from other machines.
    #[arg(long, env = "TM_HOST", default_value = "127.0.0.1")]
    host: String,

    /// Port to listen on; 0 picks a free port (the log line shows which).
    #[arg(long, env = "TM_PORT", default_value_t = 8144)]
    port: u16,

    /// Where the SQLite database and the master key live
    /// [default: the platform's user data directory, e.g. ~/.local/share/torrent-manager].
    #[arg(long, env = "TM_DATA_DIR")]
    data_dir: Option<PathBuf>,

    /// Database to use instead of SQLite in the data directory:
    /// sqlite:///path/to/file.db or postgres://user:password@host/db.
    #[arg(long, env = "TM_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// Base64 of the 32-byte key that encrypts stored torrent-client passwords.
    /// Default: a key file created in the data directory. Give the same key to
    /// every instance that shares a PostgreSQL database.
    #[arg(long, env = "TM_MASTER_KEY", hide_env_values = true)]
    master_key: Option<String>,

    /// Who may create accounts: open (anyone) or closed (admins only). When
    /// left out, the mode last set by an admin stays (open on a new install).
    #[arg(long, env = "TM_REGISTRATION")]
    registration: Option<RegistrationMode>,

    /// Mark cookies Secure even on plain HTTP requests (TLS ends at a proxy).
    #[arg(long, env = "TM_COOKIE_SECURE")]
    cookie_secure: bool,

    /// Take the client address from X-Forwarded-For (only behind your own proxy).
    #[arg(long, env = "TM_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,

    /// Other origins allowed to make cookie-authenticated writes, e.g.
    /// https://torrents.example.org (comma-separated).
    #[arg(long, env = "TM_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,

    /// Let every user, not only admins, make the service contact loopback,
    /// private and link-local addresses and unix sockets (servers, URLs).
    /// Admins can also allow this per user (PUT /admin/users/{id}/targets).
    #[arg(long, env = "TM_ALLOW_PRIVATE_TARGETS")]
    allow_private_targets: bool,
    /// Origins this server is reached at, e.g. https://torrents.example.org
    /// (repeat or comma-separate). Requests naming any other host name are
    /// refused (DNS rebinding); localhost and IP addresses always work.
    #[arg(
        long = "public-origin",
        env = "TM_PUBLIC_ORIGIN",
        value_delimiter = ','
    )]
    public_origins: Vec<String>,

    /// Registrations (successful or not) allowed per client address every
    /// 15 minutes.
    #[arg(long, env = "TM_REGISTER_LIMIT", default_value_t = 10)]
    register_limit: i64,

    /// Serve GET /metrics (Prometheus) to anyone, not only to admins. Only
    /// when nobody untrusted can reach the port (server names show in labels).
    #[arg(long, env = "TM_METRICS_PUBLIC")]
    metrics_public: bool,

    /// Days the activity log (GET /activity) keeps each entry.
    #[arg(long, env = "TM_ACTIVITY_RETENTION_DAYS", default_value_t = 30)]
    activity_retention_days: u32,
    /// Most torrents one run of an automation rule removes, unless the rule
    /// sets its own `max_removals_per_run`.
    #[arg(long, env = "TM_RULE_MAX_REMOVALS", default_value_t = 20)]
    rule_max_removals: u32,
    /// Minutes a move between servers (POST /torrents/{hash}/move) may see
    /// no progress on the target before it fails and cleans up.
    #[arg(long, env = "TM_MOVE_STALL_MINUTES", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..))]
    move_stall_minutes: u64,

    /// Run no embedded torrent engine (the "This machine" server).
    #[arg(long, env = "TM_NO_ENGINE", value_parser = BoolishValueParser::new())]
    no_engine: bool,
    /// Where the embedded engine downloads [default: <data-dir>/downloads].
    #[arg(long, env = "TM_DOWNLOADS_DIR")]
    downloads_dir: Option<PathBuf>,
    /// The embedded engine's peer port [default: the last run's, else a free one].
    #[arg(long, env = "TM_ENGINE_PORT")]
    engine_port: Option<u16>,
    /// The address the embedded engine takes peers on, e.g. a VPN's
    /// [default: all addresses].
    #[arg(long, env = "TM_ENGINE_LISTEN_IP")]
    engine_listen_ip: Option<std::net::IpAddr>,
    /// Let the embedded engine find peers through trackers only (no DHT).
    #[arg(long, env = "TM_NO_DHT", value_parser = BoolishValueParser::new())]
    no_dht: bool,
}

impl ServeArgs {
    fn into_config(self) -> anyhow::Result<Config> {
        let data_dir = match self.data_dir {
            Some(dir) => dir,
            None => dirs::data_dir()
                .context("no user data directory on this platform; pass --data-dir")?
                .join("torrent-manager"),
        };
        let mut config = Config::new(data_dir);
        config.host = self.host;
        config.port = self.port;
        config.database_url = self.database_url;
        config.master_key = self.master_key;
        config.registration_mode = self.registration;
        config.cookie_secure = self.cookie_secure;
        config.trust_forwarded_for = self.trust_forwarded_for;
        config.allowed_origins = self.allowed_origins;
        config.allow_private_targets = self.allow_private_targets;
        config.public_origins = self.public_origins;
        config.register_throttle.max_per_address = self.register_limit;
        config.metrics_public = self.metrics_public;
        config.activity_retention_days = self.activity_retention_days;
        config.rule_max_removals_per_run = self.rule_max_removals;
        config.move_stall_timeout = std::time::Duration::from_secs(self.move_stall_minutes * 60);
        config.engine = if self.no_engine {
            None
        } else {
            Some(EngineSettings {
                downloads_dir: self
                    .downloads_dir
                    .unwrap_or_else(|| EngineSettings::under(&config.data_dir).downloads_dir),
                listen_port: self.engine_port,
                dht: !self.no_dht,
                listen_ip: self.engine_listen_ip,
            })
        };
        Ok(config)
    }
}

/// Starts the server with `args` and serves until asked to stop.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TM_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    serve(args.into_config()?).await
}

async fn serve(config: Config) -> anyhow::Result<()> {
    // Installed before the server logs its address, so a stop requested as
    // soon as it is up is still graceful.
    let stop_requested = shutdown_signal()?;
    let public_origin = config.public_origins.first().cloned();
    let server = tm_server::start(config).await?;
    if !server.has_users().await? {
        let url = first_visit_url(public_origin.as_deref(), server.local_addr());
        tracing::info!(
            "no account yet: open {url} to create the admin account (the first account becomes the admin)"
        );
    }
    let shutdown = server.shutdown_token();
    tokio::spawn(async move {
        stop_requested.await;
        tracing::info!("shutting down");
        shutdown.cancel();
    });
    server.wait().await
}

/// Where the operator opens the web UI: the public origin when one is set,
/// else the bound address (loopback when bound to all addresses).
fn first_visit_url(public_origin: Option<&str>, bound: SocketAddr) -> String {
    if let Some(origin) = public_origin {
        return format!("{}/", origin.trim_end_matches('/'));
    }
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, bound.port()))
}

/// Ctrl-C or SIGTERM; the handlers are installed on the call.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

/// Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use super::first_visit_url;

    #[test]
    fn the_first_visit_url_is_one_a_browser_can_open() {
        let bound = |s: &str| s.parse().unwrap();
        assert_eq!(
            first_visit_url(None, bound("127.0.0.1:8144")),
            "http://127.0.0.1:8144/"
        );
        assert_eq!(
            first_visit_url(None, bound("0.0.0.0:8144")),
            "http://127.0.0.1:8144/"
        );
        assert_eq!(first_visit_url(None, bound("[::]:80")), "http://[::1]:80/");
        assert_eq!(
            first_visit_url(Some("https://t.example.org/"), bound("0.0.0.0:8144")),
            "https://t.example.org/"
        );
    }
}
