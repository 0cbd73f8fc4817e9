//! `/webhooks`: per-user hooks checked when created (the egress policy
//! applies to the URL), and lifecycle events of real clients delivered to a
//! receiver on loopback, signed, retried with backoff, every attempt logged.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::{TestTorrent, daemon_available};

use crate::daemons::{ClientUnderTest, paused_torrents_on, register, upload, wait_until};
use crate::harness::{Api, Db, TestApp, on_both_databases, spawn};
use crate::swarm::tracked_seed;

/// How the receiver answers.
#[derive(Clone)]
pub(crate) enum Answer {
    Ok,
    /// 500 this many times, then 200.
    FailFirst(usize),
    /// Never answers.
    Hang,
    /// 503 while the flag is set, then 200.
    FailWhile(Arc<AtomicBool>),
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) event: String,
    delivery: String,
    signature: String,
    user_agent: String,
    content_type: String,
    body: Vec<u8>,
}

impl Hit {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Clone)]
struct ReceiverState {
    answer: Answer,
    hits: Arc<Mutex<Vec<Hit>>>,
}

/// A webhook receiver on loopback: the server under test's peer.
pub(crate) struct Receiver {
    pub(crate) url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> AxumStatus {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    // Decided before the hit shows: a test that sees the hit and then stops
    // failing must not change this answer.
    let fail_now =
        matches!(&state.answer, Answer::FailWhile(failing) if failing.load(Ordering::SeqCst));
    let seen = {
        let mut hits = state.hits.lock().unwrap();
        hits.push(Hit {
            event: header("x-tm-event"),
            delivery: header("x-tm-delivery"),
            signature: header("x-tm-signature"),
            user_agent: header("user-agent"),
            content_type: header("content-type"),
            body: body.to_vec(),
        });
        hits.len()
    };
    match &state.answer {
        Answer::Ok => AxumStatus::OK,
        Answer::FailFirst(n) if seen <= *n => AxumStatus::INTERNAL_SERVER_ERROR,
        Answer::FailFirst(_) => AxumStatus::OK,
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            AxumStatus::OK
        }
        Answer::FailWhile(_) if fail_now => AxumStatus::SERVICE_UNAVAILABLE,
        Answer::FailWhile(_) => AxumStatus::OK,
    }
}

impl Receiver {
    pub(crate) async fn start(answer: Answer) -> Receiver {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let state = ReceiverState {
            answer,
            hits: Arc::clone(&hits),
        };
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            hits,
            task,
        }
    }

    pub(crate) fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// The first request for `event` whose payload `matches`.
    async fn wait_for(
        &self,
        event: &str,
        within: Duration,
        matches: impl Fn(&Value) -> bool,
    ) -> Hit {
        wait_until(within, || async {
            self.hits()
                .into_iter()
                .find(|h| h.event == event && matches(&h.json()))
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "no {event} arrived; got {:?}",
                self.hits().iter().map(|h| &h.event).collect::<Vec<_>>()
            )
        })
    }
}

/// Lowercase hex HMAC-SHA256, computed here independently of the server.
fn signature(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

fn assert_signed(hit: &Hit, secret: &str) {
    assert_eq!(hit.signature, signature(secret, &hit.body), "{hit:?}");
    assert_eq!(hit.content_type, "application/json");
    assert!(hit.user_agent.starts_with("torrent-manager/"), "{hit:?}");
    assert!(!hit.delivery.is_empty());
}

/// Creates a hook; answers its id and secret.
pub(crate) async fn hook(api: &Api, url: &str, events: &[&str]) -> (String, String) {
    let (status, created) = api
        .post("/webhooks", json!({"url": url, "events": events}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (
        created["id"].as_str().unwrap().to_string(),
        created["secret"].as_str().unwrap().to_string(),
    )
}

pub(crate) async fn deliveries(api: &Api, id: &str) -> Vec<Value> {
    let (status, page) = api.get(&format!("/webhooks/{id}/deliveries")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["deliveries"].as_array().unwrap().clone()
}

/// Queues a delivery straight into the outbox, as an instance would,
/// claimed by `claimed_by` (unclaimed when `None`) for a long time.
pub(crate) async fn queue_row(
    app: &TestApp,
    hook_id: &str,
    event_id: &str,
    claimed_by: Option<&str>,
) {
    let claim = claimed_by.map_or("NULL, NULL".to_string(), |by| {
        format!("'{by}', 9000000000000")
    });
    app.execute_sql(&format!(
        "INSERT INTO webhook_outbox (id, webhook_id, event, event_id, body, attempts, \
         next_attempt_at, claimed_by, claim_expires_at) VALUES ('{event_id}', '{hook_id}', \
         'webhook.test', '{event_id}', '{{\"id\": \"{event_id}\"}}', 0, 0, {claim})"
    ))
    .await;
}

on_both_databases! {
    async fn webhooks_are_stored_checked_and_private(db: Db) {
        let app = spawn!(db, |config| config.allow_private_targets = true);
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;

        let (status, names) = alice.get("/webhooks/events").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(names.as_array().unwrap().len(), 12);
        assert!(names.as_array().unwrap().contains(&json!("torrent.tracker_status_changed")));

        let (status, created) = alice.post("/webhooks", json!({
            "url": " http://127.0.0.1:9/hook?token=abc ",
            "events": ["torrent.added", "torrent.added", "server.down"],
            "secret": "s3cret",
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        assert_eq!(created["secret"], "s3cret");
        assert_eq!(created["events"], json!(["torrent.added", "server.down"]));
        assert_eq!(created["enabled"], true);
        assert_eq!(created["has_secret"], true);
        assert_eq!(created["last_delivery"], Value::Null);
        assert_eq!(created["url"], "http://127.0.0.1:9/hook?token=abc");

        // The secret is never shown again, nor stored in the clear.
        let (status, got) = alice.get(&format!("/webhooks/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{got}");
        assert!(got.get("secret").is_none(), "{got}");
        let mut expected = created.clone();
        expected.as_object_mut().unwrap().remove("secret");
        assert_eq!(got, expected);
        assert_eq!(alice.get("/webhooks").await.1, json!([expected]));
        let (status, _) = alice.get(&format!("/webhooks/{id}/deliveries")).await;
        assert_eq!(status, StatusCode::OK);

        // A generated secret: 32 random bytes in hex.
        let (status, generated) = alice.post("/webhooks", json!({"url": "https://127.0.0.1:9/", "enabled": false})).await;
        assert_eq!(status, StatusCode::CREATED, "{generated}");
        let secret = generated["secret"].as_str().unwrap();
        assert_eq!(secret.len(), 64);
        assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!((generated["events"].clone(), generated["enabled"].clone()), (json!([]), json!(false)));

        for (body, expected) in [
            (json!({"url": "ftp://127.0.0.1/x"}), "http or https"),
            (json!({"url": "not a url"}), "not a valid URL"),
            (json!({"url": "http://user:pw@127.0.0.1/x"}), "credentials"),
            (json!({"url": "http://127.0.0.1/x", "events": ["torrent.exploded"]}), "unknown event 'torrent.exploded'"),
            (json!({"url": "http://127.0.0.1/x", "secret": ""}), "secret must be"),
            (json!({"url": "http://127.0.0.1/x", "colour": "red"}), "Invalid request body"),
        ] {
            let (status, body) = alice.post("/webhooks", body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{expected}: {body}");
            assert!(body["detail"].as_str().unwrap().contains(expected), "{expected}: {body}");
        }
        let (status, body) = alice.get(&format!("/webhooks/{id}/deliveries?limit=0")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

        // Another user sees nothing of it.
        assert_eq!(bob.get("/webhooks").await.1, json!([]));
        for path in [format!("/webhooks/{id}"), format!("/webhooks/{id}/deliveries")] {
            assert_eq!(bob.get(&path).await.0, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(bob.post(&format!("/webhooks/{id}/test"), json!({})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(bob.delete(&format!("/webhooks/{id}")).await.0, StatusCode::NOT_FOUND);

        let (status, _) = alice.delete(&format!("/webhooks/{id}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(alice.get(&format!("/webhooks/{id}")).await.0, StatusCode::NOT_FOUND);

        // Both changes are in the activity log, without the URL's path or token.
        let (_, activity) = alice.get("/activity?scope=account").await;
        let actions: Vec<(&str, &str)> = activity["items"].as_array().unwrap().iter()
            .map(|e| (e["action"].as_str().unwrap(), e["message"].as_str().unwrap()))
            .filter(|(a, _)| a.starts_with("webhook"))
            .collect();
        assert_eq!(actions.len(), 3, "{activity}");
        assert!(actions.iter().any(|(a, m)| *a == "webhook_delete" && m.contains(&id)), "{actions:?}");
        assert!(actions.iter().all(|(_, m)| !m.contains("token") && !m.contains("s3cret")), "{actions:?}");
    }

    async fn the_egress_policy_applies_to_the_url(db: Db) {
        // Private targets not allowed: the first user (an admin) may target
        // anything, others public addresses only.
        let app = spawn!(db);
        let admin = app.user("admin").await;
        let bob = app.user("bob").await;
        for url in ["http://10.1.2.3/hook", "http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://[::1]:9/hook"] {
            let (status, body) = bob.post("/webhooks", json!({"url": url})).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden_target")), "{url}: {body}");
        }
        assert_eq!(bob.get("/webhooks").await.1, json!([]));
        let (status, body) = admin.post("/webhooks", json!({"url": "http://127.0.0.1:9/hook"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_signed_retried_and_never_block_requests() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        eprintln!("skipped: transmission-daemon is not installed");
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |c| c.allow_private_targets = true)
        .await
        .expect("sqlite");
    let alice = app.user("alice").await;
    let server_id = register(&alice, "box", &client.config).await;
    let good = Receiver::start(Answer::Ok).await;
    let flaky = Receiver::start(Answer::FailFirst(2)).await;
    let hanging = Receiver::start(Answer::Hang).await;
    let (good_id, good_secret) = hook(&alice, &good.url, &["torrent.added", "webhook.test"]).await;
    let (flaky_id, flaky_secret) = hook(&alice, &flaky.url, &["torrent.added"]).await;
    let (hanging_id, _) = hook(&alice, &hanging.url, &["torrent.added"]).await;
    // Another user's hook hears nothing of alice's torrents.
    let bob = app.user("bob").await;
    let bobs = Receiver::start(Answer::Ok).await;
    hook(&bob, &bobs.url, &[]).await;

    // The test delivery: one attempt, answered.
    let (status, delivery) = alice
        .post(&format!("/webhooks/{good_id}/test"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{delivery}");
    assert_eq!(
        (
            delivery["ok"].clone(),
            delivery["status_code"].clone(),
            delivery["attempt"].clone()
        ),
        (json!(true), json!(200), json!(1)),
        "{delivery}"
    );
    assert_eq!(delivery["event"], "webhook.test");
    let test_hit = good
        .wait_for("webhook.test", Duration::from_secs(5), |_| true)
        .await;
    assert_signed(&test_hit, &good_secret);
    assert_eq!(test_hit.delivery, delivery["id"].as_str().unwrap());
    assert_eq!(test_hit.json()["id"], delivery["event_id"]);

    // A torrent added through the API: the request is not held up by the
    // hanging receiver.
    let torrent = TestTorrent::single_file(
        &client.download_dir,
        "hook.bin",
        30_000,
        Some("http://127.0.0.1:1/announce"),
    )
    .unwrap();
    let started = Instant::now();
    let (status, body) = upload(
        &alice,
        &format!("?server_id={server_id}&start=false&labels=tv"),
        "h.torrent",
        torrent.bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hash = torrent.info_hash.clone();
    let added = good
        .wait_for("torrent.added", Duration::from_secs(20), |p| {
            p["torrent"]["info_hash"] == hash.as_str()
        })
        .await;
    assert_signed(&added, &good_secret);
    let payload = added.json();
    assert_eq!(payload["event"], "torrent.added");
    assert_eq!(
        payload["server"],
        json!({"id": server_id, "name": "box", "client": "transmission"})
    );
    assert_eq!(payload["torrent"]["name"], "hook.bin");
    assert_eq!(payload["torrent"]["labels"], json!(["tv"]));
    assert_eq!(payload["torrent"]["size"], 30_000);
    assert!(payload["at"].as_str().unwrap().contains('T'));
    assert_eq!(payload["data"], json!({}));
    for path in ["/torrents", "/servers", "/webhooks"] {
        let (status, _) = alice.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "requests waited on webhooks: {:?}",
        started.elapsed()
    );

    // 500, 500, then 200: three attempts, each recorded, the last ok.
    let attempts = wait_until(Duration::from_secs(30), || async {
        let log = deliveries(&alice, &flaky_id).await;
        (log.len() == 3).then_some(log)
    })
    .await
    .expect("three attempts");
    let summary: Vec<(Value, Value, Value)> = attempts
        .iter()
        .rev()
        .map(|d| {
            (
                d["attempt"].clone(),
                d["status_code"].clone(),
                d["ok"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!(1), json!(500), json!(false)),
            (json!(2), json!(500), json!(false)),
            (json!(3), json!(200), json!(true))
        ]
    );
    assert!(
        attempts
            .iter()
            .all(|d| d["event_id"] == payload["id"] && d["event"] == "torrent.added")
    );
    let hits = flaky.hits();
    assert_eq!(hits.len(), 3);
    assert!(
        hits.iter().all(|h| h.body == added.body),
        "every attempt sends the same body"
    );
    assert_signed(&hits[2], &flaky_secret);
    let (_, flaky_hook) = alice.get(&format!("/webhooks/{flaky_id}")).await;
    assert_eq!(flaky_hook["last_delivery"]["attempt"], 3, "{flaky_hook}");

    // Paging: one at a time, newest first.
    let (_, first) = alice
        .get(&format!("/webhooks/{flaky_id}/deliveries?limit=2"))
        .await;
    let before = first["next_before"].as_str().unwrap();
    let (_, rest) = alice
        .get(&format!(
            "/webhooks/{flaky_id}/deliveries?limit=2&before={before}"
        ))
        .await;
    assert_eq!(rest["deliveries"].as_array().unwrap().len(), 1, "{rest}");
    assert_eq!(rest["deliveries"][0]["attempt"], 1);
    assert_eq!(rest["next_before"], Value::Null);

    // The hanging receiver: a timeout recorded after 10 s, then retried.
    let timed_out = wait_until(Duration::from_secs(25), || async {
        deliveries(&alice, &hanging_id)
            .await
            .into_iter()
            .find(|d| d["attempt"] == 1)
    })
    .await
    .expect("the hanging attempt is recorded");
    assert_eq!(
        (timed_out["ok"].clone(), timed_out["status_code"].clone()),
        (json!(false), Value::Null),
        "{timed_out}"
    );
    assert!(
        timed_out["error"]
            .as_str()
            .unwrap()
            .contains("no answer within 10 s"),
        "{timed_out}"
    );
    assert!(
        timed_out["duration_ms"].as_u64().unwrap() >= 9_000,
        "{timed_out}"
    );

    assert!(
        bobs.hits().is_empty(),
        "bob heard alice's events: {:?}",
        bobs.hits()
    );
    assert!(good.hits().iter().all(|h| h.event != "torrent.removed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_notifies_and_reports_that_it_fired() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        eprintln!("skipped: transmission-daemon is not installed");
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |c| c.allow_private_targets = true)
        .await
        .expect("sqlite");
    let alice = app.user("alice").await;
    let server_id = register(&alice, "box", &client.config).await;
    let refs =
        paused_torrents_on(&alice, &client.download_dir, &[&server_id], "&labels=watch").await;
    let hash = refs[0]["info_hash"].as_str().unwrap().to_string();
    let receiver = Receiver::start(Answer::Ok).await;
    let (_, secret) = hook(&alice, &receiver.url, &["rule.notify", "rule.fired"]).await;

    let (status, rule) = alice
        .post(
            "/rules",
            json!({
                "name": "tell me", "enabled": false,
                "conditions": {"field": "label", "op": "contains", "value": "watch"},
                "actions": [{"type": "notify", "message": " seen it "}],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    assert_eq!(
        rule["actions"],
        json!([{"type": "notify", "message": "seen it"}])
    );
    let (status, bad) = alice
        .post(
            "/rules",
            json!({
                "name": "x", "conditions": {"field": "label", "op": "contains", "value": "watch"},
                "actions": [{"type": "notify", "message": "  "}],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let rule_id = rule["id"].as_str().unwrap();
    let (status, run) = alice
        .post(&format!("/rules/{rule_id}/run"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(run["actions"][0]["outcome"], "done", "{run}");

    let notified = receiver
        .wait_for("rule.notify", Duration::from_secs(10), |_| true)
        .await;
    assert_signed(&notified, &secret);
    let payload = notified.json();
    assert_eq!(payload["data"]["message"], "seen it");
    assert_eq!(payload["data"]["rule_id"], rule_id);
    assert_eq!(payload["torrent"]["info_hash"], hash.as_str());
    assert_eq!(payload["server"]["id"], server_id.as_str());
    let fired = receiver
        .wait_for("rule.fired", Duration::from_secs(10), |_| true)
        .await;
    let payload = fired.json();
    assert_eq!(
        (
            payload["data"]["rule_id"].as_str(),
            payload["data"]["rule_name"].as_str()
        ),
        (Some(rule_id), Some("tell me"))
    );
    assert_eq!(payload["data"]["actions"][0]["action"], "notify seen it");
    assert_eq!(payload["server"], Value::Null);

    // At most once per torrent: a second run does nothing and fires nothing.
    let (_, again) = alice
        .post(&format!("/rules/{rule_id}/run"), json!({}))
        .await;
    assert_eq!(again["actions"], json!([]), "{again}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.hits().len(), 2, "{:?}", receiver.hits());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_download_reports_completion() {
    if !daemon_available("opentracker") {
        return;
    }
    let Some(seeder) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let Some(leecher) = ClientUnderTest::RtorrentScgi.start().await else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |c| c.allow_private_targets = true)
        .await
        .expect("sqlite");
    let api = app.user("alice").await;
    let seed_id = register(&api, "seedbox", &seeder.config).await;
    let leech_id = register(&api, "home", &leecher.config).await;
    let receiver = Receiver::start(Answer::Ok).await;
    let (_, secret) = hook(&api, &receiver.url, &["torrent.completed", "torrent.added"]).await;

    let seeded = tracked_seed(&api, &seed_id, &seeder.download_dir, "done.bin").await;
    let torrent = &seeded.torrent;
    let hash = torrent.info_hash.clone();
    let (status, body) = upload(
        &api,
        &format!("?server_id={leech_id}&start=true"),
        "d.torrent",
        torrent.bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let completed = receiver
        .wait_for("torrent.completed", Duration::from_secs(120), |p| {
            p["server"]["id"] == leech_id.as_str()
        })
        .await;
    assert_signed(&completed, &secret);
    let payload = completed.json();
    assert_eq!(payload["torrent"]["info_hash"], hash.as_str());
    assert_eq!(payload["torrent"]["progress"], 100.0);
    assert_eq!(payload["server"]["client"], "rtorrent");
    let added: Vec<String> = receiver
        .hits()
        .iter()
        .filter(|h| h.event == "torrent.added")
        .map(|h| h.json()["server"]["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        added.contains(&seed_id) && added.contains(&leech_id),
        "{added:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_delivery_survives_a_restart() {
    let mut app = TestApp::try_spawn(Db::Sqlite, |c| c.allow_private_targets = true)
        .await
        .expect("sqlite");
    let alice = app.user("alice").await;
    let failing = Arc::new(AtomicBool::new(true));
    let receiver = Receiver::start(Answer::FailWhile(Arc::clone(&failing))).await;
    let (hook_id, _) = hook(&alice, &receiver.url, &[]).await;
    queue_row(&app, &hook_id, "pending", None).await;
    wait_until(Duration::from_secs(5), || async {
        (!receiver.hits().is_empty()).then_some(())
    })
    .await
    .expect("a first attempt, refused");

    app.restart().await;
    failing.store(false, Ordering::SeqCst);
    let alice = alice.rebased(&app.base);
    let delivered = wait_until(Duration::from_secs(15), || async {
        deliveries(&alice, &hook_id)
            .await
            .into_iter()
            .find(|d| d["ok"] == true)
    })
    .await
    .expect("delivered after the restart");
    assert_eq!(delivered["event_id"], "pending");
    assert!(delivered["attempt"].as_u64().unwrap() >= 2, "{delivered}");
    let hits = receiver.hits();
    assert!(hits.iter().all(|h| h.json()["id"] == "pending"), "{hits:?}");
}
