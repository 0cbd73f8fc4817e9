//! The API shows what the client holds: writes answer with the client's
//! state, and changes made behind the server's back (another tool talking to
//! the daemon directly) reach the list after the next full list.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_backends::{ClientKind, TorrentClient};
use tm_testkit::TestTorrent;

use crate::daemons::{
    ClientUnderTest, TwoServers, client_and_app, paused_torrents_on, register, two_servers, upload,
    wait_until,
};
use crate::events::EventReader;
use crate::harness::{Api, Db, TestApp};
use crate::labels::{LabelSupport, held, label_support};

/// rTorrent drops torrents that name no tracker; nothing listens here.
const TRACKER: &str = "http://127.0.0.1:1/announce";

/// Short, so that changes made behind the server's back show up quickly.
const RESYNC: Duration = Duration::from_secs(2);

/// Transmission counts a torrent as "recently active" for 60 s after its
/// last activity; only later does its incremental list leave it out.
const RECENTLY_ACTIVE_WINDOW: Duration = Duration::from_secs(75);

/// A tracker on a free loopback port that refuses every announce with a
/// bencoded `failure reason`; returns its announce URL. (It exists only to
/// inject this fault: Transmission keeps retrying a tracker it cannot reach
/// without calling it an error.)
async fn refusing_tracker() -> String {
    let refusal = || async { b"d14:failure reason19:torrent not allowede".to_vec() };
    let router = axum::Router::new().fallback(refusal);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/announce", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// The labels the list shows for `hash`, if it is listed.
async fn listed_labels(api: &Api, hash: &str) -> Option<Value> {
    let (_, list) = api.get("/torrents").await;
    list.as_array()?
        .iter()
        .find(|t| t["info_hash"] == hash)
        .map(|t| t["labels"].clone())
}

/// Whether the server's `api_version` (qBittorrent's WebAPI) is `minimum` or later.
fn webapi_at_least(server: &Value, minimum: [u32; 3]) -> bool {
    let version: Vec<u32> = server["api_version"]
        .as_str()
        .unwrap_or_else(|| panic!("an api_version: {server}"))
        .split('.')
        .map(|part| part.parse().expect("a numeric version"))
        .collect();
    version.as_slice() >= minimum.as_slice()
}

/// Sets `labels` in the client directly, as another tool would.
async fn set_directly(direct: &Arc<dyn TorrentClient>, hash: &str, labels: &[&str]) {
    let labels: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    direct
        .set_labels(hash, &labels)
        .await
        .expect("labels set directly");
}

/// Waits until the client no longer counts the torrent as recently active
/// (Transmission), so that only a full list can show its changes.
async fn wait_until_idle(direct: &Arc<dyn TorrentClient>, hash: &str) {
    direct.list_changes().await.expect("first list");
    wait_until(RECENTLY_ACTIVE_WINDOW, || async {
        let changes = direct.list_changes().await.expect("changes");
        changes
            .torrents
            .iter()
            .all(|t| t.info_hash != hash)
            .then_some(())
    })
    .await
    .expect("the torrent leaves the recently-active list");
}

tm_testkit::for_every_client! {
    async fn label_edits_show_what_the_client_holds(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |c| c.full_resync_interval = RESYNC).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        // Another tool talking to the daemon, bypassing our server.
        let direct = tm_backends::connect(&client.config).expect("adapter");

        let scratch = tempfile::tempdir().unwrap();
        let torrent =
            TestTorrent::single_file(scratch.path(), "idle.bin", 100_000, Some(TRACKER)).unwrap();
        let query = format!("?server_id={server_id}&start=false");
        let (status, added) = upload(&api, &query, "idle.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let hash = torrent.info_hash.clone();
        let (_, server) = api.get(&format!("/servers/{server_id}")).await;
        if server["capabilities"]["incremental_list"] == true {
            wait_until_idle(&direct, &hash).await;
        }
        let labels_path = format!("/torrents/{hash}/labels?server_id={server_id}");
        if label_support(&server) == LabelSupport::None {
            // rqbit: refused, and the torrent keeps none.
            let (status, answer) = api.put(&labels_path, json!({"labels": ["classical"]})).await;
            assert_eq!((status, answer["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_unsupported")), "{answer}");
            assert_eq!(listed_labels(&api, &hash).await, Some(json!([])));
            return;
        }

        // A label set through the API is in the answer, in the list at once,
        // and live clients hear of it.
        let mut events = EventReader::open(&api).await;
        let (status, answer) = api.put(&labels_path, json!({"labels": ["classical"]})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["labels"], json!(["classical"]));
        assert_eq!(listed_labels(&api, &hash).await, Some(json!(["classical"])));
        events
            .delta_where(|delta| {
                delta["changed"].as_array().is_some_and(|changed| {
                    changed.iter().any(|t| t["info_hash"] == hash && t["labels"] == json!(["classical"]))
                })
            })
            .await;

        // A label set directly in the daemon reaches the list by the next full list.
        let single = label_support(&server) == LabelSupport::Single;
        let direct_labels: &[&str] = if single { &["direct"] } else { &["classical", "direct"] };
        set_directly(&direct, &hash, direct_labels).await;
        let seen = wait_until(RESYNC * 5, || async {
            (listed_labels(&api, &hash).await == Some(held(daemon, direct_labels))).then_some(())
        })
        .await;
        assert!(seen.is_some(), "list: {:?}", listed_labels(&api, &hash).await);

        // Adding a label keeps one the daemon has but our snapshot may not;
        // where a torrent holds one label, that one makes the add fail.
        let behind: &[&str] = if single { &["behind"] } else { &["classical", "behind"] };
        set_directly(&direct, &hash, behind).await;
        let (status, answer) = api.post(&labels_path, json!({"label": "piano"})).await;
        let now: &[&str] = if single {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
            &["behind"]
        } else {
            assert_eq!(status, StatusCode::OK, "{answer}");
            assert_eq!(answer["labels"], held(daemon, &["classical", "behind", "piano"]));
            &["classical", "behind", "piano"]
        };
        let in_client = direct.get(&hash).await.unwrap().unwrap().labels;
        assert_eq!(json!(in_client), held(daemon, now));
        if !single {
            assert_eq!(listed_labels(&api, &hash).await, Some(held(daemon, now)));
        }

        // Removing one works from the client's labels too.
        let (late, left): (&[&str], &[&str]) =
            if single { (&["late"], &[]) } else { (&["piano", "late"], &["piano"]) };
        set_directly(&direct, &hash, late).await;
        let (status, answer) = api.delete(&format!("/torrents/{hash}/labels/late?server_id={server_id}")).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["labels"], json!(left));
    }

    async fn a_torrent_removed_in_the_daemon_leaves_the_list(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |c| c.full_resync_interval = RESYNC).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let direct = tm_backends::connect(&client.config).expect("adapter");

        let scratch = tempfile::tempdir().unwrap();
        let torrent =
            TestTorrent::single_file(scratch.path(), "gone.bin", 100_000, Some(TRACKER)).unwrap();
        let query = format!("?server_id={server_id}&start=false");
        let (status, added) = upload(&api, &query, "gone.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let hash = torrent.info_hash.clone();
        assert!(listed_labels(&api, &hash).await.is_some());

        direct.remove(&hash, false).await.unwrap();
        let gone = wait_until(RESYNC * 5, || async {
            listed_labels(&api, &hash).await.is_none().then_some(())
        })
        .await;
        assert!(gone.is_some(), "still listed after a full list");
        let (status, _) = api.get(&format!("/torrents/{hash}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn a_failing_tracker_is_a_tracker_error(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let scratch = tempfile::tempdir().unwrap();
        let announce = refusing_tracker().await;
        let torrent =
            TestTorrent::single_file(scratch.path(), "lonely.bin", 100_000, Some(&announce)).unwrap();
        let query = format!("?server_id={server_id}&start=true");
        let (status, added) = upload(&api, &query, "lonely.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let hash = torrent.info_hash.clone();

        let (_, server) = api.get(&format!("/servers/{server_id}")).await;
        if matches!(daemon.kind(), ClientKind::Rqbit | ClientKind::Embedded) {
            // librqbit tells nothing of its announces: never a tracker error.
            tokio::time::sleep(Duration::from_secs(3)).await;
            let (_, list) = api.get("/torrents?error=tracker").await;
            assert_eq!(list, json!([]), "{list}");
            return;
        }
        if daemon.kind() == ClientKind::Qbittorrent && !webapi_at_least(&server, [2, 11, 7]) {
            // qBittorrent lists tracker errors from WebAPI 2.11.7 on (5.1);
            // before, only the torrent's tracker list tells of them.
            let refused = wait_until(Duration::from_secs(60), || async {
                let (_, trackers) = api.get(&format!("/torrents/{hash}/trackers")).await;
                trackers["trackers"].as_array()?.iter().find(|t| t["status"] == "error").cloned()
            })
            .await
            .expect("the failed announce is in the tracker list");
            assert!(refused["message"].as_str().unwrap().contains("not allowed"), "{refused}");
            let (_, list) = api.get("/torrents?error=any").await;
            assert_eq!(list, json!([]), "no tracker errors in the list before WebAPI 2.11.7");
            return;
        }
        let failing = wait_until(Duration::from_secs(60), || async {
            let (_, list) = api.get("/torrents?error=tracker").await;
            list.as_array()?.iter().find(|t| t["info_hash"] == hash).cloned()
        })
        .await
        .expect("the failed announce is reported");
        assert_eq!(failing["error_kind"], "tracker", "{failing}");
        assert!(failing["error"].is_string(), "{failing}");
        assert_ne!(failing["state"], "error", "the torrent itself works: {failing}");
        assert_eq!(failing["tracker"], "127.0.0.1");

        let hashes = |list: Value| -> Vec<String> {
            list.as_array().unwrap().iter().map(|t| t["info_hash"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(hashes(api.get("/torrents?error=any").await.1), [hash.as_str()]);
        assert!(hashes(api.get("/torrents?error=client").await.1).is_empty());
        assert_eq!(hashes(api.get("/torrents?tracker=127.0.0.1").await.1), [hash.as_str()]);
        assert!(hashes(api.get("/torrents?tracker=tracker.example.org").await.1).is_empty());
        let (status, body) = api.get("/torrents?error=sometimes").await;
        assert!(status.is_client_error(), "{status} {body}");
        assert!(body["detail"].as_str().unwrap().contains("any, tracker or client"), "{body}");
    }

    async fn servers_show_their_rates_and_free_space(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        // rTorrent tells free space only through an open torrent: one is
        // there, started, before the server is registered.
        let direct = tm_backends::connect(&client.config).expect("adapter");
        let scratch = tempfile::tempdir().unwrap();
        let torrent =
            TestTorrent::single_file(scratch.path(), "space.bin", 100_000, Some(TRACKER)).unwrap();
        let source = tm_backends::TorrentSource::File(torrent.bytes.clone());
        direct
            .add(tm_backends::AddTorrent { source, start: true, labels: vec![], save_path: None, category: None, skip_checking: false })
            .await
            .unwrap();
        let open = wait_until(Duration::from_secs(10), || async {
            direct.free_space().await.unwrap().filter(|bytes| *bytes > 0)
        })
        .await;
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        if daemon.kind() == ClientKind::Rqbit {
            // rqbit's API tells no free space: it stays unknown.
            let server = wait_until(Duration::from_secs(5), || async {
                let (_, server) = api.get(&format!("/servers/{server_id}")).await;
                (server["torrent_count"] == 1).then_some(server)
            })
            .await
            .expect("the torrent is counted");
            assert_eq!((&server["torrent_count"], &server["free_space"]), (&json!(1), &Value::Null), "{server}");
            return;
        }
        // Asked right after the first list.
        let server = wait_until(Duration::from_secs(5), || async {
            let (_, server) = api.get(&format!("/servers/{server_id}")).await;
            server["free_space"].is_u64().then_some(server)
        })
        .await
        .expect("free space known");
        assert_eq!(server["torrent_count"], 1, "{server}");
        // Nothing moves data here: the sums are 0 (the snapshot tests sum rates).
        assert_eq!(server["download_rate"], 0, "{server}");
        assert_eq!(server["upload_rate"], 0, "{server}");
        let free = server["free_space"].as_u64().unwrap();
        assert!(free > 0, "{server}");
        // What the filesystem holding the download directory has (`df`;
        // other processes write meanwhile, hence the slack).
        open.expect("the torrent's files are open");
        let df = std::process::Command::new("df")
            .args(["-B1", "--output=avail"])
            .arg(&client.download_dir)
            .output()
            .expect("df runs");
        let available: u64 = String::from_utf8_lossy(&df.stdout)
            .lines()
            .nth(1)
            .and_then(|line| line.trim().parse().ok())
            .expect("df reports the available bytes");
        let slack = available / 10 + 256 * 1024 * 1024;
        assert!(free.abs_diff(available) < slack, "{free} vs df {available}");
        // The list shows it too (refreshed meanwhile: other tests write).
        let (_, list) = api.get("/servers").await;
        let listed = list[0]["free_space"].as_u64().expect("listed free space");
        assert!(listed.abs_diff(available) < slack, "{list} vs df {available}");
    }

    async fn a_magnet_is_listed_under_its_name_while_its_metadata_comes(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let scratch = tempfile::tempdir().unwrap();
        let torrent =
            TestTorrent::single_file(scratch.path(), "Some Album", 100_000, Some(TRACKER)).unwrap();
        let body = json!({"uri": torrent.magnet(Some(TRACKER)), "server_id": server_id, "start": true});
        let (status, added) = api.post("/torrents", body).await;
        if daemon.kind() == ClientKind::Rqbit {
            // rqbit takes a magnet only with its metadata, which no peer
            // has here: the add says so, and nothing is listed.
            assert_eq!((status, added["code"].as_str()), (StatusCode::BAD_REQUEST, Some("client_rejected")), "{added}");
            assert!(added["detail"].as_str().unwrap().contains("metadata"), "{added}");
            assert_eq!(api.get(&format!("/torrents/{}", torrent.info_hash)).await.0, StatusCode::NOT_FOUND);
            return;
        }
        assert_eq!(status, StatusCode::OK, "{added}");
        let path = format!("/torrents/{}", torrent.info_hash);
        let (_, listed) = api.get(&path).await;
        assert_eq!(listed["name"], "Some Album", "named at once: {listed}");
        // Transmission may queue it for a moment first.
        let listed = wait_until(Duration::from_secs(10), || async {
            let (_, listed) = api.get(&path).await;
            (listed["state"] == "metadata").then_some(listed)
        })
        .await
        .expect("fetching its metadata");
        assert_eq!(listed["name"], "Some Album", "{listed}");
        assert_eq!(listed["is_magnet"], true);
        assert_eq!(listed["tracker"], "127.0.0.1");
    }
}

/// Labels added and removed on many torrents of several servers at once,
/// each from the labels its client holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_label_edits_keep_what_each_client_holds() {
    let Some(TwoServers {
        app: _app,
        alice: api,
        clients: [transmission, rtorrent],
        ids: [t_id, r_id],
    }) = two_servers(
        (ClientUnderTest::Transmission, "tr"),
        (ClientUnderTest::RtorrentScgi, "rt"),
    )
    .await
    else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let refs =
        paused_torrents_on(&api, scratch.path(), &[&t_id, &t_id, &r_id], "&labels=old").await;
    // Set behind the server's back, on the first torrent of each client.
    for (config, r) in [
        (&transmission.config, &refs[0]),
        (&rtorrent.config, &refs[2]),
    ] {
        let direct = tm_backends::connect(config).unwrap();
        let hash = r["info_hash"].as_str().unwrap();
        direct
            .set_labels(hash, &["old".into(), "direct".into()])
            .await
            .unwrap();
    }
    let mut with_bad = refs.clone();
    with_bad.push(json!({"server_id": t_id, "info_hash": "0".repeat(40)}));

    let action = |action: &str, labels: Value, torrents: Vec<Value>| json!({"action": action, "labels": labels, "torrents": torrents});
    let (status, added) = api
        .post(
            "/torrents/actions",
            action("add_labels", json!(["new", " new ", "hd"]), with_bad),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(
        (
            added["success_count"].as_u64(),
            added["failure_count"].as_u64()
        ),
        (Some(3), Some(1)),
        "{added}"
    );
    assert_eq!(added["results"][0]["message"], "Labels added");
    let expected = [
        json!(["old", "direct", "new", "hd"]),
        json!(["old", "new", "hd"]),
        json!(["old", "direct", "new", "hd"]),
    ];
    for (r, labels) in refs.iter().zip(&expected) {
        let hash = r["info_hash"].as_str().unwrap();
        assert_eq!(
            listed_labels(&api, hash).await.as_ref(),
            Some(labels),
            "{hash}"
        );
    }

    let (status, removed) = api
        .post(
            "/torrents/actions",
            action("remove_labels", json!(["old", "hd"]), refs.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["success_count"], 3, "{removed}");
    let expected = [
        json!(["direct", "new"]),
        json!(["new"]),
        json!(["direct", "new"]),
    ];
    for (r, labels) in refs.iter().zip(&expected) {
        let hash = r["info_hash"].as_str().unwrap();
        assert_eq!(
            listed_labels(&api, hash).await.as_ref(),
            Some(labels),
            "{hash}"
        );
    }

    for labels in [json!([]), json!(["  "])] {
        let (status, body) = api
            .post(
                "/torrents/actions",
                action("add_labels", labels, refs.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let (status, body) = api
        .post(
            "/torrents/actions",
            action("remove_labels", json!(["a,b"]), refs.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

/// A torrent that disappeared while Transmission was down (its files removed
/// by another tool) is in no incremental list: only a full list shows it gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torrent_gone_while_transmission_was_down_leaves_the_list() {
    use tm_testkit::{TransmissionDaemon, daemon_available};
    if !daemon_available("transmission-daemon") {
        return;
    }
    let mut daemon = TransmissionDaemon::start()
        .await
        .expect("transmission-daemon starts");
    let app = TestApp::try_spawn(Db::Sqlite, |c| c.full_resync_interval = RESYNC)
        .await
        .expect("sqlite");
    let api = app.user("alice").await;
    let server_id = register(&api, "box", &daemon.config()).await;
    let scratch = tempfile::tempdir().unwrap();
    let mut hashes = Vec::new();
    for name in ["gone.bin", "kept.bin"] {
        let torrent =
            TestTorrent::single_file(scratch.path(), name, 30_000, Some(TRACKER)).unwrap();
        let query = format!("?server_id={server_id}&start=false");
        let (status, added) = upload(&api, &query, name, torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        hashes.push(torrent.info_hash.clone());
    }
    let (gone, kept) = (hashes[0].clone(), hashes[1].clone());

    daemon
        .restart(|config| {
            for folder in ["torrents", "resume"] {
                let Ok(entries) = std::fs::read_dir(config.join(folder)) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().to_lowercase();
                    if name.starts_with(&gone) {
                        std::fs::remove_file(entry.path()).unwrap();
                    }
                }
            }
        })
        .await
        .expect("transmission-daemon restarts");
    let direct = tm_backends::connect(&daemon.config()).unwrap();
    let loaded = wait_until(Duration::from_secs(10), || async {
        direct.get(&kept).await.ok().flatten().map(drop)
    })
    .await;
    assert!(loaded.is_some(), "the daemon loads its torrents again");
    let forgotten = direct.get(&gone).await.unwrap();
    assert!(forgotten.is_none(), "the daemon forgot it");

    let listed_only_kept = wait_until(Duration::from_secs(30), || async {
        let (_, list) = api.get("/torrents").await;
        let listed: Vec<&str> = list
            .as_array()?
            .iter()
            .filter_map(|t| t["info_hash"].as_str())
            .collect();
        (listed == [kept.as_str()]).then_some(())
    })
    .await;
    assert!(
        listed_only_kept.is_some(),
        "list: {}",
        api.get("/torrents").await.1
    );
}
