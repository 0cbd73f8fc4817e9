//! Moving a torrent with its data between servers (`POST /torrents/{hash}/move`),
//! through the API only, over a real loopback swarm: Transmission seeds, the
//! target fetches from it through opentracker, verifies, then the source goes.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::{RunningClient, TestTorrent, daemon_available};

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::events::EventReader;
use crate::harness::{Api, Db, TestApp};
use crate::swarm::{TrackedSeed, tracked_seed_of};

const SIZE: usize = 3 << 20;
const LABEL: &str = "keep-me";

/// A Transmission source seeding a 3 MiB labelled torrent (uploaded, so its
/// .torrent is stored) and a target of `kind`, both registered for alice.
struct Move {
    app: TestApp,
    api: Api,
    source: RunningClient,
    /// `None` once a test has killed it.
    target: Option<RunningClient>,
    /// Where the target saves downloads.
    target_dir: std::path::PathBuf,
    source_id: String,
    target_id: String,
    seeded: TrackedSeed,
}

impl Move {
    /// `None` when a daemon is not installed.
    async fn start(
        kind: ClientUnderTest,
        tweak: impl FnOnce(&mut tm_server::Config),
    ) -> Option<Move> {
        if !daemon_available("opentracker") {
            return None;
        }
        let source = ClientUnderTest::Transmission.start().await?;
        let target = kind.start().await?;
        let app = TestApp::try_spawn(Db::Sqlite, tweak).await.expect("sqlite");
        let api = app.user("alice").await;
        let source_id = register(&api, "source", &source.config).await;
        let target_id = register(&api, "target", &target.config).await;
        let seeded = tracked_seed_of(
            &api,
            &source_id,
            &source.download_dir,
            "moved.bin",
            SIZE,
            LABEL,
        )
        .await;
        Some(Move {
            app,
            api,
            source,
            target_dir: target.download_dir.clone(),
            target: Some(target),
            source_id,
            target_id,
            seeded,
        })
    }

    fn hash(&self) -> &str {
        &self.seeded.torrent.info_hash
    }

    fn request(&self) -> Value {
        json!({"from_server_id": self.source_id, "to_server_id": self.target_id, "delete_data": true})
    }

    async fn post_move(&self, body: Value) -> (StatusCode, Value) {
        self.api
            .post(&format!("/torrents/{}/move", self.hash()), body)
            .await
    }

    /// The torrent as `server_id` lists it, if it does.
    async fn torrent_on(&self, server_id: &str) -> Option<Value> {
        let (status, torrent) = self
            .api
            .get(&format!("/torrents/{}?server_id={server_id}", self.hash()))
            .await;
        (status == StatusCode::OK).then_some(torrent)
    }

    /// Stops the source, so no data flows: the job waits in `downloading`.
    async fn stop_source(&self) {
        self.source_action("stop").await;
    }

    /// Starts the source again and waits until it seeds.
    async fn seed_again(&self) {
        self.source_action("start").await;
        let seeding = wait_until(Duration::from_secs(30), || async {
            let t = self.torrent_on(&self.source_id).await?;
            (t["state"] == "seeding" && t["complete"] == true).then_some(())
        })
        .await;
        assert!(seeding.is_some(), "the source seeds");
    }

    async fn source_action(&self, action: &str) {
        let path = format!(
            "/torrents/{}/{action}?server_id={}",
            self.hash(),
            self.source_id
        );
        let (status, body) = self.api.post(&path, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Waits for the job to end; answers it.
    async fn finished(&self, id: &str) -> Value {
        wait_until(Duration::from_secs(90), || async {
            let job = self.job(id).await;
            (job["state"] != "running").then_some(job)
        })
        .await
        .expect("the job ends")
    }

    /// The activity log's `move_to_server` entries of the torrent.
    async fn moves_logged(&self) -> Vec<Value> {
        let (_, page) = self
            .api
            .get(&format!("/activity?info_hash={}", self.hash()))
            .await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "move_to_server")
            .cloned()
            .collect()
    }

    async fn job(&self, id: &str) -> Value {
        let (status, job) = self.api.get(&format!("/jobs/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{job}");
        job
    }

    async fn wait_for_phase(&self, id: &str, phase: &str) {
        wait_until(Duration::from_secs(60), || async {
            let job = self.job(id).await;
            (job["phase"] == phase).then_some(())
        })
        .await
        .unwrap_or_else(|| panic!("the job reaches {phase}"));
    }

    /// The source still lists the torrent and its file is byte for byte
    /// the original.
    async fn assert_source_untouched(&self) {
        assert!(
            self.torrent_on(&self.source_id).await.is_some(),
            "the source keeps the torrent"
        );
        let data = std::fs::read(&self.seeded.torrent.data_path).expect("the source's data");
        assert_eq!(data.len(), SIZE);
    }

    /// The target no longer lists the torrent and its file is gone.
    async fn assert_target_clean(&self) {
        let gone = wait_until(Duration::from_secs(10), || async {
            self.torrent_on(&self.target_id)
                .await
                .is_none()
                .then_some(())
        })
        .await;
        assert!(gone.is_some(), "the target's copy is removed");
        assert!(
            !self.target_dir.join("moved.bin").exists(),
            "the target's partial data is deleted"
        );
    }
}

/// The phases a job's live events went through, in order (repeats dropped),
/// and its last state.
async fn follow(events: &mut EventReader, job_id: &str) -> (Vec<String>, Value) {
    let mut phases: Vec<String> = Vec::new();
    loop {
        let (name, job) = events.next(Duration::from_secs(180)).await;
        if name != "job" || job["id"] != job_id {
            continue;
        }
        let phase = job["phase"].as_str().unwrap_or_default().to_string();
        if phases.last() != Some(&phase) {
            phases.push(phase);
        }
        if job["state"] != "running" {
            return (phases, job);
        }
    }
}

async fn moves_with_its_data(kind: ClientUnderTest) {
    let Some(setup) = Move::start(kind, |_| {}).await else {
        return;
    };
    let original = std::fs::read(&setup.seeded.torrent.data_path).unwrap();
    let mut events = EventReader::open(&setup.api).await;

    let (status, job) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(job["state"], "running");
    assert_eq!(job["phase"], "adding");
    assert_eq!(job["kind"], "move");
    assert_eq!(job["size"], SIZE);
    let id = job["id"].as_str().unwrap().to_string();

    let (phases, done) = follow(&mut events, &id).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["progress"], 1.0);
    // The source goes only after the target had it all and checked it.
    let order = [
        "adding",
        "downloading",
        "verifying",
        "removing_source",
        "done",
    ];
    let positions: Vec<usize> = phases
        .iter()
        .map(|p| order.iter().position(|o| o == p).expect("a known phase"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{phases:?}");
    assert!(phases.contains(&"verifying".to_string()), "{phases:?}");
    assert!(
        phases.contains(&"removing_source".to_string()),
        "{phases:?}"
    );
    assert!(
        done["message"].as_str().unwrap().contains("verified"),
        "{done}"
    );

    let on_target = setup
        .torrent_on(&setup.target_id)
        .await
        .expect("on the target");
    assert_eq!(on_target["complete"], true);
    assert!(
        on_target["labels"]
            .as_array()
            .unwrap()
            .contains(&json!(LABEL)),
        "the target keeps the label: {on_target}"
    );
    let copied = std::fs::read(setup.target_dir.join("moved.bin")).unwrap();
    assert_eq!(copied.len(), SIZE);
    assert!(copied == original, "byte-identical to what was seeded");
    assert!(
        !setup.seeded.torrent.data_path.exists(),
        "the source's data is deleted"
    );
    assert!(setup.torrent_on(&setup.source_id).await.is_none());

    let (_, jobs) = setup.api.get("/jobs").await;
    assert_eq!(jobs["jobs"][0]["id"], id.as_str());
    let moves = setup.moves_logged().await;
    assert!(
        moves.iter().any(|e| e["success"] == true
            && e["actor"]["name"] == "alice"
            && e["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Moved")),
        "{moves:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_from_transmission_to_rtorrent() {
    moves_with_its_data(ClientUnderTest::RtorrentScgi).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_from_transmission_to_qbittorrent() {
    moves_with_its_data(ClientUnderTest::Qbittorrent).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_from_transmission_to_deluge() {
    moves_with_its_data(ClientUnderTest::DelugeRpc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_move_fails_and_leaves_the_source_as_it_was() {
    let tweak = |config: &mut tm_server::Config| config.move_stall_timeout = Duration::from_secs(3);
    let Some(setup) = Move::start(ClientUnderTest::RtorrentScgi, tweak).await else {
        return;
    };
    setup.stop_source().await;
    let (status, job) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap();
    let failed = setup.finished(id).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert_eq!(failed["phase"], "done");
    let message = failed["message"].as_str().unwrap();
    assert!(message.contains("no progress"), "{message}");
    assert!(message.contains("target's copy was removed"), "{message}");
    assert!(failed["finished_at"].is_string());
    setup.assert_target_clean().await;
    setup.assert_source_untouched().await;
    // The source seeds again once started: nothing of it was changed.
    setup.seed_again().await;
    let moves = setup.moves_logged().await;
    assert!(moves.iter().any(|e| e["success"] == false), "{moves:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_whose_target_dies_fails_and_the_source_keeps_seeding() {
    let tweak = |config: &mut tm_server::Config| config.move_stall_timeout = Duration::from_secs(5);
    let Some(mut setup) = Move::start(ClientUnderTest::RtorrentScgi, tweak).await else {
        return;
    };
    setup.stop_source().await;
    let (status, job) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    setup.wait_for_phase(&id, "downloading").await;
    // The target dies mid-way; the source seeds again meanwhile.
    drop(setup.target.take());
    setup.seed_again().await;
    let failed = setup.finished(&id).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    let message = failed["message"].as_str().unwrap();
    assert!(
        message.contains("target's copy could not be removed"),
        "{message}"
    );
    setup.assert_source_untouched().await;
    let source = setup.torrent_on(&setup.source_id).await.unwrap();
    assert_eq!(source["state"], "seeding", "{source}");
    assert_eq!(
        std::fs::read(&setup.seeded.torrent.data_path)
            .unwrap()
            .len(),
        SIZE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canceled_move_removes_the_targets_copy_and_a_restart_fails_the_running_one() {
    let Some(mut setup) = Move::start(ClientUnderTest::RtorrentScgi, |_| {}).await else {
        return;
    };
    setup.stop_source().await;
    let (status, job) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    setup.wait_for_phase(&id, "downloading").await;

    let (status, again) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let bob = setup.app.user("bob").await;
    for path in [format!("/jobs/{id}"), format!("/jobs/{id}/cancel")] {
        let (status, body) = if path.ends_with("cancel") {
            bob.post(&path, json!({})).await
        } else {
            bob.get(&path).await
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["code"], "job_not_found");
    }

    let (status, canceled) = setup
        .api
        .post(&format!("/jobs/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{canceled}");
    assert_eq!(canceled["state"], "canceled", "{canceled}");
    setup.assert_target_clean().await;
    setup.assert_source_untouched().await;
    let (status, body) = setup
        .api
        .post(&format!("/jobs/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // A job running when the server stops is failed by the next start.
    let (status, job) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let second = job["id"].as_str().unwrap().to_string();
    setup.app.restart().await;
    let api = setup.api.clone().rebased(&setup.app.base);
    let (status, job) = api.get(&format!("/jobs/{second}")).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(job["state"], "failed");
    assert_eq!(job["message"], "interrupted by a restart");
    setup.api = api;
    setup.assert_source_untouched().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_is_checked_before_it_starts() {
    let Some(setup) = Move::start(ClientUnderTest::RtorrentScgi, |_| {}).await else {
        return;
    };
    let hash = setup.hash().to_string();
    let refused = |status: StatusCode, code: &'static str| (status, code);
    let cases = [
        (
            json!({"from_server_id": "nope", "to_server_id": setup.target_id}),
            refused(StatusCode::NOT_FOUND, "server_not_found"),
        ),
        (
            json!({"from_server_id": setup.source_id, "to_server_id": "nope"}),
            refused(StatusCode::NOT_FOUND, "server_not_found"),
        ),
        (
            json!({"from_server_id": setup.source_id, "to_server_id": setup.source_id}),
            refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        ),
        (
            json!({"from_server_id": setup.target_id, "to_server_id": setup.source_id}),
            refused(StatusCode::NOT_FOUND, "torrent_not_found"),
        ),
        (
            json!({"from_server_id": setup.source_id, "to_server_id": setup.target_id,
                "save_path": "relative/dir"}),
            refused(StatusCode::BAD_REQUEST, "invalid_input"),
        ),
        (
            json!({"from_server_id": setup.source_id, "to_server_id": setup.target_id,
                "save_path": setup.source.download_dir}),
            refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        ),
        (
            json!({"from_server_id": setup.source_id, "to_server_id": setup.target_id,
                "surprise": true}),
            refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        ),
    ];
    for (body, (status, code)) in cases {
        let (got, answer) = setup.post_move(body.clone()).await;
        assert_eq!(
            (got, answer["code"].as_str().unwrap_or_default()),
            (status, code),
            "{body}: {answer}"
        );
    }
    let bob = setup.app.user("bob").await;
    let (status, answer) = bob
        .post(&format!("/torrents/{hash}/move"), setup.request())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["code"], "server_not_found");

    // No stored .torrent: nothing to give the target.
    setup
        .app
        .execute_sql(&format!("DELETE FROM metainfo WHERE info_hash = '{hash}'"))
        .await;
    let (status, answer) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["code"], "metainfo_missing");

    // Already on the target.
    let (status, body) = upload(
        &setup.api,
        &format!("?server_id={}&start=false", setup.target_id),
        "t.torrent",
        setup.seeded.torrent.bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, answer) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["code"], "duplicate_torrent");

    // Incomplete on the source: a torrent whose data is not there.
    let elsewhere = tempfile::tempdir().unwrap();
    let missing = TestTorrent::single_file(elsewhere.path(), "absent.bin", 40_000, None).unwrap();
    let (status, body) = upload(
        &setup.api,
        &format!("?server_id={}&start=false", setup.source_id),
        "absent.torrent",
        missing.bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, answer) = setup
        .api
        .post(
            &format!("/torrents/{}/move", missing.info_hash),
            setup.request(),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["code"], "incomplete");
    // A disabled target takes nothing.
    let (status, body) = setup
        .api
        .put(
            &format!("/servers/{}", setup.target_id),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, answer) = setup.post_move(setup.request()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["code"], "conflict");
    let (_, jobs) = setup.api.get("/jobs").await;
    assert_eq!(jobs["jobs"], json!([]), "no refused move made a job");
}

#[tokio::test]
async fn jobs_are_kept_on_postgres_too() {
    let Some(mut app) = TestApp::try_spawn(Db::Postgres, |_| {}).await else {
        return;
    };
    let api = app.user("alice").await;
    let (status, jobs) = api.get("/jobs").await;
    assert_eq!((status, &jobs["jobs"]), (StatusCode::OK, &json!([])));
    let (_, me) = api.get("/auth/me").await;
    let user_id = me["user_id"].as_str().unwrap();
    // Run by this (live) instance.
    app.execute_sql(&format!(
        "INSERT INTO jobs (id, user_id, kind, state, phase, info_hash, name, from_server_id, \
         to_server_id, save_path, remove_source, delete_data, size, progress, download_rate, \
         message, created_at, updated_at, finished_at, runner) VALUES ('j1', '{user_id}', \
         'move', 'running', 'downloading', '{hash}', 'x', 'a', 'b', NULL, TRUE, FALSE, 10, 0.5, \
         7, NULL, 1, 2, NULL, (SELECT id FROM instances))",
        hash = "a".repeat(40)
    ))
    .await;
    let (_, job) = api.get("/jobs/j1").await;
    assert_eq!(
        (&job["state"], &job["progress"]),
        (&json!("running"), &json!(0.5))
    );
    app.restart().await;
    let api = api.rebased(&app.base);
    let (status, job) = api.get("/jobs/j1").await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(job["state"], "failed");
    assert_eq!(job["phase"], "done");
    // Its instance stopped: the next one (the only one) fails it.
    let message = job["message"].as_str().unwrap();
    assert!(
        message.starts_with("its instance of torrent-manager stopped"),
        "{message}"
    );
    let (status, body) = api.post("/jobs/j1/cancel", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}
