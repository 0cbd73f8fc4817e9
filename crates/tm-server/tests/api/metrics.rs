//! `GET /metrics`: what a Prometheus scrape sees of a real Transmission
//! (up, torrents by state as the API lists them, down once the daemon dies),
//! of the requests served and of open live-update streams; and who may scrape.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tm_api_types::TorrentState;
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::events::EventReader;
use crate::harness::{Api, Db, TestApp, on_both_databases, spawn};

/// One sample line of the text exposition: `name{labels} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A parsed scrape.
#[derive(Debug)]
struct Scrape(Vec<Sample>);

impl Scrape {
    fn parse(text: &str) -> Scrape {
        Scrape(
            text.lines()
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(|line| parse_sample(line).unwrap_or_else(|| panic!("bad line: {line:?}")))
                .collect(),
        )
    }

    /// The value of the series `name` with exactly `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.0
            .iter()
            .find(|s| s.name == name && s.labels == wanted)
            .map(|s| s.value)
    }
}

fn parse_sample(line: &str) -> Option<Sample> {
    let mut chars = line.chars().peekable();
    let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '{' && *c != ' ')).collect();
    let mut labels = BTreeMap::new();
    if chars.next_if_eq(&'{').is_some() {
        // key="value" pairs, comma-separated; values escape backslash, quote and newline.
        while chars.next_if_eq(&'}').is_none() {
            let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
            if chars.next()? != '=' || chars.next()? != '"' {
                return None;
            }
            let mut value = String::new();
            loop {
                match chars.next()? {
                    '\\' => value.push(match chars.next()? {
                        'n' => '\n',
                        other => other,
                    }),
                    '"' => break,
                    other => value.push(other),
                }
            }
            labels.insert(key, value);
            chars.next_if_eq(&',');
        }
    }
    let rest: String = chars.collect();
    let value = rest.split_whitespace().next()?.parse().ok()?;
    Some(Sample {
        name,
        labels,
        value,
    })
}

/// Scrapes with `api`'s credentials: the status, content type and body.
async fn get_metrics(api: &Api) -> (StatusCode, String, String) {
    let response = api
        .request(reqwest::Method::GET, "/metrics")
        .send()
        .await
        .expect("answered");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, response.text().await.expect("body"))
}

async fn scrape(api: &Api) -> Scrape {
    let (status, content_type, text) = get_metrics(api).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    Scrape::parse(&text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_follows_servers_requests_and_streams() {
    let Some(daemon) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let admin = app.user("root").await;
    // A name that needs escaping in a label value.
    let name = r#"seed "box" \ 1"#;
    let server_id = register(&admin, name, &daemon.config).await;
    let server = [
        ("server_id", server_id.as_str()),
        ("server", name),
        ("kind", "transmission"),
    ];
    let scratch = tempfile::tempdir().unwrap();
    for (n, start) in [(0, false), (1, false), (2, true)] {
        let torrent = TestTorrent::single_file(
            scratch.path(),
            &format!("m{n}.bin"),
            40_000,
            Some("http://127.0.0.1:1/announce"),
        )
        .unwrap();
        let query = format!("?server_id={server_id}&start={start}");
        let (status, body) = upload(&admin, &query, "m.torrent", torrent.bytes).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // The counts per state are the API's own, state for state (zeros too),
    // once a scrape and the list agree on a settled server.
    let counted = wait_until(Duration::from_secs(20), || async {
        let (_, list) = admin.get(&format!("/torrents?server_id={server_id}")).await;
        let mut listed: HashMap<String, f64> = HashMap::new();
        for torrent in list.as_array().unwrap() {
            *listed
                .entry(torrent["state"].as_str().unwrap().to_string())
                .or_default() += 1.0;
        }
        let scraped = scrape(&admin).await;
        let agree = listed.values().sum::<f64>() == 3.0
            && TorrentState::ALL.iter().all(|state| {
                let mut labels = server.to_vec();
                labels.push(("state", state.as_str()));
                scraped.value("tm_server_torrents", &labels)
                    == Some(listed.get(state.as_str()).copied().unwrap_or(0.0))
            });
        agree.then_some(scraped)
    })
    .await
    .expect("the scraped counts per state match the list");
    assert_eq!(counted.value("tm_server_up", &server), Some(1.0));
    for rate in [
        "tm_server_download_rate_bytes",
        "tm_server_upload_rate_bytes",
    ] {
        assert!(counted.value(rate, &server).is_some(), "{rate}");
    }
    assert_eq!(
        counted.value("tm_server_size_bytes", &server),
        Some(120_000.0)
    );
    let polled = counted
        .value("tm_server_poll_duration_seconds", &server)
        .expect("the last poll's duration");
    assert!(polled > 0.0 && polled < 10.0, "{polled}");

    // Requests count under their route template, by status.
    let route = [
        ("method", "GET"),
        ("route", "/servers/{id}"),
        ("status", "200"),
    ];
    let before = scrape(&admin)
        .await
        .value("tm_http_requests_total", &route)
        .expect("register() polled the server");
    for _ in 0..3 {
        assert_eq!(
            admin.get(&format!("/servers/{server_id}")).await.0,
            StatusCode::OK
        );
    }
    let after = scrape(&admin).await;
    assert_eq!(
        after.value("tm_http_requests_total", &route),
        Some(before + 3.0)
    );
    assert!(
        after.0.iter().all(|s| !s
            .labels
            .get("route")
            .is_some_and(|r| r.contains(&server_id))),
        "no ids in route labels"
    );
    let timed = [("method", "GET"), ("route", "/servers/{id}")];
    assert!(after.value("tm_http_request_duration_seconds_count", &timed) >= Some(before + 3.0));

    // An open live-update stream is a client; the stream also makes the poller go fast.
    assert_eq!(after.value("tm_sse_clients", &[]), Some(0.0));
    let stream = EventReader::open(&admin).await;
    assert_eq!(scrape(&admin).await.value("tm_sse_clients", &[]), Some(1.0));

    // A dead daemon is down within a poll interval.
    drop(daemon);
    wait_until(Duration::from_secs(15), || async {
        (scrape(&admin).await.value("tm_server_up", &server) == Some(0.0)).then_some(())
    })
    .await
    .expect("tm_server_up drops to 0");

    drop(stream);
    wait_until(Duration::from_secs(20), || async {
        (scrape(&admin).await.value("tm_sse_clients", &[]) == Some(0.0)).then_some(())
    })
    .await
    .expect("a closed stream is no longer counted");
}

on_both_databases! {
    async fn only_admins_may_scrape_unless_public(db: Db) {
        let app = spawn!(db);
        let root = app.user("root").await;
        let bob = app.user("bob").await;
        let bob_key = app.key_client(&bob.create_key("scraper").await);
        let root_key = app.key_client(&root.create_key("prometheus").await);
        for (caller, status, code) in [
            (app.client(), StatusCode::UNAUTHORIZED, "unauthenticated"),
            (bob, StatusCode::FORBIDDEN, "forbidden"),
            (bob_key, StatusCode::FORBIDDEN, "forbidden"),
        ] {
            let (got, _, body) = get_metrics(&caller).await;
            assert_eq!(got, status, "{body}");
            let body: Value = serde_json::from_str(&body).expect("the API's error body");
            assert_eq!(body["code"], code, "{body}");
        }
        for admin in [&root, &root_key] {
            let scraped = scrape(admin).await;
            assert_eq!(scraped.value("tm_sse_clients", &[]), Some(0.0));
        }

        let open = spawn!(db, |config: &mut tm_server::Config| config.metrics_public = true);
        let scraped = scrape(&open.client()).await;
        assert_eq!(scraped.value("tm_sse_clients", &[]), Some(0.0));
    }
}

#[test]
fn samples_are_parsed_with_escapes() {
    let scrape = Scrape::parse(concat!(
        "# TYPE a gauge\n",
        "a 1\n",
        r#"b{x="1",y="q\"uo\\te\n"} 2.5"#,
        "\n",
    ));
    assert_eq!(scrape.value("a", &[]), Some(1.0));
    assert_eq!(
        scrape.value("b", &[("x", "1"), ("y", "q\"uo\\te\n")]),
        Some(2.5)
    );
    assert_eq!(
        scrape.value("b", &[("x", "1")]),
        None,
        "labels match exactly"
    );
}
