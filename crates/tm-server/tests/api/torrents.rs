//! Every /torrents endpoint against every real client in tm-testkit's list
//! (Transmission; rTorrent over SCGI/TCP, SCGI/unix socket and HTTP through
//! nginx; qBittorrent; Deluge through deluge-web and over its daemon RPC;
//! rqbit; the app's own embedded engine).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_backends::ClientKind;
use tm_testkit::TestTorrent;

use crate::daemons::{
    ClientUnderTest, TwoServers, client_and_app, paused_torrents_on, register, two_servers, upload,
    wait_until,
};
use crate::harness::Api;
use crate::labels::{LabelSupport, held, label_edits, label_support};

/// rTorrent (with DHT off) drops torrents and magnets that name no tracker,
/// so every test torrent names one (nothing listens there).
const TRACKER: &str = "http://127.0.0.1:1/announce";

/// The torrent with `hash` in the list, if there.
fn find<'a>(list: &'a Value, hash: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|t| t["info_hash"] == hash)
}

async fn probe_names_the_client(api: &Api, server_id: &str, daemon: ClientUnderTest) {
    let (status, tested) = api
        .post(&format!("/servers/{server_id}/test"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tested["status"], "connected", "{tested}");
    let message = tested["message"].as_str().unwrap();
    assert!(message.contains(daemon.client_name()), "{message}");
    assert!(
        message.chars().any(|c| c.is_ascii_digit()),
        "a version: {message}"
    );
}

tm_testkit::for_every_client! {
    async fn torrent_lifecycle(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;

        // The probe names the client and its version (a server added to be
        // tested, then forgotten; the engine's server is made by the app).
        if !daemon.runs_in_server() {
            let (_, server) = api.post("/servers", tm_testkit::server_body("probe", &client.config)).await;
            let probe_id = server["id"].as_str().unwrap().to_string();
            probe_names_the_client(&api, &probe_id, daemon).await;
            api.delete(&format!("/servers/{probe_id}")).await;
        }

        let server_id = register(&api, "box", &client.config).await;
        probe_names_the_client(&api, &server_id, daemon).await;
        let (_, info) = api.get(&format!("/servers/{server_id}")).await;
        assert!(info["client_version"].as_str().unwrap().contains(daemon.client_name()), "{info}");
        assert!(info["last_success_at"].is_string());
        assert!(info["last_error"].is_null());
        let capabilities = &info["capabilities"];
        for feature in ["file_priorities", "peers", "trackers", "recheck", "reannounce", "delete_data"] {
            assert_eq!(capabilities[feature], true, "{feature}: {capabilities}");
        }
        // What each client can do (Deluge: its Label plugin is enabled).
        let kind = daemon.kind();
        let expected = match kind {
            ClientKind::Transmission => (LabelSupport::Many, false, true, true),
            ClientKind::Rtorrent => (LabelSupport::Many, false, false, false),
            ClientKind::Qbittorrent => (LabelSupport::Many, true, false, true),
            ClientKind::Deluge => (LabelSupport::Single, false, true, false),
            ClientKind::Embedded => (LabelSupport::Many, false, false, false),
            // rqbit has no labels, and torrent-manager keeps none for it.
            ClientKind::Rqbit => (LabelSupport::None, false, false, false),
        };
        let labels = label_support(&info);
        let category = capabilities["category"] == true;
        let low = capabilities["low_file_priority"] == true;
        // librqbit only selects files.
        let high = !matches!(kind, ClientKind::Embedded | ClientKind::Rqbit);
        assert_eq!(capabilities["high_file_priority"], high, "{capabilities}");
        let incremental = capabilities["incremental_list"] == true;
        assert_eq!((labels, category, low, incremental), expected, "{capabilities}");

        // Upload a .torrent, paused, with as many labels as the client holds.
        let scratch = tempfile::tempdir().unwrap();
        let single = TestTorrent::single_file(scratch.path(), "single.bin", 300_000, Some(TRACKER)).unwrap();
        let uploaded_labels: &[&str] = match labels {
            LabelSupport::Many => &["tv", "hd"],
            LabelSupport::Single => &["tv"],
            // rqbit: labels are refused.
            LabelSupport::None => &[],
        };
        if labels == LabelSupport::None {
            let (status, body) = upload(&api, &format!("?server_id={server_id}&start=false&labels=tv"), "single.torrent", single.bytes.clone()).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_unsupported")), "{body}");
        }
        if labels == LabelSupport::Single {
            // More than one is refused before anything is added.
            let (status, body) = upload(&api, &format!("?server_id={server_id}&start=false&labels=tv,hd"), "single.torrent", single.bytes.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert!(body["detail"].as_str().unwrap().contains("one label"), "{body}");
        }
        let mut query = format!("?server_id={server_id}&start=False");
        if !uploaded_labels.is_empty() {
            query.push_str(&format!("&labels={}", uploaded_labels.join(",")));
        }
        let (status, added) = upload(&api, &query, "single.torrent", single.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        assert_eq!(added["info_hash"], single.info_hash.as_str());
        assert_eq!(added["torrent_name"], "single.bin");
        assert_eq!(added["server_id"], server_id.as_str());
        assert_eq!(added["server_name"], "box");
        let hash = single.info_hash.clone();

        // It is in the list at once (the add refreshed the snapshot)...
        let (status, list) = api.get("/torrents").await;
        assert_eq!(status, StatusCode::OK);
        assert!(find(&list, &hash).is_some(), "uploaded torrent listed: {list}");
        // ...normalised, and paused once the client has looked for its data.
        let torrent = wait_until(Duration::from_secs(15), || async {
            let (_, list) = api.get("/torrents").await;
            find(&list, &hash).filter(|t| t["state"] != "checking" && t["state"] != "queued").cloned()
        }).await.expect("the client finishes checking");
        assert_eq!(torrent["name"], "single.bin");
        assert_eq!(torrent["server_id"], server_id.as_str());
        assert_eq!(torrent["server_name"], "box");
        assert_eq!(torrent["server_type"], kind.as_str());
        assert_eq!(torrent["state"], "paused", "{torrent}");
        assert_eq!(torrent["size"], 300_000);
        assert_eq!(torrent["progress"].as_f64(), Some(0.0));
        assert_eq!(torrent["labels"], held(daemon, uploaded_labels));
        // qBittorrent's category is a field of its own, not a label: none set here.
        assert_eq!(torrent["category"], Value::Null, "{torrent}");
        assert_eq!(torrent["is_active"], false);
        assert_eq!(torrent["complete"], false);
        assert!(torrent["ratio"].is_f64() || torrent["ratio"].is_u64(), "{torrent}");
        assert_eq!(torrent["bytes_done"], torrent["downloaded"]);

        // Adding it again is a conflict.
        let (status, body) = upload(&api, &format!("?server_id={server_id}&start=false"), "single.torrent", single.bytes.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");

        // Magnet and bare info hash.
        let other = TestTorrent::single_file(scratch.path(), "magnet.bin", 100_000, Some(TRACKER)).unwrap();
        let third = TestTorrent::single_file(scratch.path(), "hash.bin", 100_000, None).unwrap();
        if kind == ClientKind::Rqbit {
            // rqbit takes a magnet only with its metadata, which no peer has
            // here: refused with the reason; the two come as .torrent files.
            let (status, body) = api.post("/torrents", json!({"uri": third.info_hash, "server_id": server_id, "start": false})).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("client_rejected")), "{body}");
            assert!(body["detail"].as_str().unwrap().contains("metadata"), "{body}");
            for (torrent, name) in [(&other, "magnet.torrent"), (&third, "hash.torrent")] {
                let (status, body) = upload(&api, &format!("?server_id={server_id}&start=false"), name, torrent.bytes.clone()).await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
            let (status, body) = api.post("/torrents", json!({"uri": other.magnet(Some(TRACKER)), "server_id": server_id})).await;
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
        } else {
        let (status, by_magnet) = api.post("/torrents", json!({"uri": other.magnet(Some(TRACKER)), "server_id": server_id, "start": false})).await;
        assert_eq!(status, StatusCode::OK, "{by_magnet}");
        assert_eq!(by_magnet["message"], "Torrent added successfully");
        assert_eq!(by_magnet["info_hash"], other.info_hash.as_str());
        let (status, by_hash) = api.post("/torrents", json!({"uri": third.info_hash.to_uppercase(), "server_id": server_id, "start": false})).await;
        if kind != ClientKind::Rtorrent {
            assert_eq!(status, StatusCode::OK, "{by_hash}");
            assert_eq!(by_hash["uri"], format!("magnet:?xt=urn:btih:{}", third.info_hash));
        } else {
            // A bare hash names no tracker: rTorrent would drop it, and we say so.
            assert_eq!(status, StatusCode::BAD_REQUEST, "{by_hash}");
            assert!(by_hash["detail"].as_str().unwrap().contains("tracker"), "{by_hash}");
            let (status, body) = api.post("/torrents", json!({"uri": third.magnet(Some(TRACKER)), "server_id": server_id, "start": false})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (status, body) = api.post("/torrents", json!({"uri": other.magnet(Some(TRACKER)), "server_id": server_id})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        }

        // Bad input is refused with a reason.
        for (uri, expected) in [
            ("magnet:?xt=urn:btih:ABC123DEF456...", "40 hex or 32 base32"),
            ("not a torrent", "magnet link, an info hash"),
            ("ftp://127.0.0.1/x.torrent", "magnet link, an info hash"),
        ] {
            let (status, body) = api.post("/torrents", json!({"uri": uri, "server_id": server_id})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            assert!(body["detail"].as_str().unwrap().contains(expected), "{uri}: {body}");
        }
        let (status, body) = upload(&api, &format!("?server_id={server_id}"), "test.torrent", b"d8:announce".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("Not a valid .torrent"), "{body}");
        // The server answers 413 without reading the rest and closes the
        // connection: a client of its own keeps that from the others.
        let uploader = app.client();
        uploader.login("alice", false).await;
        let (status, body) = upload(&uploader, &format!("?server_id={server_id}"), "big.torrent", vec![b'd'; 11 * 1024 * 1024]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        let (status, _) = upload(&api, &format!("?server_id={server_id}&start=maybe"), "s.torrent", single.bytes.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // One torrent, and the lookups that fail.
        let (status, one) = api.get(&format!("/torrents/{}", hash.to_uppercase())).await;
        assert_eq!(status, StatusCode::OK, "{one}");
        assert_eq!(one["info_hash"], hash.as_str());
        assert_eq!(api.get(&format!("/torrents/{}", "0".repeat(40))).await.0, StatusCode::NOT_FOUND);
        assert_eq!(api.get("/torrents/nothex").await.0, StatusCode::BAD_REQUEST);

        // Filters, order and paging.
        let names = |list: &Value| -> Vec<String> { list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect() };
        if labels != LabelSupport::None {
            let (_, labelled) = api.get("/torrents?label=tv").await;
            assert_eq!(names(&labelled), ["single.bin"]);
        }
        let (_, searched) = api.get("/torrents?search=SINGLE").await;
        assert_eq!(names(&searched), ["single.bin"]);
        let (_, by_size) = api.get(&format!("/torrents?server_id={server_id}&sort=-size")).await;
        assert_eq!(names(&by_size)[0], "single.bin");
        let response = api.request(reqwest::Method::GET, "/torrents?sort=name&limit=1&offset=1").send().await.unwrap();
        assert_eq!(response.headers()["x-total-count"], "3");
        let page: Value = response.json().await.unwrap();
        assert_eq!(page.as_array().unwrap().len(), 1);
        assert_eq!(api.get("/torrents?sort=colour").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(api.get("/torrents?state=sleeping").await.0, StatusCode::UNPROCESSABLE_ENTITY);

        // An unchanged list answers 304 to its ETag; a change gives a new one.
        let etag_of = |response: &reqwest::Response| response.headers()["etag"].to_str().unwrap().to_string();
        let first = api.request(reqwest::Method::GET, "/torrents").send().await.unwrap();
        let etag = etag_of(&first);
        let again = api.request(reqwest::Method::GET, "/torrents").header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let other_query = api.request(reqwest::Method::GET, "/torrents?sort=-size").header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(other_query.status(), StatusCode::OK, "the ETag belongs to its query");

        // Start and stop show in the list right after the call: the torrent
        // is started (is_active) at once; its state follows the client's own
        // steps (a check first, when data is missing).
        let (status, started) = api.post(&format!("/torrents/{hash}/start"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        assert_eq!(started["message"], "Torrent started");
        let (_, list) = api.get("/torrents").await;
        let now = find(&list, &hash).unwrap().clone();
        assert_eq!(now["is_active"], true, "started at once: {now}");
        wait_until(Duration::from_secs(15), || async {
            let (_, t) = api.get(&format!("/torrents/{hash}")).await;
            (t["state"] != "paused").then_some(())
        }).await.expect("the torrent leaves the paused state");
        let changed = api.request(reqwest::Method::GET, "/torrents").header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(changed.status(), StatusCode::OK, "the list changed since");
        assert_ne!(etag_of(&changed), etag);
        let stop = format!("/torrents/{hash}/stop?server_id={server_id}");
        let (status, stopped) = api.post(&stop, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{stopped}");
        assert_eq!(stopped["message"], "Torrent stopped");
        let (_, list) = api.get("/torrents").await;
        let now = find(&list, &hash).unwrap().clone();
        assert_eq!(now["is_active"], false, "stopped at once: {now}");
        wait_until(Duration::from_secs(15), || async {
            let (_, list) = api.get("/torrents?state=paused").await;
            find(&list, &hash).map(|_| ())
        }).await.expect("the torrent is listed as paused");
        let (status, _) = api.post(&format!("/torrents/{hash}/recheck"), json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, reannounced) = api.post(&format!("/torrents/{hash}/reannounce"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{reannounced}");
        assert_eq!(reannounced["message"], "Torrent reannounce requested");
        // Named on its server, an unknown torrent reaches the client, which says so.
        let unknown = format!("/torrents/{}/reannounce?server_id={server_id}", "0".repeat(40));
        let (status, body) = api.post(&unknown, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("torrent_not_found")), "{body}");

        // Labels: replace, add, remove.
        label_edits(&api, &hash, daemon, labels).await;

        // Files and priorities, trackers, peers.
        let (status, files) = api.get(&format!("/torrents/{hash}/files")).await;
        assert_eq!(status, StatusCode::OK, "{files}");
        assert_eq!(files["name"], "single.bin");
        assert_eq!(files["files"][0]["path"], "single.bin");
        assert_eq!(files["files"][0]["size"], 300_000);
        assert_eq!(files["files"][0]["priority"], "normal");
        let (status, files) = api.put(&format!("/torrents/{hash}/files"), json!({"priorities": [{"index": 0, "priority": "skip"}]})).await;
        assert_eq!(status, StatusCode::OK, "{files}");
        assert_eq!(files["files"][0]["priority"], "skip");
        let (status, trackers) = api.get(&format!("/torrents/{hash}/trackers")).await;
        assert_eq!(status, StatusCode::OK, "{trackers}");
        assert_eq!(trackers["trackers"][0]["url"], "http://127.0.0.1:1/announce");
        let (status, peers) = api.get(&format!("/torrents/{hash}/peers")).await;
        assert_eq!(status, StatusCode::OK, "{peers}");
        assert!(peers["peers"].is_array());

        // Another user sees none of it.
        let bob = app.user("bob").await;
        let (_, list) = bob.get("/torrents").await;
        assert_eq!(list, json!([]));
        assert_eq!(bob.get(&format!("/torrents/{hash}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(bob.post(&format!("/torrents/{hash}/stop?server_id={server_id}"), json!({})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(bob.delete(&format!("/torrents/{hash}")).await.0, StatusCode::NOT_FOUND);

        // Remove without data: the torrent goes, files stay.
        let (status, removed) = api.delete(&format!("/torrents/{}", other.info_hash)).await;
        assert_eq!(status, StatusCode::OK, "{removed}");
        assert_eq!(removed["message"], "Torrent removed");
        assert_eq!(removed["data"]["result"], "kept");
        let (_, list) = api.get("/torrents").await;
        assert!(find(&list, &other.info_hash).is_none());
        assert!(other.data_path.exists());
    }

    async fn adding_by_url_fetches_and_checks_the_torrent(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let scratch = tempfile::tempdir().unwrap();
        let torrent = TestTorrent::single_file(scratch.path(), "by-url.bin", 64_000, Some(TRACKER)).unwrap();
        let files = serve_files(vec![
            ("/good.torrent", torrent.bytes.clone()),
            ("/not-a-torrent", b"<html>hello</html>".to_vec()),
            ("/huge.torrent", vec![b'd'; 11 * 1024 * 1024]),
        ]).await;

        let (_, server) = api.get(&format!("/servers/{server_id}")).await;
        // rqbit holds no labels.
        let web: &[&str] = if label_support(&server) == LabelSupport::None { &[] } else { &["web"] };
        let url = format!("{files}/good.torrent");
        let (status, added) = api.post("/torrents", json!({"uri": url, "server_id": server_id, "start": false, "labels": web})).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        assert_eq!(added["info_hash"], torrent.info_hash.as_str());
        assert_eq!(added["uri"], url.as_str());
        let (_, listed) = api.get(&format!("/torrents/{}", torrent.info_hash)).await;
        assert_eq!(listed["labels"], json!(web));
        // The fetched .torrent is kept as it came.
        assert_eq!(listed["has_metainfo"], true, "{listed}");
        let kept = api.request(reqwest::Method::GET, &format!("/torrents/{}/metainfo", torrent.info_hash)).send().await.unwrap();
        assert_eq!(kept.bytes().await.unwrap().as_ref(), torrent.bytes.as_slice());
        for (path, expected) in [("/not-a-torrent", "not a .torrent file"), ("/huge.torrent", "larger than 10 MiB"), ("/missing", "HTTP 404")] {
            let (status, body) = api.post("/torrents", json!({"uri": format!("{files}{path}"), "server_id": server_id})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert!(body["detail"].as_str().unwrap().contains(expected), "{path}: {body}");
        }
    }

    async fn remove_with_data_deletes_only_the_torrents_files(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        // Data already in the client's download directory: it verifies and seeds.
        let neighbour = client.download_dir.join("neighbour.txt");
        std::fs::write(&neighbour, b"not part of any torrent").unwrap();
        let multi = TestTorrent::multi_file(&client.download_dir, "album", &[("a.bin", 40_000), ("sub/b.bin", 70_000)], Some(TRACKER)).unwrap();
        let (status, added) = upload(&api, &format!("?server_id={server_id}&start=true"), "album.torrent", multi.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let hash = multi.info_hash.clone();
        // Deluge may show a resumed torrent as paused for a moment.
        let complete = wait_until(Duration::from_secs(30), || async {
            let (_, t) = api.get(&format!("/torrents/{hash}")).await;
            (t["complete"] == true && t["state"] == "seeding").then_some(t)
        }).await.expect("the client verified the data and seeds");
        assert_eq!(complete["progress"].as_f64(), Some(100.0));
        let (_, files) = api.get(&format!("/torrents/{hash}/files")).await;
        let paths: Vec<&str> = files["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["a.bin", "sub/b.bin"]);

        let (status, removed) = api.delete(&format!("/torrents/{hash}?delete_data=true")).await;
        assert_eq!(status, StatusCode::OK, "{removed}");
        assert_eq!(removed["message"], "Torrent and data removed", "{removed}");
        assert_eq!(removed["data"]["result"], "deleted");
        let gone = wait_until(Duration::from_secs(10), || async { (!multi.data_path.exists()).then_some(()) }).await;
        assert!(gone.is_some(), "{} still exists", multi.data_path.display());
        assert!(neighbour.exists(), "nothing outside the torrent is touched");
        assert!(client.download_dir.exists());
        let (_, list) = api.get("/torrents").await;
        assert!(find(&list, &hash).is_none());
    }

    async fn uploads_download_into_the_given_save_path(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        // The data sits outside the client's download directory: the torrent
        // completes only if the client looks for it where it was told to.
        let elsewhere = tempfile::tempdir().unwrap();
        let dir = elsewhere.path().to_str().unwrap().to_string();
        let one = TestTorrent::single_file(elsewhere.path(), "one.bin", 50_000, Some(TRACKER)).unwrap();
        let two = TestTorrent::single_file(elsewhere.path(), "two.bin", 60_000, Some(TRACKER)).unwrap();
        let query = format!("?server_id={server_id}&start=true");
        let (status, added) = upload_form(&api, &format!("/torrents/upload{query}"), &[("file", &one.bytes)], Some(&dir)).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let (status, batch) = upload_form(&api, &format!("/torrents/upload/batch{query}"), &[("files", &two.bytes)], Some(&dir)).await;
        assert_eq!(status, StatusCode::OK, "{batch}");
        assert_eq!(batch["success_count"], 1, "{batch}");
        for hash in [&one.info_hash, &two.info_hash] {
            let complete = wait_until(Duration::from_secs(30), || async {
                let (_, t) = api.get(&format!("/torrents/{hash}")).await;
                (t["complete"] == true).then_some(t)
            }).await.expect("the client found the data in save_path");
            assert_eq!(complete["save_path"].as_str().map(|p| p.trim_end_matches('/')), Some(dir.as_str()), "{complete}");
        }

        // Checked as for links, before anything is added.
        let three = TestTorrent::single_file(elsewhere.path(), "three.bin", 10_000, Some(TRACKER)).unwrap();
        for bad in ["relative/dir", "/a/../etc"] {
            let (status, body) = upload_form(&api, &format!("/torrents/upload{query}"), &[("file", &three.bytes)], Some(bad)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            let (status, body) = upload_form(&api, &format!("/torrents/upload/batch{query}"), &[("files", &three.bytes)], Some(bad)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        }
        let (_, list) = api.get("/torrents").await;
        assert!(find(&list, &three.info_hash).is_none());
    }
}

/// Posts .torrent files (as the named multipart fields) and an optional
/// `save_path` field to an upload endpoint.
async fn upload_form(
    api: &crate::harness::Api,
    path: &str,
    files: &[(&str, &Vec<u8>)],
    save_path: Option<&str>,
) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new();
    if let Some(dir) = save_path {
        form = form.text("save_path", dir.to_string());
    }
    for (field, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("upload.torrent");
        form = form.part(field.to_string(), part);
    }
    api.send(api.request(reqwest::Method::POST, path).multipart(form))
        .await
}

/// Serves fixed files over HTTP on a free loopback port; returns its base URL.
async fn serve_files(files: Vec<(&'static str, Vec<u8>)>) -> String {
    let mut router = axum::Router::new();
    for (path, body) in files {
        router = router.route(path, axum::routing::get(move || async move { body }));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

/// One request acts on torrents of several servers; each torrent's outcome
/// is reported, and a bad one does not stop the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_actions_span_servers_and_report_each_torrent() {
    let Some(TwoServers {
        app: _app,
        alice: api,
        clients: _clients,
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
    let refs = paused_torrents_on(&api, scratch.path(), &[&t_id, &t_id, &r_id], "").await;
    let mut with_bad = refs.clone();
    with_bad.push(json!({"server_id": t_id, "info_hash": "0".repeat(40)}));
    with_bad.push(json!({"server_id": "no-such-server", "info_hash": "1".repeat(40)}));
    with_bad.push(json!({"server_id": t_id, "info_hash": "not-a-hash"}));

    let (status, started) = api
        .post(
            "/torrents/actions",
            json!({"action": "start", "torrents": with_bad}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(
        (
            started["success_count"].as_u64(),
            started["failure_count"].as_u64()
        ),
        (Some(3), Some(3)),
        "{started}"
    );
    let (_, list) = api.get("/torrents").await;
    for r in &refs {
        let t = find(&list, r["info_hash"].as_str().unwrap()).unwrap();
        assert_eq!(t["is_active"], true, "started at once: {t}");
    }
    let failures: Vec<&str> = started["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["success"] == false)
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(
        failures.iter().any(|m| m.contains("not found")),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|m| m.contains("Server not found")),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|m| m.contains("40 hex")),
        "{failures:?}"
    );

    let (_, reannounced) = api
        .post(
            "/torrents/actions",
            json!({"action": "reannounce", "torrents": with_bad}),
        )
        .await;
    assert_eq!(
        (
            reannounced["success_count"].as_u64(),
            reannounced["failure_count"].as_u64()
        ),
        (Some(3), Some(3)),
        "{reannounced}"
    );
    let done = reannounced["results"].as_array().unwrap().iter();
    for result in done.filter(|r| r["success"] == true) {
        assert_eq!(
            result["message"], "Torrent reannounce requested",
            "{result}"
        );
    }

    let (_, stopped) = api
        .post(
            "/torrents/actions",
            json!({"action": "stop", "torrents": refs}),
        )
        .await;
    assert_eq!(stopped["success_count"], 3, "{stopped}");
    let (_, list) = api.get("/torrents").await;
    for r in &refs {
        assert_eq!(
            find(&list, r["info_hash"].as_str().unwrap()).unwrap()["is_active"],
            false
        );
    }
    let (_, removed) = api
        .post(
            "/torrents/actions",
            json!({"action": "remove", "torrents": refs, "delete_data": false}),
        )
        .await;
    assert_eq!(removed["success_count"], 3, "{removed}");
    assert_eq!(removed["results"][0]["message"], "Torrent removed");
    let (_, list) = api.get("/torrents").await;
    assert_eq!(list, json!([]), "removed from both servers at once");
    let (status, _) = api
        .post(
            "/torrents/actions",
            json!({"action": "stop", "torrents": []}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = api
        .post(
            "/torrents/actions",
            json!({"action": "explode", "torrents": refs}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
