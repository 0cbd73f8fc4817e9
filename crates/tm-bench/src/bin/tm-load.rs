//! tm-load: many concurrent keep-alive connections on a mix of endpoints
//! for a bounded time, against a running server on loopback; prints the
//! figures and fails on any error.
//!
//! `TM_LOAD_KEY=tm_… tm-load --url http://127.0.0.1:8144 --connections 1000 --seconds 30`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Barrier;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

struct Args {
    url: String,
    connections: usize,
    seconds: u64,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        url: "http://127.0.0.1:8144".into(),
        connections: 1000,
        seconds: 30,
    };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let value = words.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => args.url = value,
            "--connections" => args.connections = value.parse()?,
            "--seconds" => args.seconds = value.parse()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let host = reqwest::Url::parse(&args.url)?
        .host_str()
        .unwrap_or_default()
        .to_owned();
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err("tm-load only targets loopback addresses".into());
    }
    Ok(args)
}

#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    errors: AtomicU64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let key = std::env::var("TM_LOAD_KEY").map_err(|_| "set TM_LOAD_KEY to an API key")?;
    let paths = endpoint_mix(&args.url, &key).await?;
    let tally = Arc::new(Tally::default());
    // Everyone connects first, then the clock starts.
    let ready = Arc::new(Barrier::new(args.connections + 1));
    let duration = Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for worker in 0..args.connections {
        let (url, key, paths) = (args.url.clone(), key.clone(), paths.clone());
        let (tally, ready) = (Arc::clone(&tally), Arc::clone(&ready));
        tasks.push(tokio::spawn(async move {
            // One client each: one keep-alive connection per worker.
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(30))
                .build()?;
            let mut latencies = Vec::new();
            let first = connect(&client, &url, worker).await;
            ready.wait().await;
            let deadline = Instant::now() + duration;
            let mut turn = worker;
            if first.is_none() {
                tally.errors.fetch_add(1, Ordering::Relaxed);
            }
            while first.is_some() && Instant::now() < deadline {
                let started = Instant::now();
                fetch(&client, &url, &key, &paths[turn % paths.len()], &tally).await;
                latencies.push(started.elapsed());
                turn += 1;
            }
            Result::Ok(latencies)
        }));
    }
    ready.wait().await;
    let started = Instant::now();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q) as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let requests = tally.requests.load(Ordering::Relaxed);
    let errors = tally.errors.load(Ordering::Relaxed);
    println!(
        "tm-load: {} connections for {elapsed:.1} s over {} endpoints: {requests} requests ({:.0}/s), {errors} errors; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        args.connections,
        paths.len(),
        requests as f64 / elapsed,
        at(0.5),
        at(0.99),
        at(1.0),
    );
    if errors > 0 || requests == 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Opens the worker's connection before the clock starts. A thousand
/// connects at once can overflow the listen backlog, which measures the
/// kernel rather than the server: they are spread over a second and retried.
async fn connect(client: &reqwest::Client, url: &str, worker: usize) -> Option<()> {
    tokio::time::sleep(Duration::from_millis((worker % 100) as u64 * 10)).await;
    for attempt in 0..5u64 {
        match client.get(format!("{url}/health")).send().await {
            Ok(response) if response.status().is_success() => {
                return response.bytes().await.ok().map(|_| ());
            }
            _ => tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await,
        }
    }
    eprintln!("worker {worker} could not connect");
    None
}

/// One request; counts it, and an error unless the answer is a success.
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    path: &str,
    tally: &Tally,
) -> Option<()> {
    tally.requests.fetch_add(1, Ordering::Relaxed);
    let answer = client
        .get(format!("{url}{path}"))
        .bearer_auth(key)
        .send()
        .await;
    let ok = match answer {
        Ok(response) if response.status().is_success() => response.bytes().await.is_ok(),
        Ok(response) => {
            eprintln!("{path}: HTTP {}", response.status());
            false
        }
        Err(error) => {
            eprintln!("{path}: {error}");
            false
        }
    };
    if ok {
        Some(())
    } else {
        tally.errors.fetch_add(1, Ordering::Relaxed);
        None
    }
}

/// The read endpoints a dashboard and scripts poll (served from the
/// snapshots), with a real torrent's page when the fleet has one.
async fn endpoint_mix(url: &str, key: &str) -> Result<Vec<String>> {
    let mut paths: Vec<String> = [
        "/health",
        "/auth/me",
        "/servers",
        "/torrents",
        "/torrents?sort=name&limit=50",
        "/torrents?state=paused&search=a",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    let torrents: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/torrents?limit=1"))
        .bearer_auth(key)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if let Some(hash) = torrents[0]["info_hash"].as_str() {
        paths.push(format!("/torrents/{hash}"));
    }
    Ok(paths)
}
