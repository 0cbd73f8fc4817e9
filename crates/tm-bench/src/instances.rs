//! `tm-bench --instances <torrent-manager binary>`: `GET /torrents` over
//! 5 servers × N torrents served by two instances on one PostgreSQL
//! database behind nginx, against the same through nginx to one of them.
//!
//! Both instances run throughout (each polls its share of the servers and
//! mirrors the others' from the database); only nginx's upstreams differ:
//! one nginx balances over both, another sends everything to the first, so
//! the proxy's cost is the same on both sides. Measured interleaved in one
//! run: sequential latency (plain and gzip) and throughput with a few
//! clients in parallel (gzip, as browsers ask).

use std::path::Path;
use std::time::{Duration, Instant};

use tm_backends::BackendConfig;
use tm_testkit::NginxBalancer;

use crate::Result;
use crate::api::Api;
use crate::results::Results;
use crate::server_process;

/// Requests in flight during the throughput runs.
const CLIENTS: usize = 4;
/// Length of one throughput run; each side runs twice, interleaved.
const THROUGHPUT_RUN: Duration = Duration::from_secs(5);
/// How long the instances may take to list every torrent.
const READY_WITHIN: Duration = Duration::from_secs(180);
/// How long the list must keep its ETag to count as settled.
const SETTLED_FOR: Duration = Duration::from_secs(10);
/// How long the daemons may take to settle: Transmission verifies every
/// torrent it was just given (about 90 ms each here), one at a time.
const SETTLE_WITHIN: Duration = Duration::from_secs(900);
/// The target: two instances within this factor of one.
const TARGET: f64 = 1.2;

/// A fresh database on the PostgreSQL server of `TM_TEST_PG_URL`, dropped
/// at the end of the run.
struct FreshDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl FreshDatabase {
    async fn create() -> Result<Self> {
        use sqlx::Connection;
        let admin_url = std::env::var("TM_TEST_PG_URL")
            .map_err(|_| "--instances needs TM_TEST_PG_URL (a PostgreSQL admin URL)")?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let name = format!("tm_bench_{}_{}", std::process::id(), nanos % 1_000_000_000);
        let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        let base = admin_url.rsplit_once('/').map_or(&*admin_url, |(b, _)| b);
        Ok(Self {
            url: format!("{base}/{name}"),
            admin_url,
            name,
        })
    }

    async fn drop_it(self) -> Result<()> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&self.admin_url).await?;
        let name = &self.name;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await?;
        Ok(())
    }
}

/// 32 random bytes, base64: what `TM_MASTER_KEY` holds.
fn master_key() -> Result<String> {
    let mut bytes = [0u8; 32];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
    Ok(data_encoding::BASE64.encode(&bytes))
}

fn port_of(url: &str) -> Result<u16> {
    Ok(url
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .ok_or_else(|| format!("no port in {url}"))?)
}

/// Waits until `api`'s instance lists `total` torrents; returns how long.
async fn wait_for_total(api: &Api, total: usize) -> Result<Duration> {
    let start = Instant::now();
    loop {
        let (_, listed, _) = api.get_timed("/torrents", Some("gzip")).await?;
        if listed == total {
            return Ok(start.elapsed());
        }
        if start.elapsed() > READY_WITHIN {
            return Err(format!("{} lists {listed} of {total} torrents", api.base).into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until `api`'s list stops changing; returns how long that took, or
/// `None` when it still changed after [`SETTLE_WITHIN`]. Measuring while a
/// daemon still checks its new torrents would measure each instance
/// compressing a changed list, not serving one.
async fn wait_until_settled(api: &Api) -> Result<Option<Duration>> {
    let start = Instant::now();
    let mut last = api.etag("/torrents").await?;
    let mut unchanged_since = Instant::now();
    while start.elapsed() < SETTLE_WITHIN {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let etag = api.etag("/torrents").await?;
        if etag != last {
            last = etag;
            unchanged_since = Instant::now();
        } else if unchanged_since.elapsed() >= SETTLED_FOR {
            return Ok(Some(start.elapsed()));
        }
    }
    Ok(None)
}

/// Completed `GET /torrents` (gzip) per second with `CLIENTS` in flight.
async fn throughput(api: &Api, total: usize) -> Result<f64> {
    let start = Instant::now();
    let clients = (0..CLIENTS).map(|_| {
        let api = api.clone();
        tokio::spawn(async move {
            let mut done = 0usize;
            while start.elapsed() < THROUGHPUT_RUN {
                let (_, listed, _) = api.get_timed("/torrents", Some("gzip")).await?;
                if listed != total {
                    return Result::<usize>::Err(format!("listed {listed} of {total}").into());
                }
                done += 1;
            }
            Result::Ok(done)
        })
    });
    let mut done = 0;
    for client in futures::future::join_all(clients).await {
        done += client??;
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

/// Runs the comparison with `servers` (name, daemon) of `n` torrents each.
pub(crate) async fn measure(
    binary: &Path,
    servers: &[(String, BackendConfig)],
    n: usize,
    rounds: usize,
    warmups: usize,
) -> Result<()> {
    let total = servers.len() * n;
    let database = FreshDatabase::create().await?;
    let key = master_key()?;
    let env = [
        ("TM_DATABASE_URL", database.url.as_str()),
        ("TM_MASTER_KEY", key.as_str()),
    ];
    let (dir_a, dir_b) = (tempfile::tempdir()?, tempfile::tempdir()?);
    // The first instance makes the schema; the second starts on it.
    let (instance_a, url_a) = server_process::start(binary, dir_a.path(), &env).await?;
    let (instance_b, url_b) = server_process::start(binary, dir_b.path(), &env).await?;
    let direct_a = Api::logged_in(&url_a).await?;
    direct_a.allow_loopback_targets().await?;
    let direct_b = Api::existing_user(&url_b).await?;
    for (name, config) in servers {
        direct_a.register(name, config).await?;
    }
    let ready_a = wait_for_total(&direct_a, total).await?;
    let ready_b = wait_for_total(&direct_b, total).await?;
    println!(
        "\ntwo instances on one PostgreSQL database list all {total} torrents: A after {:.1} s, B after {:.1} s",
        ready_a.as_secs_f64(),
        ready_b.as_secs_f64()
    );
    match wait_until_settled(&direct_a).await? {
        Some(after) => println!(
            "the list stopped changing (the daemons checked their new torrents) after {:.0} s more",
            after.as_secs_f64()
        ),
        None => println!(
            "the list still changed after {} s: measuring anyway (each change is compressed anew by each instance)",
            SETTLE_WITHIN.as_secs()
        ),
    }

    let to_one = NginxBalancer::start(&[port_of(&url_a)?]).await?;
    let to_two = NginxBalancer::start(&[port_of(&url_a)?, port_of(&url_b)?]).await?;
    let via_one = Api::existing_user(&to_one.url()).await?;
    let via_two = Api::existing_user(&to_two.url()).await?;

    let mut results = Results::default();
    let label = |what: &str| format!("GET /torrents ({total}) {what}");
    results.declare("A", label("instance A directly"));
    results.declare("B", label("instance B directly"));
    results.declare("one", label("nginx → A"));
    results.declare("two", label("nginx → A, B"));
    results.declare("one_gz", label("nginx → A, gzip"));
    results.declare("two_gz", label("nginx → A, B, gzip"));
    println!(
        "measuring: {} rounds (2 requests per side and round, so nginx alternates A and B)…",
        warmups + rounds
    );
    for round in 0..warmups + rounds {
        let m = round >= warmups;
        for (key, api, coding) in [
            ("A", &direct_a, None),
            ("B", &direct_b, None),
            ("one", &via_one, None),
            ("two", &via_two, None),
            ("one_gz", &via_one, Some("gzip")),
            ("two_gz", &via_two, Some("gzip")),
        ] {
            for _ in 0..2 {
                let (t, listed, _) = api.get_timed("/torrents", coding).await?;
                if listed != total {
                    return Err(format!("{key}: listed {listed} of {total}").into());
                }
                results.record(m, key, t.elapsed, t.bytes);
            }
        }
    }
    let mut one_rate = 0.0;
    let mut two_rate = 0.0;
    for _ in 0..2 {
        one_rate += throughput(&via_one, total).await?;
        two_rate += throughput(&via_two, total).await?;
    }
    let (one_rate, two_rate) = (one_rate / 2.0, two_rate / 2.0);

    results.print();
    println!(
        "\nthroughput, {CLIENTS} clients, gzip, 2 × {} s each: nginx → A {one_rate:.1} req/s, nginx → A, B {two_rate:.1} req/s",
        THROUGHPUT_RUN.as_secs()
    );
    let ratios = [
        (
            "latency, two / one instance (plain)",
            results.median("two") / results.median("one"),
        ),
        (
            "latency, two / one instance (gzip)",
            results.median("two_gz") / results.median("one_gz"),
        ),
        ("throughput, one / two instances", one_rate / two_rate),
    ];
    println!("\n{:<48} {:>7}  target", "ratio (of medians)", "value");
    println!("{}", "-".repeat(72));
    let mut failed = 0;
    for (label, value) in ratios {
        let pass = value <= TARGET;
        failed += usize::from(!pass);
        println!(
            "{label:<48} {value:>7.3}  <= {TARGET} {}",
            if pass { "PASS" } else { "FAIL" }
        );
    }
    println!(
        "{}",
        if failed == 0 {
            "All targets met.".to_owned()
        } else {
            format!("{failed} target(s) NOT met.")
        }
    );

    drop((via_one, via_two, to_one, to_two));
    drop((instance_a, instance_b));
    // The instances are killed on drop; give them a moment to let go of
    // their connections before the database goes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    database.drop_it().await
}
