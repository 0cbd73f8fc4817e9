//! Moving a torrent's data (`POST /torrents/{hash}/location`, the rule
//! action `move`) on every real client: the files arrive byte-identical,
//! leave the old place, and the torrent keeps seeding from the new one.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::TestTorrent;

use crate::daemons::{client_and_app, register, seed, wait_until};
use crate::harness::Api;
use crate::qbit_client::{FacadeOverClient, facade_over_client};

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

/// Every regular file below `path` (or `path` itself), relative, with its bytes.
fn contents(path: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        if at.is_dir() {
            for entry in std::fs::read_dir(at).unwrap() {
                walk(root, &entry.unwrap().path(), out);
            }
        } else if let Ok(bytes) = std::fs::read(at) {
            let relative = at
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((relative, bytes));
        }
    }
    let mut out = Vec::new();
    walk(path, path, &mut out);
    out.sort();
    out
}

fn trimmed(dir: &Value) -> String {
    dir.as_str()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned()
}

/// Moves the seeding `torrent` into `to` through the API and checks the
/// data, the torrent and the activity log afterwards.
async fn moves_and_keeps_seeding(api: &Api, server_id: &str, torrent: &TestTorrent, to: &Path) {
    let hash = &torrent.info_hash;
    let before = contents(&torrent.data_path);
    assert!(!before.is_empty());
    let to_text = to.to_str().unwrap();
    let (status, moved) = api
        .post(
            &format!("/torrents/{hash}/location?server_id={server_id}"),
            json!({"path": format!("{to_text}/")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        moved["message"],
        format!("Torrent data moved to {to_text}"),
        "{moved}"
    );
    assert_eq!(moved["info_hash"], json!(hash));

    let new_path = to.join(torrent.data_path.file_name().unwrap());
    let settled = wait_until(Duration::from_secs(30), || async {
        let (_, t) = api.get(&format!("/torrents/{hash}")).await;
        let done = trimmed(&t["save_path"]) == to_text
            && t["state"] == "seeding"
            && t["progress"] == json!(100.0)
            && contents(&new_path) == before
            && !torrent.data_path.exists();
        done.then_some(t)
    })
    .await;
    let (_, now) = api.get(&format!("/torrents/{hash}")).await;
    let torrent_now = settled.unwrap_or_else(|| {
        panic!(
            "not moved to {to_text}: {now}; new place holds {:?} files, old exists: {}",
            contents(&new_path).len(),
            torrent.data_path.exists()
        )
    });
    assert_eq!(torrent_now["complete"], true, "{torrent_now}");

    let (status, activity) = api.get(&format!("/activity?info_hash={hash}")).await;
    assert_eq!(status, StatusCode::OK, "{activity}");
    // Newest first: the move, after any refused attempts (recorded as failed).
    let moves: Vec<&Value> = activity["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "move")
        .collect();
    assert_eq!(
        moves.iter().filter(|e| e["success"] == true).count(),
        1,
        "{activity}"
    );
    assert_eq!(
        (&moves[0]["success"], &moves[0]["message"]),
        (&json!(true), &moved["message"]),
        "{activity}"
    );
    assert_eq!(moves[0]["actor"]["kind"], "web", "{activity}");
}

tm_testkit::for_every_client! {
    async fn moving_data_keeps_the_torrent_seeding(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let (_, server) = api.get(&format!("/servers/{server_id}")).await;
        if matches!(daemon.kind(), tm_backends::ClientKind::Rqbit | tm_backends::ClientKind::Embedded) {
            // librqbit has no move: the capability says so.
            assert_eq!(server["capabilities"]["move"], false, "{server}");
            return;
        }
        assert_eq!(server["capabilities"]["move"], true, "{server}");

        let single = TestTorrent::single_file(&client.download_dir, "move-me.bin", 70_000, Some(TRACKER)).unwrap();
        seed(&api, &server_id, &single, "").await;
        let hash = &single.info_hash;

        // A bad path is refused before the client sees it; nothing moves.
        for bad in ["", "relative/dir", "/srv/../etc", "/srv/./x", "/srv/a\nb"] {
            let (status, body) = api.post(&format!("/torrents/{hash}/location"), json!({"path": bad})).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_input")), "{bad:?}: {body}");
        }
        let (status, body) = api.post(&format!("/torrents/{}/location", "0".repeat(40)), json!({"path": "/tmp/x"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(single.data_path.exists());

        let moved_dir = client.download_dir.join("moved here");
        moves_and_keeps_seeding(&api, &server_id, &single, &moved_dir).await;

        // rTorrent's move is ours: a multi-file torrent moves file by file,
        // and its emptied folder goes.
        if daemon.kind() == tm_backends::ClientKind::Rtorrent {
            let files = [("a.bin", 30_000), ("sub/b.bin", 20_000), ("sub/deeper/c.bin", 10_000)];
            let album = TestTorrent::multi_file(&client.download_dir, "Album", &files, Some(TRACKER)).unwrap();
            seed(&api, &server_id, &album, "").await;
            moves_and_keeps_seeding(&api, &server_id, &album, &moved_dir.join("albums")).await;
            assert!(!album.data_path.exists(), "the emptied folder stays at {:?}", album.data_path);

            // Nothing is overwritten: with the name taken at the target, the
            // move is refused and the torrent stays, seeding where it was.
            let clash = TestTorrent::single_file(&client.download_dir, "clash.bin", 20_000, Some(TRACKER)).unwrap();
            seed(&api, &server_id, &clash, "").await;
            std::fs::write(moved_dir.join("clash.bin"), b"someone else's").unwrap();
            let (status, body) = api.post(&format!("/torrents/{}/location", clash.info_hash), json!({"path": moved_dir})).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("client_rejected")), "{body}");
            assert!(body["detail"].as_str().unwrap().contains("already exists"), "{body}");
            assert_eq!(std::fs::read(moved_dir.join("clash.bin")).unwrap(), b"someone else's");
            assert_eq!(contents(&clash.data_path).len(), 1);
            let (_, t) = api.get(&format!("/torrents/{}", clash.info_hash)).await;
            assert_eq!((trimmed(&t["save_path"]), &t["state"]), (client.download_dir.to_str().unwrap().to_owned(), &json!("seeding")), "{t}");
        }
    }

    async fn a_move_rule_moves_a_completed_torrent_once(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let (_, server) = api.get(&format!("/servers/{server_id}")).await;
        if server["capabilities"]["move"] != true {
            return; // librqbit: no move (checked above).
        }
        let torrent = TestTorrent::single_file(&client.download_dir, "finished.bin", 40_000, Some(TRACKER)).unwrap();
        seed(&api, &server_id, &torrent, "").await;
        let hash = &torrent.info_hash;
        let done_dir = client.download_dir.join("completed");
        let done_text = done_dir.to_str().unwrap();

        // The recipe, pointed at this client's folder.
        let (_, recipes) = api.get("/rules/recipes").await;
        let recipe = recipes["recipes"].as_array().unwrap().iter().find(|r| r["id"] == "move_completed").expect("the recipe").clone();
        let mut rule = recipe["rule"].clone();
        rule["conditions"]["all"][1]["value"] = json!(done_text);
        rule["actions"][0]["path"] = json!(done_text);
        rule["enabled"] = json!(false);
        let (status, created) = api.post("/rules", rule).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let id = created["id"].as_str().unwrap();

        let (_, run) = api.post(&format!("/rules/{id}/run"), json!({})).await;
        assert_eq!(run["matched"], 1, "{run}");
        assert_eq!(run["actions"][0]["outcome"], "done", "{run}");
        assert_eq!(run["actions"][0]["action"], format!("move {done_text}"), "{run}");
        let moved = wait_until(Duration::from_secs(30), || async {
            let (_, t) = api.get(&format!("/torrents/{hash}")).await;
            (trimmed(&t["save_path"]) == done_text && t["state"] == "seeding" && done_dir.join("finished.bin").exists()).then_some(())
        })
        .await;
        assert!(moved.is_some(), "{:?}", api.get(&format!("/torrents/{hash}")).await);
        assert_eq!(std::fs::read(done_dir.join("finished.bin")).unwrap().len(), 40_000);

        // Once there it no longer matches; run again, nothing is done.
        let (_, run) = api.post(&format!("/rules/{id}/run"), json!({})).await;
        assert_eq!(run, json!({"matched": 0, "actions": []}));
        let (_, activity) = api.get(&format!("/activity?rule_id={id}")).await;
        let items = activity["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{activity}");
        assert_eq!((&items[0]["action"], &items[0]["actor"]["kind"]), (&json!("move"), &json!("rule")));
    }
}

/// The qBittorrent facade's `setLocation` and the bulk action `move` move
/// through the same path, and refuse a relative location before any client
/// sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facade_and_the_bulk_action_move_data() {
    let Some((client, app)) =
        client_and_app(tm_testkit::ClientUnderTest::Transmission, |_| {}).await
    else {
        return;
    };
    let FacadeOverClient {
        app: _app,
        api,
        server_id,
        qbit,
    } = facade_over_client(&client, app, "box").await;
    let torrent =
        TestTorrent::single_file(&client.download_dir, "facade.bin", 40_000, Some(TRACKER))
            .unwrap();
    seed(&api, &server_id, &torrent, "").await;
    let hash = torrent.info_hash.as_str();
    let (status, _) = qbit
        .post(
            "/torrents/setLocation",
            &[("hashes", hash), ("location", "relative")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(torrent.data_path.exists());

    let to = client.download_dir.join("by facade");
    qbit.ok(
        "/torrents/setLocation",
        &[("hashes", hash), ("location", to.to_str().unwrap())],
    )
    .await;
    let moved = wait_until(Duration::from_secs(30), || async {
        let (_, t) = api.get(&format!("/torrents/{hash}")).await;
        (trimmed(&t["save_path"]) == to.to_str().unwrap()
            && to.join("facade.bin").exists()
            && !torrent.data_path.exists())
        .then_some(())
    })
    .await;
    assert!(
        moved.is_some(),
        "{:?}",
        api.get(&format!("/torrents/{hash}")).await
    );
    let (_, activity) = api.get(&format!("/activity?info_hash={hash}")).await;
    let last = &activity["items"][0];
    assert_eq!(
        (&last["action"], &last["success"], &last["actor"]["kind"]),
        (&json!("move"), &json!(true), &json!("facade")),
        "{activity}"
    );

    // In bulk: each torrent alone, an unknown one fails; no path is a 400.
    let back = client.download_dir.join("back");
    let unknown = "0".repeat(40);
    let torrents = json!([{"server_id": server_id, "info_hash": hash}, {"server_id": server_id, "info_hash": unknown}]);
    let (status, body) = api
        .post(
            "/torrents/actions",
            json!({"action": "move", "torrents": torrents}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, answer) = api
        .post(
            "/torrents/actions",
            json!({"action": "move", "torrents": torrents, "path": back}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        (
            answer["success_count"].clone(),
            answer["failure_count"].clone()
        ),
        (json!(1), json!(1)),
        "{answer}"
    );
    let moved = wait_until(Duration::from_secs(30), || async {
        let (_, t) = api.get(&format!("/torrents/{hash}")).await;
        (trimmed(&t["save_path"]) == back.to_str().unwrap() && back.join("facade.bin").exists())
            .then_some(())
    })
    .await;
    assert!(
        moved.is_some(),
        "{:?}",
        api.get(&format!("/torrents/{hash}")).await
    );
}
