//! `tm-bench`: how long listing 5,000 torrents takes, at every layer, against
//! a real transmission-daemon, rtorrent, qbittorrent-nox and deluged (over
//! its own RPC and behind deluge-web) on loopback.
//!
//! ```sh
//! cargo run --release -p tm-bench -- --torrents 5000           # the issue's run
//! cargo run --release -p tm-bench -- --torrents 500 --rounds 5 # a quick look
//! ```
//!
//! Needs `transmission-daemon`, `rtorrent`, `qbittorrent-nox`, `deluged` and
//! `deluge-web` on `PATH` (Debian packages of the same names). In one run it:
//!
//! 1. starts both daemons (tm-testkit, temporary directories,
//!    killed on exit), generates N tiny distinct single-file torrents in memory
//!    (each announcing to `http://127.0.0.1:1/announce`, as rTorrent with DHT
//!    off drops torrents without a tracker) and loads them paused: Transmission
//!    through the adapter's `add` (4 at a time), rTorrent with `load.raw`
//!    batched in `system.multicall`;
//! 2. measures, interleaved, R rounds after W warm-ups:
//!    - (a) the daemon's list call made directly with the adapter's exact
//!      request (Transmission `torrent-get`, 23 fields, `format: table`, over
//!      keep-alive HTTP; rTorrent `d.multicall2` with 24 commands over SCGI),
//!      timed to the last byte and not parsed — plus the same with a minimal
//!      parse, and for Transmission also with `Accept-Encoding: gzip` as the
//!      adapter's reqwest client sends it;
//!    - (b) the adapter's `list()` (fetch + parse + normalise);
//!    - the fan-out: 5 servers (the Transmission daemon registered 3 times,
//!      the rTorrent daemon 2 times) listed in parallel, raw and by adapters;
//! 3. starts tm-server in-process (127.0.0.1:0, temporary data directory),
//!    registers the daemons and, once the snapshots hold all N torrents,
//!    measures (c) `GET /torrents?server_id=…` and then, with all 5 servers
//!    registered, (d) `GET /torrents` returning 5 × N torrents;
//! 4. does the same for qBittorrent and Deluge (`other_kinds.rs`);
//! 5. prints medians, p90s, sizes and the issue's ratios with PASS/FAIL.
//!
//! It exits 0 whether or not a target is met: it is a measurement.
//! `--skip-server` stops after step 2 (handy under `perf record`).
//! `--memory <torrent-manager binary>` measures that server's memory in a
//! process of its own, idle and with the N torrents, instead (`memory.rs`).
//! `--instances <torrent-manager binary>` compares `GET /torrents` over the
//! 5 servers through nginx to two instances of it on one PostgreSQL database
//! (`TM_TEST_PG_URL`) with the same through nginx to one, instead
//! (`instances.rs`; needs `nginx` too).

mod api;
mod instances;
mod memory;
mod other_kinds;
mod raw;
mod results;
mod seeding;
mod server_process;
mod torrents;

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tm_backends::{BackendConfig, TorrentClient, connect};
use tm_testkit::{InProcessServer, RtorrentDaemon, ScgiListener, TransmissionDaemon};

use api::Api;
use raw::{HttpMode, TransmissionRaw};
use results::Results;
use seeding::{load_rtorrent, load_with_adapter, named};

type Result<T, E = Box<dyn Error + Send + Sync>> = std::result::Result<T, E>;

/// rTorrent `load.raw` calls per `system.multicall`.
pub(crate) const RTORRENT_LOAD_BATCH: usize = 250;
/// Transmission `torrent-add` requests in flight.
pub(crate) const TRANSMISSION_LOAD_CONCURRENCY: usize = 4;
/// The fan-out: how many times each daemon is registered.
const TRANSMISSION_COPIES: usize = 3;
const RTORRENT_COPIES: usize = 2;

struct Args {
    torrents: usize,
    rounds: usize,
    warmups: usize,
    skip_server: bool,
    memory: Option<std::path::PathBuf>,
    instances: Option<std::path::PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        torrents: 5000,
        rounds: 15,
        warmups: 2,
        skip_server: false,
        memory: None,
        instances: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut number = |name: &str| -> Result<usize> {
            let value = it.next().ok_or_else(|| format!("{name} needs a value"))?;
            Ok(value.parse().map_err(|_| format!("{name}: not a number"))?)
        };
        match flag.as_str() {
            "--torrents" => args.torrents = number("--torrents")?,
            "--rounds" => args.rounds = number("--rounds")?.max(1),
            "--warmups" => args.warmups = number("--warmups")?,
            "--skip-server" => args.skip_server = true,
            "--memory" => {
                args.memory = Some(it.next().ok_or("--memory needs a binary")?.into());
            }
            "--instances" => {
                args.instances = Some(it.next().ok_or("--instances needs a binary")?.into());
            }
            "-h" | "--help" => {
                println!(
                    "usage: tm-bench [--torrents N (5000)] [--rounds R (15)] [--warmups W (2)] [--skip-server] [--memory BINARY] [--instances BINARY]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)").into()),
        }
    }
    Ok(args)
}

// ------------------------------------------------------------------ statistics

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let n = args.torrents;
    println!(
        "tm-bench: {n} torrents, {} rounds after {} warm-ups, {} CPUs",
        args.rounds,
        args.warmups,
        std::thread::available_parallelism().map_or(0, |p| p.get())
    );

    // -- setup
    let (transmission, rtorrent) = tokio::join!(
        TransmissionDaemon::start(),
        RtorrentDaemon::start(ScgiListener::Tcp)
    );
    let (transmission, rtorrent) = (transmission?, rtorrent?);
    let t_config = transmission.config();
    let r_config = rtorrent.config();
    let r_address = format!("127.0.0.1:{}", rtorrent.scgi_port.ok_or("no SCGI port")?);
    let t_url = format!(
        "http://127.0.0.1:{}/transmission/rpc",
        transmission.rpc_port
    );

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64;
    let generated = Instant::now();
    let files = torrents::generate(n, seed);
    println!(
        "generated {n} torrents in {:.0} ms ({} bytes each on average)",
        generated.elapsed().as_secs_f64() * 1000.0,
        files.iter().map(Vec::len).sum::<usize>() / n.max(1)
    );
    let t_load = load_with_adapter(&t_config, &files).await?;
    println!(
        "Transmission: {n} loaded paused in {:.2} s (torrent-add via the adapter, {TRANSMISSION_LOAD_CONCURRENCY} in flight; {:.2} ms each)",
        t_load.as_secs_f64(),
        t_load.as_secs_f64() * 1000.0 / n.max(1) as f64
    );
    if let Some(binary) = &args.memory {
        return memory::measure(binary, &t_config, n).await;
    }
    let r_load = load_rtorrent(&r_address, &files).await?;
    println!(
        "rTorrent:     {n} loaded (not started) in {:.2} s (load.raw, {RTORRENT_LOAD_BATCH} per system.multicall; {:.2} ms each)",
        r_load.as_secs_f64(),
        r_load.as_secs_f64() * 1000.0 / n.max(1) as f64
    );
    if let Some(binary) = &args.instances {
        let servers = fan_out_configs(&t_config, &r_config);
        return instances::measure(binary, &servers, n, args.rounds, args.warmups).await;
    }
    let others = other_kinds::load(&files).await?;
    drop(files);

    // -- (a), (b) and the fan-out, before tm-server runs (its pollers would interfere)
    let direct = |mode| {
        TransmissionRaw::new(
            t_url.clone(),
            transmission.username.clone(),
            transmission.password.clone(),
            mode,
        )
    };
    let t_plain = direct(HttpMode::Identity).await?;
    let t_gzip = direct(HttpMode::Gzip).await?;
    let t_fresh = direct(HttpMode::IdentityFreshConnection).await?;
    let (gzip_wire, gzip_encoding) = t_plain.wire_size_with_gzip().await?;
    let r_body = raw::rtorrent_list_body();
    let t_adapter = connect(&t_config)?;
    let r_adapter = connect(&r_config)?;
    let t_version = t_adapter.probe().await?.version;
    let r_version = r_adapter.probe().await?.version;
    println!("daemons: Transmission {t_version}, rTorrent {r_version}");
    let fleet: Vec<Arc<dyn TorrentClient>> = (0..TRANSMISSION_COPIES)
        .map(|i| connect(&named(&t_config, format!("transmission-{i}"))))
        .chain((0..RTORRENT_COPIES).map(|i| connect(&named(&r_config, format!("rtorrent-{i}")))))
        .collect::<Result<_, _>>()?;
    let fleet_size = fleet.len();

    let mut results = Results::default();
    results.declare("aT", "(a)  Transmission torrent-get, raw (identity)");
    results.declare(
        "aTgz",
        "(a') Transmission torrent-get, raw, gzip (as for remote servers)",
    );
    results.declare(
        "aTnew",
        "(a'') Transmission torrent-get, raw, new connection",
    );
    results.declare("aTp", "(a+p) Transmission raw + serde_json::Value parse");
    results.declare("bT", "(b)  Transmission adapter list()");
    results.declare("aR", "(a)  rTorrent d.multicall2, raw SCGI");
    results.declare("aRp", "(a+p) rTorrent raw + minimal quick-xml parse");
    results.declare("bR", "(b)  rTorrent adapter list()");
    results.declare("a5", "fan-out: 5 raw list calls in parallel (3 T + 2 R)");
    results.declare("b5join", "fan-out: 5 adapter list() in one join_all");
    results.declare(
        "b5spawn",
        "fan-out: 5 adapter list() as 5 tasks (as pollers)",
    );
    results.note(
        "aTgz",
        match &gzip_encoding {
            Some(encoding) => format!("(wire: {gzip_wire} B {encoding})"),
            None => "(daemon did not compress)".to_owned(),
        },
    );

    let total_rounds = args.warmups + args.rounds;
    println!("\nmeasuring (a), (b) and the adapter fan-out: {total_rounds} rounds…");
    for round in 0..total_rounds {
        let m = round >= args.warmups;

        let (t, body) = t_plain.list().await?;
        results.record(m, "aT", t.elapsed, t.bytes);
        let parse = Instant::now();
        let rows = raw::parse_transmission(&body);
        results.record(m, "aTp", t.elapsed + parse.elapsed(), t.bytes);
        assert_eq!(rows, n, "torrent-get rows");

        let (t, _) = t_gzip.list().await?;
        results.record(m, "aTgz", t.elapsed, t.bytes);

        let (t, _) = t_fresh.list().await?;
        results.record(m, "aTnew", t.elapsed, t.bytes);

        let start = Instant::now();
        let listed = t_adapter.list().await?;
        results.record(m, "bT", start.elapsed(), listed.len());
        assert_eq!(listed.len(), n, "Transmission adapter list");
        drop(listed);

        let (t, reply) = raw::scgi(&r_address, &r_body).await?;
        results.record(m, "aR", t.elapsed, t.bytes);
        let parse = Instant::now();
        let (rows, values) = raw::parse_rtorrent(&reply);
        results.record(m, "aRp", t.elapsed + parse.elapsed(), t.bytes);
        assert_eq!(
            (rows, values),
            (n, n * tm_backends::list_request::RTORRENT_COMMANDS.len()),
            "d.multicall2 rows"
        );
        drop(reply);

        let start = Instant::now();
        let listed = r_adapter.list().await?;
        results.record(m, "bR", start.elapsed(), listed.len());
        assert_eq!(listed.len(), n, "rTorrent adapter list");
        drop(listed);

        let start = Instant::now();
        let raw_calls = futures::future::join_all(
            (0..TRANSMISSION_COPIES)
                .map(|_| {
                    Box::pin(async { t_plain.list().await.map(|(t, _)| t.bytes).map_err(box_err) })
                        as futures::future::BoxFuture<'_, Result<usize>>
                })
                .chain((0..RTORRENT_COPIES).map(|_| {
                    Box::pin(async {
                        raw::scgi(&r_address, &r_body)
                            .await
                            .map(|(t, _)| t.bytes)
                            .map_err(box_err)
                    }) as futures::future::BoxFuture<'_, Result<usize>>
                })),
        )
        .await;
        let elapsed = start.elapsed();
        let bytes = raw_calls.into_iter().collect::<Result<Vec<_>>>()?;
        results.record(m, "a5", elapsed, bytes.iter().sum());

        let start = Instant::now();
        let lists = futures::future::join_all(fleet.iter().map(|c| c.list())).await;
        let elapsed = start.elapsed();
        let count: usize = lists
            .into_iter()
            .map(|l| l.map(|l| l.len()))
            .sum::<Result<_, _>>()?;
        results.record(m, "b5join", elapsed, count);
        assert_eq!(count, fleet_size * n, "fan-out lists");

        let start = Instant::now();
        let tasks: Vec<_> = fleet
            .iter()
            .map(|c| {
                let c = Arc::clone(c);
                tokio::spawn(async move { c.list().await.map(|l| l.len()) })
            })
            .collect();
        let mut count = 0;
        for task in tasks {
            count += task.await??;
        }
        results.record(m, "b5spawn", start.elapsed(), count);
    }
    for key in ["bT", "bR"] {
        results.note(key, "(bytes column: torrents)");
    }
    for key in ["b5join", "b5spawn"] {
        results.note(key, "(bytes column: torrents)");
    }

    let other_ratios = other_kinds::measure(&args, &others, &mut results).await?;

    // -- (c) and (d): the snapshot-served API
    let mut server_phase = None;
    if !args.skip_server {
        server_phase = Some(
            measure_server(
                &args,
                &t_config,
                &r_config,
                TRANSMISSION_COPIES,
                RTORRENT_COPIES,
                &mut results,
            )
            .await?,
        );
    }

    // -- report
    println!(
        "\n=== tm-bench results: {n} torrents per daemon, {} rounds, loopback ===",
        args.rounds
    );
    println!(
        "load: Transmission {:.2} s, rTorrent {:.2} s",
        t_load.as_secs_f64(),
        r_load.as_secs_f64()
    );
    if let Some(phase) = &server_phase {
        println!(
            "tm-server: registration → snapshot holding all torrents: Transmission {:.2} s, rTorrent {:.2} s",
            phase.t_ready.as_secs_f64(),
            phase.r_ready.as_secs_f64()
        );
    }
    results.print();

    let a_t = results.median("aT");
    let a_r = results.median("aR");
    let max_a = a_t.max(a_r);
    let mut ratios: Vec<(String, f64, Option<f64>)> = vec![
        (
            "b/a   Transmission".into(),
            results.median("bT") / a_t,
            Some(1.1),
        ),
        (
            "b/a   rTorrent".into(),
            results.median("bR") / a_r,
            Some(1.1),
        ),
        (
            "b/a'  Transmission (a' = raw with gzip, as for remote servers)".into(),
            results.median("bT") / results.median("aTgz"),
            None,
        ),
        (
            "b/a'' Transmission (a'' = raw, new connection per call)".into(),
            results.median("bT") / results.median("aTnew"),
            None,
        ),
        (
            "b/(a+p) Transmission".into(),
            results.median("bT") / results.median("aTp"),
            None,
        ),
        (
            "b/(a+p) rTorrent".into(),
            results.median("bR") / results.median("aRp"),
            None,
        ),
    ];
    if server_phase.is_some() {
        ratios.extend([
            (
                "c/a   Transmission".into(),
                results.median("cT") / a_t,
                Some(0.1),
            ),
            (
                "c/a   rTorrent".into(),
                results.median("cR") / a_r,
                Some(0.1),
            ),
            (
                "c'/c  Transmission, gzip / uncompressed".into(),
                results.median("cTgz") / results.median("cT"),
                Some(1.5),
            ),
            (
                "c'/c  Transmission, zstd / uncompressed".into(),
                results.median("cTzstd") / results.median("cT"),
                Some(1.5),
            ),
            (
                format!("d/max(a)   d = GET /torrents over {fleet_size} servers"),
                results.median("d") / max_a,
                Some(1.1),
            ),
        ]);
    }
    ratios.extend([
        (
            format!("fan-out: {fleet_size} adapter lists (tasks) / max(a)"),
            results.median("b5spawn") / max_a,
            None,
        ),
        (
            format!("fan-out: {fleet_size} adapter lists (tasks) / {fleet_size} raw calls in parallel"),
            results.median("b5spawn") / results.median("a5"),
            None,
        ),
        (
            format!("fan-out: {fleet_size} adapter lists (join_all) / {fleet_size} raw calls in parallel"),
            results.median("b5join") / results.median("a5"),
            None,
        ),
    ]);
    ratios.extend(other_ratios);
    println!("\n{:<72} {:>7}  target", "ratio (of medians)", "value");
    println!("{}", "-".repeat(96));
    let mut failed = 0;
    for (label, value, target) in &ratios {
        let verdict = match target {
            Some(limit) => {
                let pass = *value <= *limit;
                failed += usize::from(!pass);
                format!("<= {limit:<5} {}", if pass { "PASS" } else { "FAIL" })
            }
            None => "(informative)".to_owned(),
        };
        println!("{label:<72} {value:>7.3}  {verdict}");
    }
    println!(
        "\nmax(a) = {max_a:.2} ms (the slowest single daemon's raw list call). {}",
        if failed == 0 {
            "All targets met.".to_owned()
        } else {
            format!("{failed} target(s) NOT met.")
        }
    );

    if let Some(phase) = server_phase {
        phase.server.stop().await?;
    }
    drop((transmission, rtorrent, others));
    Ok(())
}

/// The fan-out registered as servers: each daemon under several names.
fn fan_out_configs(
    t_config: &BackendConfig,
    r_config: &BackendConfig,
) -> Vec<(String, BackendConfig)> {
    (0..TRANSMISSION_COPIES)
        .map(|i| (format!("transmission-{}", i + 1), t_config.clone()))
        .chain((0..RTORRENT_COPIES).map(|i| (format!("rtorrent-{}", i + 1), r_config.clone())))
        .collect()
}

fn box_err(e: impl Error + Send + Sync + 'static) -> Box<dyn Error + Send + Sync> {
    Box::new(e)
}

struct ServerPhase {
    server: InProcessServer,
    t_ready: Duration,
    r_ready: Duration,
}

async fn measure_server(
    args: &Args,
    t_config: &BackendConfig,
    r_config: &BackendConfig,
    t_copies: usize,
    r_copies: usize,
    results: &mut Results,
) -> Result<ServerPhase> {
    let n = args.torrents;
    let (server, api) = Api::start_server().await?;

    let t_id = api.register("transmission-1", t_config).await?;
    let t_ready = api.wait_for_count(&t_id, n).await?;
    let r_id = api.register("rtorrent-1", r_config).await?;
    let r_ready = api.wait_for_count(&r_id, n).await?;

    results.declare("cT", "(c)  GET /torrents?server_id=<Transmission>");
    results.declare("cR", "(c)  GET /torrents?server_id=<rTorrent>");
    results.declare(
        "cTgz",
        "(c') GET /torrents?server_id=<Transmission>, Accept-Encoding: gzip",
    );
    results.declare(
        "cTzstd",
        "(c') GET /torrents?server_id=<Transmission>, Accept-Encoding: zstd",
    );
    let total_rounds = args.warmups + args.rounds;
    println!("measuring (c): {total_rounds} rounds…");
    let t_path = format!("/torrents?server_id={t_id}");
    let r_path = format!("/torrents?server_id={r_id}");
    for round in 0..total_rounds {
        let m = round >= args.warmups;
        for (key, path, coding) in [
            ("cT", &t_path, None),
            ("cR", &r_path, None),
            ("cTgz", &t_path, Some("gzip")),
            ("cTzstd", &t_path, Some("zstd")),
        ] {
            let (t, total, body) = api.get_timed(path, coding).await?;
            results.record(m, key, t.elapsed, t.bytes);
            assert_eq!(total, n, "{path}: X-Total-Count");
            if round == 0 && coding.is_none() {
                let items: Vec<Value> = serde_json::from_slice(&body)?;
                assert_eq!(items.len(), n, "{path}: items");
            }
        }
    }

    let mut ids = vec![t_id, r_id];
    for i in 1..t_copies {
        ids.push(
            api.register(&format!("transmission-{}", i + 1), t_config)
                .await?,
        );
    }
    for i in 1..r_copies {
        ids.push(
            api.register(&format!("rtorrent-{}", i + 1), r_config)
                .await?,
        );
    }
    for id in &ids {
        api.wait_for_count(id, n).await?;
    }
    let fleet = ids.len();
    results.declare(
        "d",
        format!("(d)  GET /torrents over {fleet} servers ({t_copies} T + {r_copies} R)"),
    );
    println!("measuring (d): {total_rounds} rounds…");
    for round in 0..total_rounds {
        let m = round >= args.warmups;
        let (t, total, body) = api.get_timed("/torrents", None).await?;
        results.record(m, "d", t.elapsed, t.bytes);
        assert_eq!(total, fleet * n, "/torrents: X-Total-Count");
        if round == 0 {
            let items: Vec<Value> = serde_json::from_slice(&body)?;
            assert_eq!(items.len(), fleet * n, "/torrents: items");
        }
    }
    Ok(ServerPhase {
        server,
        t_ready,
        r_ready,
    })
}
