//! Work that must happen once across instances on one PostgreSQL database
//! and survive the instance that started it: webhook deliveries (a durable
//! outbox any instance delivers from) and move jobs (failed by a survivor
//! when their instance dies, canceled through any instance).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::{TestTorrent, daemon_available, server_body};

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::harness::{Api, Db, TestApp};
use crate::instances::{alice_on, instances, quick, register_on};
use crate::swarm::tracked_seed_of;
use crate::webhooks::{Answer, Hit, Receiver, deliveries, hook, queue_row};

fn loopback_hooks(config: &mut tm_server::Config) {
    config.allow_private_targets = true;
}

/// Runs a query answering one text column on the test's database.
async fn strings(app: &TestApp, sql: &str) -> Vec<String> {
    use sqlx::Connection;
    let url = app.config.database_url();
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

/// The index in `apps` (started in order: instance ids grow with time) of
/// the instance holding the server's lease.
async fn owner_of(apps: &[TestApp], server_id: &str) -> usize {
    let mut ids = strings(&apps[0], "SELECT id FROM instances").await;
    ids.sort();
    let sql = format!("SELECT owner FROM server_leases WHERE server_id = '{server_id}'");
    let owner = strings(&apps[0], &sql).await;
    ids.iter()
        .position(|id| owner.contains(id))
        .expect("an owner")
}

/// Uploads a paused torrent named `name`; answers its hash.
async fn paused(api: &Api, server_id: &str, dir: &std::path::Path, name: &str) -> String {
    let torrent =
        TestTorrent::single_file(dir, name, 20_000, Some("http://127.0.0.1:1/announce")).unwrap();
    let query = format!("?server_id={server_id}&start=false");
    let (status, body) = upload(api, &query, name, torrent.bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    torrent.info_hash
}

/// How many requests carried each event id.
fn per_event(hits: &[Hit]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for hit in hits {
        let id = hit.json()["id"].as_str().unwrap().to_string();
        *counts.entry(id).or_default() += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_failing_when_its_instance_stops_is_made_by_the_survivor() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let Some(mut apps) = instances(2, loopback_hooks).await else {
        return;
    };
    let apis = alice_on(&apps).await;
    let server_id = register_on(&apis, server_body("shared", &client.config)).await;
    let owner = owner_of(&apps, &server_id).await;
    let survivor = 1 - owner;
    let failing = Arc::new(AtomicBool::new(true));
    let receiver = Receiver::start(Answer::FailWhile(Arc::clone(&failing))).await;
    // Through the owner, which derives the server's events: it knows of
    // the hook at once.
    let (hook_id, _) = hook(&apis[owner], &receiver.url, &["torrent.added"]).await;
    let scratch = tempfile::tempdir().unwrap();
    let hash = paused(&apis[survivor], &server_id, scratch.path(), "kept.bin").await;
    let first = wait_until(Duration::from_secs(15), || async {
        receiver
            .hits()
            .into_iter()
            .find(|h| h.event == "torrent.added")
    })
    .await
    .expect("a first attempt, refused");
    let event_id = first.json()["id"].as_str().unwrap().to_string();
    assert_eq!(first.json()["torrent"]["info_hash"], hash.as_str());

    // The instance that produced the event stops; then the receiver
    // recovers: only the survivor can deliver now.
    apps.remove(owner).stop().await;
    failing.store(false, Ordering::SeqCst);
    let delivered = wait_until(Duration::from_secs(20), || async {
        deliveries(&apis[survivor], &hook_id)
            .await
            .into_iter()
            .find(|d| d["ok"] == true)
    })
    .await
    .expect("the survivor delivers");
    assert_eq!(delivered["event_id"], event_id.as_str(), "{delivered}");
    assert!(delivered["attempt"].as_u64().unwrap() >= 2, "{delivered}");
    // Once delivered, never again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let log = deliveries(&apis[survivor], &hook_id).await;
    let ok: Vec<_> = log
        .iter()
        .filter(|d| d["ok"] == true && d["event_id"] == event_id.as_str())
        .collect();
    assert_eq!(ok.len(), 1, "{log:?}");
    let attempts = per_event(&receiver.hits())[&event_id];
    assert_eq!(
        attempts,
        log.iter()
            .filter(|d| d["event_id"] == event_id.as_str())
            .count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_deliver_each_event_once() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let Some(apps) = instances(3, loopback_hooks).await else {
        return;
    };
    let apis = alice_on(&apps).await;
    let server_id = register_on(&apis, server_body("shared", &client.config)).await;
    let owner = owner_of(&apps, &server_id).await;
    let receiver = Receiver::start(Answer::Ok).await;
    // Made through another instance: the owner learns of it within a beat.
    let (hook_id, _) = hook(&apis[(owner + 1) % 3], &receiver.url, &["torrent.added"]).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Events of a real server, and a burst queued at once that the three
    // workers find on their polls together.
    let scratch = tempfile::tempdir().unwrap();
    for n in 0..4 {
        paused(
            &apis[n % 3],
            &server_id,
            scratch.path(),
            &format!("once-{n}.bin"),
        )
        .await;
    }
    for n in 0..30 {
        queue_row(&apps[0], &hook_id, &format!("burst-{n}"), None).await;
    }
    wait_until(Duration::from_secs(20), || async {
        (per_event(&receiver.hits()).len() == 34).then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("34 events delivered: {:?}", per_event(&receiver.hits())));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let counts = per_event(&receiver.hits());
    assert_eq!(counts.len(), 34, "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    let left = strings(&apps[0], "SELECT id FROM webhook_outbox").await;
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_claimed_by_a_dead_instance_is_taken_over() {
    let Some(apps) = instances(1, loopback_hooks).await else {
        return;
    };
    let api = &alice_on(&apps).await[0];
    let receiver = Receiver::start(Answer::Ok).await;
    let (hook_id, _) = hook(api, &receiver.url, &[]).await;
    let live = strings(&apps[0], "SELECT id FROM instances").await;
    // A killed instance (its last beat long ago) and one already forgotten
    // claimed a row each; the live instance holds the third, as if
    // mid-attempt.
    apps[0]
        .execute_sql("INSERT INTO instances (id, heartbeat_at) VALUES ('killed-instance', 1)")
        .await;
    queue_row(&apps[0], &hook_id, "of-killed", Some("killed-instance")).await;
    queue_row(&apps[0], &hook_id, "of-forgotten", Some("gone-instance")).await;
    queue_row(&apps[0], &hook_id, "held", Some(&live[0])).await;
    wait_until(Duration::from_secs(5), || async {
        (receiver.hits().len() == 2).then_some(())
    })
    .await
    .expect("the orphaned rows are delivered");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let counts = per_event(&receiver.hits());
    assert_eq!(
        counts,
        HashMap::from([
            ("of-killed".to_string(), 1),
            ("of-forgotten".to_string(), 1)
        ]),
        "a live claim is left alone"
    );
    let left = strings(&apps[0], "SELECT id FROM webhook_outbox").await;
    assert_eq!(left, ["held"]);
}

/// A running job row of alice's, run by `runner`, in `phase`.
async fn running_job(app: &TestApp, id: &str, runner: &str, phase: &str) {
    app.execute_sql(&format!(
        "INSERT INTO jobs (id, user_id, kind, state, phase, info_hash, name, from_server_id, \
         to_server_id, remove_source, delete_data, size, progress, download_rate, created_at, \
         updated_at, runner) SELECT '{id}', id, 'move', 'running', '{phase}', \
         '{id:0>40}', 'x', 's1', 's2', TRUE, TRUE, 1, 0, 0, 1, 1, '{runner}' \
         FROM users WHERE username = 'alice'"
    ))
    .await;
}

async fn job(api: &Api, id: &str) -> Value {
    let (status, job) = api.get(&format!("/jobs/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    job
}

async fn failed_job(api: &Api, id: &str, within: Duration) -> Value {
    wait_until(within, || async {
        let job = job(api, id).await;
        (job["state"] == "failed").then_some(job)
    })
    .await
    .unwrap_or_else(|| panic!("{id} is failed"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_of_a_dead_instance_are_failed_and_a_new_instance_leaves_live_ones_alone() {
    let Some(mut apps) = instances(1, |_| {}).await else {
        return;
    };
    let first = apps.remove(0);
    let runner = strings(&first, "SELECT id FROM instances").await.remove(0);
    first.user("alice").await;
    running_job(&first, "runs", &runner, "downloading").await;
    first
        .execute_sql("INSERT INTO instances (id, heartbeat_at) VALUES ('killed-instance', 1)")
        .await;
    running_job(&first, "orphan", "killed-instance", "downloading").await;
    running_job(
        &first,
        "orphan-removing",
        "gone-instance",
        "removing_source",
    )
    .await;

    let url = first.config.database_url.clone();
    let second = TestApp::try_spawn(Db::Postgres, move |c| {
        quick(c);
        c.database_url = url;
    })
    .await
    .unwrap();
    let api = second.client();
    api.login("alice", false).await;
    let orphan = failed_job(&api, "orphan", Duration::from_secs(5)).await;
    assert_eq!(orphan["phase"], "done");
    let message = orphan["message"].as_str().unwrap();
    assert!(
        message.contains("its instance of torrent-manager stopped"),
        "{message}"
    );
    assert!(
        message.contains("the source was left as it was"),
        "{message}"
    );
    let removing = failed_job(&api, "orphan-removing", Duration::from_secs(5)).await;
    assert!(
        removing["message"]
            .as_str()
            .unwrap()
            .contains("complete, checked copy"),
        "{removing}"
    );
    // The live instance's job is its own, beats after the start included.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(job(&api, "runs").await["state"], "running");

    // Its instance stops: the survivor fails it within a lease.
    first.stop().await;
    failed_job(&api, "runs", Duration::from_secs(5)).await;
}

const SIZE: usize = 3 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_is_canceled_through_another_instance_and_failed_when_its_instance_stops() {
    if !daemon_available("opentracker") {
        return;
    }
    let Some(source) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let Some(target) = ClientUnderTest::RtorrentScgi.start().await else {
        return;
    };
    let Some(mut apps) = instances(2, |_| {}).await else {
        return;
    };
    let apis = alice_on(&apps).await;
    let source_id = register(&apis[0], "source", &source.config).await;
    let target_id = register(&apis[0], "target", &target.config).await;
    let seeded = tracked_seed_of(
        &apis[0],
        &source_id,
        &source.download_dir,
        "moved.bin",
        SIZE,
        "",
    )
    .await;
    let hash = seeded.torrent.info_hash.clone();
    // A stopped source: no data flows, the job waits in `downloading`.
    let stop = format!("/torrents/{hash}/stop?server_id={source_id}");
    let (status, body) = apis[0].post(&stop, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let request =
        json!({"from_server_id": source_id, "to_server_id": target_id, "delete_data": true});
    let start_move = || async {
        let (status, started) = apis[0]
            .post(&format!("/torrents/{hash}/move"), request.clone())
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{started}");
        let id = started["id"].as_str().unwrap().to_string();
        wait_until(Duration::from_secs(60), || async {
            (job(&apis[1], &id).await["phase"] == "downloading").then_some(())
        })
        .await
        .expect("the job downloads");
        id
    };

    // Started through the first instance, canceled through the second.
    let id = start_move().await;
    let (status, canceled) = apis[1].post(&format!("/jobs/{id}/cancel"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{canceled}");
    assert_eq!(canceled["state"], "canceled", "{canceled}");
    let message = canceled["message"].as_str().unwrap();
    assert!(message.contains("target's copy was removed"), "{message}");
    let on_target = format!("/torrents/{hash}?server_id={target_id}");
    wait_until(Duration::from_secs(10), || async {
        (apis[1].get(&on_target).await.0 == StatusCode::NOT_FOUND).then_some(())
    })
    .await
    .expect("the target's copy is gone");

    // Taken over while its instance was cut off (as a survivor does): the
    // runner notices, removes its copy and leaves the row as the taker wrote it.
    let id = start_move().await;
    apps[1]
        .execute_sql(&format!(
            "UPDATE jobs SET state = 'failed', phase = 'done', message = 'taken over' \
             WHERE id = '{id}'"
        ))
        .await;
    wait_until(Duration::from_secs(10), || async {
        (apis[1].get(&on_target).await.0 == StatusCode::NOT_FOUND).then_some(())
    })
    .await
    .expect("the runner removes its copy");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(job(&apis[1], &id).await["message"], "taken over");

    // Its instance stops mid-move: the other one fails it, the source kept.
    let id = start_move().await;
    apps.remove(0).stop().await;
    let failed = failed_job(&apis[1], &id, Duration::from_secs(10)).await;
    let message = failed["message"].as_str().unwrap();
    assert!(
        message.contains("its instance of torrent-manager stopped"),
        "{message}"
    );
    let (status, kept) = apis[1]
        .get(&format!("/torrents/{hash}?server_id={source_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(
        std::fs::read(&seeded.torrent.data_path).unwrap().len(),
        SIZE
    );
}
