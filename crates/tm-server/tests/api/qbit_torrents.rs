//! The qBittorrent API over real clients: categories routing adds to a
//! server and save path, qBittorrent's units and state names, actions
//! (reannounce too), tags, share limits, and deletion with the data.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tm_testkit::{RunningClient, TestTorrent};

use crate::daemons::{ClientUnderTest, client_and_app, register, wait_until};
use crate::harness::Api;
use crate::qbit_client::{FacadeOverClient, Qbit, facade_over_client};

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

pub async fn info(qbit: &Qbit, form: &[(&str, &str)]) -> Vec<Value> {
    qbit.json("/torrents/info", form)
        .await
        .as_array()
        .unwrap()
        .clone()
}

pub async fn one(qbit: &Qbit, hash: &str) -> Option<Value> {
    info(qbit, &[("hashes", hash)]).await.into_iter().next()
}

pub fn hashes(list: &[Value]) -> Vec<&str> {
    list.iter().map(|t| t["hash"].as_str().unwrap()).collect()
}

pub fn tags_of(torrent: &Value) -> Vec<String> {
    let mut tags: Vec<String> = torrent["tags"]
        .as_str()
        .unwrap()
        .split(", ")
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    tags.sort();
    tags
}

/// Waits until the torrent's state is one of `states`.
async fn state_in(qbit: &Qbit, hash: &str, states: &[&str]) -> Value {
    wait_until(Duration::from_secs(30), || async {
        one(qbit, hash)
            .await
            .filter(|t| states.contains(&t["state"].as_str().unwrap()))
    })
    .await
    .unwrap_or_else(|| panic!("{hash} never reached {states:?}"))
}

pub async fn add_file(qbit: &Qbit, torrent: &TestTorrent, fields: &[(&str, &str)]) -> String {
    let part = reqwest::multipart::Part::bytes(torrent.bytes.clone())
        .file_name("t.torrent")
        .mime_str("application/x-bittorrent")
        .unwrap();
    let mut form = reqwest::multipart::Form::new().part("torrents", part);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let (status, body) = qbit
        .send(qbit.http.post(qbit.url("/torrents/add")).multipart(form))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn facade_over(daemon: ClientUnderTest) {
    let Some((client, app)) = client_and_app(daemon, |_| {}).await else {
        return;
    };
    let FacadeOverClient {
        app: _app,
        api,
        server_id: box_id,
        qbit,
        ..
    } = facade_over_client(&client, app, "box").await;

    // A category routed to the server and a save path on it.
    let tv_dir = qbit
        .routed_category("tv", &client.download_dir, "box")
        .await;
    let tv = tv_dir.to_str().unwrap();
    assert_eq!(
        qbit.post("/torrents/createCategory", &[("category", "tv")])
            .await
            .0,
        StatusCode::CONFLICT
    );
    let categories = qbit.json("/torrents/categories", &[]).await;
    assert_eq!(categories["tv"]["name"], "tv");
    assert_eq!(categories["tv"]["savePath"], tv);
    assert_eq!(categories["tv"]["server_id"], box_id.as_str());

    // A .torrent whose data is already in tv/ (it verifies and seeds), with
    // tags and share limits; a magnet, stopped.
    let seeded = TestTorrent::single_file(&tv_dir, "episode.mkv", 200_000, Some(TRACKER)).unwrap();
    let added = add_file(
        &qbit,
        &seeded,
        &[
            ("category", "tv"),
            ("tags", "hd,new"),
            ("ratioLimit", "2"),
            ("seedingTimeLimit", "60"),
            ("paused", "false"),
        ],
    )
    .await;
    assert_eq!(added, "Ok.");
    let scratch = tempfile::tempdir().unwrap();
    let magnet =
        TestTorrent::single_file(scratch.path(), "other.bin", 100_000, Some(TRACKER)).unwrap();
    qbit.ok(
        "/torrents/add",
        &[
            ("urls", magnet.magnet(Some(TRACKER)).as_str()),
            ("category", "tv"),
            ("stopped", "true"),
        ],
    )
    .await;
    // The same again is refused by the client: nothing added.
    assert_eq!(
        add_file(&qbit, &seeded, &[("category", "tv")]).await,
        "Fails."
    );

    // Its .torrent is kept, as for the REST API's uploads.
    let kept = api
        .request(
            reqwest::Method::GET,
            &format!("/torrents/{}/metainfo", seeded.info_hash),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), StatusCode::OK);
    assert_eq!(
        kept.bytes().await.unwrap().as_ref(),
        seeded.bytes.as_slice()
    );

    // Listed in the category, in qBittorrent's units.
    let torrent = state_in(&qbit, &seeded.info_hash, &["stalledUP", "uploading"]).await;
    assert_eq!(torrent["hash"], seeded.info_hash.as_str());
    assert_eq!(torrent["name"], "episode.mkv");
    assert_eq!(torrent["progress"].as_f64(), Some(1.0));
    assert_eq!(torrent["size"], 200_000);
    assert_eq!(torrent["total_size"], 200_000);
    assert_eq!(torrent["amount_left"], 0);
    assert_eq!(torrent["eta"], 8_640_000);
    assert_eq!(torrent["category"], "tv");
    assert_eq!(tags_of(&torrent), ["hd", "new"]);
    assert_eq!(
        torrent["save_path"].as_str().unwrap().trim_end_matches('/'),
        tv
    );
    assert_eq!(
        torrent["content_path"].as_str().unwrap(),
        seeded.data_path.to_str().unwrap()
    );
    assert_eq!(torrent["ratio_limit"].as_f64(), Some(2.0));
    assert_eq!(torrent["seeding_time_limit"], 60);
    assert_eq!(torrent["inactive_seeding_time_limit"], -2);
    assert_eq!(torrent["server_id"], box_id.as_str());
    assert!(
        torrent["added_on"].as_i64().unwrap() > 1_600_000_000,
        "{torrent}"
    );
    let stopped = state_in(&qbit, &magnet.info_hash, &["stoppedDL"]).await;
    assert_eq!(stopped["category"], "tv");
    assert!(stopped["progress"].as_f64().unwrap() < 1.0);

    let in_tv = info(&qbit, &[("category", "tv")]).await;
    assert_eq!(in_tv.len(), 2, "{in_tv:?}");
    assert!(info(&qbit, &[("category", "")]).await.is_empty());
    assert_eq!(
        hashes(&info(&qbit, &[("filter", "completed")]).await),
        [seeded.info_hash.as_str()]
    );
    assert_eq!(
        hashes(&info(&qbit, &[("filter", "stopped")]).await),
        [magnet.info_hash.as_str()]
    );
    assert_eq!(
        hashes(&info(&qbit, &[("filter", "paused")]).await),
        [magnet.info_hash.as_str()]
    );
    assert_eq!(
        hashes(&info(&qbit, &[("filter", "downloading")]).await),
        [magnet.info_hash.as_str()]
    );
    assert_eq!(
        hashes(&info(&qbit, &[("tag", "hd")]).await),
        [seeded.info_hash.as_str()]
    );
    let by_size = info(
        &qbit,
        &[("sort", "size"), ("reverse", "true"), ("limit", "1")],
    )
    .await;
    assert_eq!(hashes(&by_size), [seeded.info_hash.as_str()]);

    // sync/maindata: everything at rid 0, then only the changes.
    let full = qbit.json("/sync/maindata", &[("rid", "0")]).await;
    assert_eq!(full["full_update"], true);
    assert_eq!(full["torrents"].as_object().unwrap().len(), 2, "{full}");
    assert_eq!(full["torrents"][&seeded.info_hash]["category"], "tv");
    assert_eq!(full["categories"]["tv"]["savePath"], tv);
    let rid = full["rid"].as_u64().unwrap().to_string();
    qbit.ok("/torrents/stop", &[("hashes", &magnet.info_hash)])
        .await;
    qbit.ok(
        "/torrents/addTags",
        &[("hashes", &magnet.info_hash), ("tags", "synced")],
    )
    .await;
    let delta = qbit.json("/sync/maindata", &[("rid", &rid)]).await;
    assert!(delta.get("full_update").is_none(), "{delta}");
    assert_eq!(
        delta["torrents"][&magnet.info_hash]["tags"], "synced",
        "{delta}"
    );
    assert!(
        delta["torrents"]
            .get(&seeded.info_hash)
            .is_none_or(|t| t.get("category").is_none()),
        "{delta}"
    );
    assert_eq!(delta["tags"], serde_json::json!(["synced"]));
    qbit.ok(
        "/torrents/removeTags",
        &[("hashes", &magnet.info_hash), ("tags", "synced")],
    )
    .await;
    assert_eq!(
        qbit.json("/sync/maindata", &[("rid", "999999")]).await["full_update"],
        true
    );

    // Properties, files and trackers.
    let properties = qbit
        .json(
            "/torrents/properties",
            &[("hash", &seeded.info_hash.to_uppercase())],
        )
        .await;
    assert_eq!(
        properties["save_path"]
            .as_str()
            .unwrap()
            .trim_end_matches('/'),
        tv
    );
    assert_eq!(properties["total_size"], 200_000);
    let files = qbit
        .json("/torrents/files", &[("hash", &seeded.info_hash)])
        .await;
    assert_eq!(files[0]["name"], "episode.mkv", "{files}");
    assert_eq!(files[0]["size"], 200_000);
    assert_eq!(files[0]["progress"].as_f64(), Some(1.0));
    let trackers = qbit
        .json("/torrents/trackers", &[("hash", &seeded.info_hash)])
        .await;
    assert!(
        trackers
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["url"] == TRACKER),
        "{trackers}"
    );

    // Stop and start, by their 5.x and 4.x names.
    qbit.ok("/torrents/stop", &[("hashes", &seeded.info_hash)])
        .await;
    state_in(&qbit, &seeded.info_hash, &["stoppedUP"]).await;
    qbit.ok("/torrents/resume", &[("hashes", &seeded.info_hash)])
        .await;
    state_in(
        &qbit,
        &seeded.info_hash,
        &["stalledUP", "uploading", "queuedUP", "checkingUP"],
    )
    .await;
    qbit.ok("/torrents/pause", &[("hashes", &seeded.info_hash)])
        .await;
    state_in(&qbit, &seeded.info_hash, &["stoppedUP"]).await;
    let force = |value| [("hashes", seeded.info_hash.as_str()), ("value", value)];
    qbit.ok("/torrents/setForceStart", &force("false")).await;
    assert_eq!(
        one(&qbit, &seeded.info_hash).await.unwrap()["state"],
        "stoppedUP"
    );
    qbit.ok("/torrents/setForceStart", &force("true")).await;
    state_in(
        &qbit,
        &seeded.info_hash,
        &["stalledUP", "uploading", "queuedUP", "checkingUP"],
    )
    .await;
    qbit.ok("/torrents/stop", &[("hashes", &seeded.info_hash)])
        .await;
    state_in(&qbit, &seeded.info_hash, &["stoppedUP"]).await;
    qbit.ok("/torrents/start", &[("hashes", &seeded.info_hash)])
        .await;
    state_in(
        &qbit,
        &seeded.info_hash,
        &["stalledUP", "uploading", "queuedUP", "checkingUP"],
    )
    .await;

    // Reannounce (autobrr's loop): by hash and for all; unknown hashes are
    // ignored, as qBittorrent ignores them.
    let unknown = "0".repeat(40);
    let known_and_unknown = format!("{}|{unknown}", seeded.info_hash);
    for hashes in [known_and_unknown.as_str(), "all", unknown.as_str()] {
        qbit.ok("/torrents/reannounce", &[("hashes", hashes)]).await;
    }

    // Tags are labels; the category label is not a tag.
    qbit.ok(
        "/torrents/addTags",
        &[("hashes", &seeded.info_hash), ("tags", "extra")],
    )
    .await;
    qbit.ok(
        "/torrents/removeTags",
        &[("hashes", &seeded.info_hash), ("tags", "hd")],
    )
    .await;
    let torrent = one(&qbit, &seeded.info_hash).await.unwrap();
    assert_eq!(tags_of(&torrent), ["extra", "new"]);
    assert_eq!(torrent["category"], "tv");
    let tags = qbit.json("/torrents/tags", &[]).await;
    assert_eq!(tags, serde_json::json!(["extra", "new"]));
    let (_, labels) = api
        .get(&format!("/torrents/{}/labels", seeded.info_hash))
        .await;
    let mut labels: Vec<&str> = labels["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        ["extra", "new", "tv"],
        "the category is a label on this client"
    );

    // Category changes.
    qbit.ok(
        "/torrents/setCategory",
        &[("hashes", &seeded.info_hash), ("category", "")],
    )
    .await;
    assert_eq!(one(&qbit, &seeded.info_hash).await.unwrap()["category"], "");
    assert_eq!(
        hashes(&info(&qbit, &[("category", "tv")]).await),
        [magnet.info_hash.as_str()]
    );
    qbit.ok(
        "/torrents/setCategory",
        &[("hashes", &seeded.info_hash), ("category", "tv")],
    )
    .await;
    assert_eq!(
        one(&qbit, &seeded.info_hash).await.unwrap()["category"],
        "tv"
    );

    // Share limits are stored; queue positions are refused (no queueing).
    qbit.ok(
        "/torrents/setShareLimits",
        &[
            ("hashes", &magnet.info_hash),
            ("ratioLimit", "1.5"),
            ("seedingTimeLimit", "-1"),
        ],
    )
    .await;
    let limited = one(&qbit, &magnet.info_hash).await.unwrap();
    assert_eq!(limited["ratio_limit"].as_f64(), Some(1.5));
    assert_eq!(limited["max_ratio"].as_f64(), Some(1.5));
    assert_eq!(limited["seeding_time_limit"], -1);
    assert_eq!(
        qbit.post("/torrents/topPrio", &[("hashes", &magnet.info_hash)])
            .await
            .0,
        StatusCode::CONFLICT
    );

    // The same client registered again: every hash is on both servers, shown
    // once, on the server its category routes to (not the first by name).
    // (The engine's server is made once, by the app.)
    if !daemon.runs_in_server() {
        same_client_twice(&api, &qbit, &client, &box_id).await;
    }

    // Delete with the files: the data leaves the disk.
    qbit.ok(
        "/torrents/delete",
        &[("hashes", &seeded.info_hash), ("deleteFiles", "true")],
    )
    .await;
    let gone = wait_until(Duration::from_secs(15), || async {
        (!seeded.data_path.exists()).then_some(())
    })
    .await;
    assert!(
        gone.is_some(),
        "{} still exists",
        seeded.data_path.display()
    );
    qbit.ok(
        "/torrents/delete",
        &[("hashes", &magnet.info_hash), ("deleteFiles", "false")],
    )
    .await;
    assert!(
        wait_until(Duration::from_secs(10), || async {
            info(&qbit, &[]).await.is_empty().then_some(())
        })
        .await
        .is_some()
    );
    assert!(tv_dir.exists(), "only the torrent's data is deleted");
}

/// Every hash of `client` registered a second time is listed once, on
/// the server its category routes to (`box_id`), not the first by name.
async fn same_client_twice(api: &Api, qbit: &Qbit, client: &RunningClient, box_id: &str) {
    let mirror_id = register(api, "a-mirror", &client.config).await;
    let on_mirror = format!("/torrents?server_id={mirror_id}");
    let mirrored = wait_until(Duration::from_secs(20), || async {
        let (_, list) = api.get(&on_mirror).await;
        (list.as_array().unwrap().len() == 2).then_some(())
    })
    .await;
    assert!(mirrored.is_some(), "the mirror lists both torrents");
    let listed = wait_until(Duration::from_secs(20), || async {
        let all = info(qbit, &[]).await;
        (all.len() == 2).then_some(all)
    })
    .await
    .expect("each hash once");
    assert!(
        listed.iter().all(|t| t["server_id"] == box_id),
        "{listed:?}"
    );
    api.delete(&format!("/servers/{mirror_id}")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facade_over_transmission() {
    facade_over(ClientUnderTest::Transmission).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facade_over_rtorrent() {
    facade_over(ClientUnderTest::RtorrentScgi).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facade_over_the_embedded_engine() {
    facade_over(ClientUnderTest::Embedded).await;
}
