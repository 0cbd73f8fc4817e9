//! qBittorrent and Deluge (both transports), against the same N torrents:
//! loaded paused through the adapter, then, interleaved, R rounds after W
//! warm-ups of
//! - (a) the daemon's own list call made directly and timed to the last byte,
//!   not parsed: qBittorrent `GET /api/v2/torrents/info` (the adapter's
//!   request), deluge-web `core.get_torrents_status` with the adapter's
//!   fields. Deluge's daemon RPC (TLS, zlib, rencode) has no client here but
//!   ours: its (a+p) is that call through our transport, decoded to JSON;
//! - (b) the adapter's `list()` (fetch, parse, normalise);
//! - (c) `GET /torrents?server_id=…` from an in-process tm-server holding
//!   the daemon's snapshot.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tm_backends::{BackendConfig, DelugeNative, TorrentClient, connect};
use tm_testkit::{DelugeDaemon, DelugeWeb, QbittorrentDaemon};

use crate::api::Api;
use crate::raw::Timed;
use crate::results::Results;
use crate::seeding::load_with_adapter;
use crate::{Args, Result};

/// The daemons of this phase, running until dropped.
pub(crate) struct Daemons {
    qbittorrent: QbittorrentDaemon,
    deluge_web: DelugeWeb,
    deluge: DelugeDaemon,
}

/// A ratio line: label, value, target.
pub(crate) type Ratio = (String, f64, Option<f64>);

/// Starts the daemons and loads `files` into qBittorrent and Deluge.
pub(crate) async fn load(files: &[Vec<u8>]) -> Result<Daemons> {
    let (qbittorrent, deluge) =
        tokio::join!(QbittorrentDaemon::start(), DelugeDaemon::start(false));
    let (qbittorrent, deluge) = (qbittorrent?, deluge?);
    let deluge_web = DelugeWeb::start(&deluge).await?;
    let n = files.len();
    for (name, config) in [
        ("qBittorrent", qbittorrent.config()),
        ("Deluge", deluge.config()),
    ] {
        let took = load_with_adapter(&config, files).await?;
        let client = connect(&config)?;
        wait_for_count(client.as_ref(), n).await?;
        println!(
            "{name}: {n} loaded paused in {:.2} s through the adapter's add ({:.2} ms each)",
            took.as_secs_f64(),
            took.as_secs_f64() * 1000.0 / n.max(1) as f64
        );
    }
    Ok(Daemons {
        qbittorrent,
        deluge_web,
        deluge,
    })
}

/// Some clients answer an add before the torrent is listed.
async fn wait_for_count(client: &dyn TorrentClient, n: usize) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let listed = client.list().await?.len();
        if listed >= n {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{} lists {listed} of {n} torrents", client.server_label()).into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One direct list call: what it sends and to whom.
enum DirectList {
    Qbittorrent { http: reqwest::Client, url: String },
    DelugeWeb { http: reqwest::Client, url: String },
    DelugeRpc(Box<DelugeNative>),
}

impl DirectList {
    async fn qbittorrent(daemon: &QbittorrentDaemon) -> Result<Self> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .no_gzip()
            .build()?;
        let base = format!("http://127.0.0.1:{}/api/v2", daemon.web_port);
        let login = http
            .post(format!("{base}/auth/login"))
            .form(&[
                ("username", &daemon.username),
                ("password", &daemon.password),
            ])
            .send()
            .await?
            .text()
            .await?;
        if login.trim() != "Ok." {
            return Err(format!("qBittorrent login: {login}").into());
        }
        Ok(Self::Qbittorrent {
            http,
            url: format!("{base}/torrents/info"),
        })
    }

    async fn deluge_web(web: &DelugeWeb) -> Result<Self> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .no_gzip()
            .build()?;
        let url = format!("http://127.0.0.1:{}/json", web.port);
        for (method, params) in [
            ("auth.login", json!([web.password])),
            ("web.connected", json!([])),
        ] {
            let answer: Value = http
                .post(&url)
                .json(&json!({"method": method, "params": params, "id": 1}))
                .send()
                .await?
                .json()
                .await?;
            if answer["result"] != true {
                return Err(format!("deluge-web {method}: {answer}").into());
            }
        }
        Ok(Self::DelugeWeb { http, url })
    }

    /// The call, timed to the last byte; also the number of torrents in it
    /// when `count` (a parse outside the timing).
    async fn list(&self, count: bool) -> Result<(Timed, Option<usize>)> {
        let fields = tm_backends::list_request::DELUGE_FIELDS;
        let start = Instant::now();
        let body = match self {
            Self::Qbittorrent { http, url } => http.get(url).send().await?.bytes().await?,
            Self::DelugeWeb { http, url } => {
                let request =
                    json!({"method": "core.get_torrents_status", "params": [{}, fields], "id": 2});
                http.post(url).json(&request).send().await?.bytes().await?
            }
            Self::DelugeRpc(rpc) => {
                let status = rpc
                    .call(
                        "core.get_torrents_status",
                        vec![json!({}), json!(fields)],
                        Map::new(),
                    )
                    .await?;
                let elapsed = start.elapsed();
                let torrents = status.as_object().map(Map::len);
                return Ok((Timed { elapsed, bytes: 0 }, torrents));
            }
        };
        let elapsed = start.elapsed();
        let torrents = if count {
            let value: Value = serde_json::from_slice(&body)?;
            match self {
                Self::DelugeWeb { .. } => value["result"].as_object().map(Map::len),
                _ => value.as_array().map(Vec::len),
            }
        } else {
            None
        };
        Ok((
            Timed {
                elapsed,
                bytes: body.len(),
            },
            torrents,
        ))
    }
}

/// One client and transport measured, with its result keys.
struct Subject {
    name: &'static str,
    /// Result keys of (a), (b), (c).
    keys: [&'static str; 3],
    config: BackendConfig,
    direct: DirectList,
}

impl Subject {
    /// Deluge's daemon RPC: (a) is our transport's call, decoded.
    fn decoded(&self) -> bool {
        matches!(self.direct, DirectList::DelugeRpc(_))
    }
}

/// (a), (b) and, unless skipped, (c) for each client and transport; the ratios.
pub(crate) async fn measure(
    args: &Args,
    daemons: &Daemons,
    results: &mut Results,
) -> Result<Vec<Ratio>> {
    let n = args.torrents;
    let rpc_config = daemons.deluge.config();
    let subjects = [
        Subject {
            name: "qBittorrent",
            keys: ["aQ", "bQ", "cQ"],
            config: daemons.qbittorrent.config(),
            direct: DirectList::qbittorrent(&daemons.qbittorrent).await?,
        },
        Subject {
            name: "Deluge (deluge-web)",
            keys: ["aW", "bW", "cW"],
            config: daemons.deluge_web.config(),
            direct: DirectList::deluge_web(&daemons.deluge_web).await?,
        },
        Subject {
            name: "Deluge (daemon RPC)",
            keys: ["aD", "bD", "cD"],
            direct: DirectList::DelugeRpc(Box::new(DelugeNative::new(
                &rpc_config,
                "bench-deluge",
            )?)),
            config: rpc_config,
        },
    ];
    let mut adapters = Vec::new();
    for subject in &subjects {
        let adapter = connect(&subject.config)?;
        let info = adapter.probe().await?;
        println!("{}: {} {}", subject.name, info.client, info.version);
        let [a, b, _] = subject.keys;
        if subject.decoded() {
            results.declare(
                a,
                format!(
                    "(a+p) {} core.get_torrents_status via our transport, decoded",
                    subject.name
                ),
            );
            results.note(a, "(bytes column: torrents)");
        } else {
            results.declare(a, format!("(a)  {} list call, raw", subject.name));
        }
        results.declare(b, format!("(b)  {} adapter list()", subject.name));
        results.note(b, "(bytes column: torrents)");
        adapters.push(adapter);
    }

    let total_rounds = args.warmups + args.rounds;
    println!("\nmeasuring (a) and (b) for qBittorrent and Deluge: {total_rounds} rounds…");
    for round in 0..total_rounds {
        let m = round >= args.warmups;
        for (subject, adapter) in subjects.iter().zip(&adapters) {
            let [a, b, _] = subject.keys;
            let (t, torrents) = subject.direct.list(round == 0).await?;
            let size = if subject.decoded() {
                torrents.unwrap_or(0)
            } else {
                t.bytes
            };
            results.record(m, a, t.elapsed, size);
            if let Some(torrents) = torrents {
                assert_eq!(torrents, n, "{}: direct list", subject.name);
            }
            let start = Instant::now();
            let listed = adapter.list().await?;
            results.record(m, b, start.elapsed(), listed.len());
            assert_eq!(listed.len(), n, "{}: adapter list", subject.name);
        }
    }
    if !args.skip_server {
        measure_served(args, &subjects, results).await?;
    }

    let mut ratios = Vec::new();
    for subject in &subjects {
        let [a, b, c] = subject.keys;
        let (a_name, target) = if subject.decoded() {
            ("(a+p)", None)
        } else {
            ("a", Some(1.1))
        };
        ratios.push((
            format!("b/{a_name} {}", subject.name),
            results.median(b) / results.median(a),
            target,
        ));
        if !args.skip_server {
            let target = target.map(|_| 0.1);
            ratios.push((
                format!("c/{a_name} {}", subject.name),
                results.median(c) / results.median(a),
                target,
            ));
        }
    }
    Ok(ratios)
}

/// (c): each daemon registered with an in-process tm-server.
async fn measure_served(args: &Args, subjects: &[Subject], results: &mut Results) -> Result<()> {
    let n = args.torrents;
    let (server, api) = Api::start_server().await?;
    let mut paths = Vec::new();
    for subject in subjects {
        let id = api.register(subject.name, &subject.config).await?;
        let ready = api.wait_for_count(&id, n).await?;
        println!(
            "tm-server: {} registered → snapshot holding all torrents in {:.2} s",
            subject.name,
            ready.as_secs_f64()
        );
        let c = subject.keys[2];
        results.declare(
            c,
            format!("(c)  GET /torrents?server_id=<{}>", subject.name),
        );
        paths.push((c, format!("/torrents?server_id={id}")));
    }
    let total_rounds = args.warmups + args.rounds;
    println!("measuring (c) for qBittorrent and Deluge: {total_rounds} rounds…");
    for round in 0..total_rounds {
        let m = round >= args.warmups;
        for (key, path) in &paths {
            let (t, total, _) = api.get_timed(path, None).await?;
            results.record(m, key, t.elapsed, t.bytes);
            assert_eq!(total, n, "{path}: X-Total-Count");
        }
    }
    server.stop().await?;
    Ok(())
}
