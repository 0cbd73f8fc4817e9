//! The metainfo store: uploads keep their .torrent byte for byte, magnets get
//! theirs exported back from qBittorrent once the metadata arrived, and only
//! the owner may download it.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use tm_backends::{AddTorrent, TorrentSource};
use tm_testkit::{Opentracker, TestTorrent, daemon_available};

use crate::daemons::{ClientUnderTest, TwoServers, register, two_servers, upload, wait_until};
use crate::harness::{Api, Db, TestApp};

/// `GET /torrents/{hash}/metainfo`: status, content type, disposition, body.
async fn download(api: &Api, hash: &str) -> (StatusCode, String, String, Vec<u8>) {
    let response = api
        .request(reqwest::Method::GET, &format!("/torrents/{hash}/metainfo"))
        .send()
        .await
        .unwrap();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, disposition) = (
        header(reqwest::header::CONTENT_TYPE),
        header(reqwest::header::CONTENT_DISPOSITION),
    );
    let status = response.status();
    (
        status,
        content_type,
        disposition,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// SHA-1 of the `info` dictionary's exact bytes, in lower-case hex.
fn info_hash_of(metainfo: &[u8]) -> String {
    let root = tm_backends::bencode::decode(metainfo).expect("bencoded");
    let info = root.get("info").expect("an info dictionary");
    Sha1::digest(&metainfo[info.span.clone()])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn has_metainfo(api: &Api, hash: &str, server_id: &str) -> Value {
    let (status, torrent) = api
        .get(&format!("/torrents/{hash}?server_id={server_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{torrent}");
    torrent["has_metainfo"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_torrent_downloads_byte_identical_and_only_for_its_owner() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(app) = TestApp::try_spawn(db, |_| {}).await else {
            continue;
        };
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let server = register(&alice, "seedbox", &client.config).await;
        let dir = tempfile::tempdir().unwrap();
        let torrent = TestTorrent::single_file(
            dir.path(),
            &format!("Show \"{db:?}\" é.bin"),
            40_000,
            Some("http://127.0.0.1:1/announce"),
        )
        .unwrap();
        let hash = &torrent.info_hash;
        let query = format!("?server_id={server}&start=false");
        let (status, body) = upload(&alice, &query, "t.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        assert_eq!(has_metainfo(&alice, hash, &server).await, true);
        let (_, list) = alice.get("/torrents").await;
        let listed = list
            .as_array()
            .and_then(|all| all.iter().find(|t| t["info_hash"] == hash.as_str()))
            .cloned()
            .unwrap_or_else(|| panic!("listed: {list}"));
        assert_eq!(listed["has_metainfo"], true);

        let (status, content_type, disposition, bytes) = download(&alice, hash).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "application/x-bittorrent");
        assert_eq!(
            disposition,
            format!("attachment; filename=\"Show _{db:?}_ _.bin.torrent\"")
        );
        assert_eq!(bytes, torrent.bytes, "byte for byte");

        let (status, _, _, body) = download(&bob, hash).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let error: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["code"], "torrent_not_found", "{error}");

        let unknown = "ab".repeat(20);
        let (status, body) = alice.get(&format!("/torrents/{unknown}/metainfo")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

        // Removed from the server, it still downloads for the user who added it.
        let (status, body) = alice
            .delete(&format!("/torrents/{hash}?server_id={server}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _, _, bytes) = download(&alice, hash).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, torrent.bytes);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_magnets_metainfo_is_exported_from_qbittorrent_not_transmission() {
    if !daemon_available("opentracker") {
        return;
    }
    let Some(TwoServers {
        app: _app,
        alice: api,
        clients: [seeder, _qbit],
        ids: [seed_id, qbit_id],
    }) = two_servers(
        (ClientUnderTest::Transmission, "seedbox"),
        (ClientUnderTest::Qbittorrent, "qbit"),
    )
    .await
    else {
        return;
    };
    let (_, server) = api.get(&format!("/servers/{qbit_id}")).await;
    assert_eq!(server["capabilities"]["export_metainfo"], true, "{server}");
    let (_, server) = api.get(&format!("/servers/{seed_id}")).await;
    assert_eq!(server["capabilities"]["export_metainfo"], false, "{server}");

    // Seeded on Transmission behind the manager's back, so the store has
    // nothing of it until qBittorrent exports it.
    let untracked =
        TestTorrent::single_file(&seeder.download_dir, "magnet.bin", 1 << 20, None).unwrap();
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let torrent = untracked.with_tracker(&tracker.announce_url());
    let hash = torrent.info_hash.clone();
    tm_backends::connect(&seeder.config)
        .unwrap()
        .add(AddTorrent::plain(
            TorrentSource::File(torrent.bytes.clone()),
            true,
        ))
        .await
        .unwrap();
    wait_until(Duration::from_secs(30), || async {
        let (_, t) = api
            .get(&format!("/torrents/{hash}/trackers?server_id={seed_id}"))
            .await;
        (t["trackers"][0]["status"] == "working").then_some(())
    })
    .await
    .expect("the seed announced");
    // Transmission cannot export: its copy stays without metainfo.
    wait_until(Duration::from_secs(30), || async {
        let (status, _) = api.get("/torrents").await;
        let (found, _) = api
            .get(&format!("/torrents/{hash}?server_id={seed_id}"))
            .await;
        (status == StatusCode::OK && found == StatusCode::OK).then_some(())
    })
    .await
    .expect("the seed is listed");
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(has_metainfo(&api, &hash, &seed_id).await, false);
    let (status, body) = api.get(&format!("/torrents/{hash}/metainfo")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "not_found", "{body}");

    let (status, body) = api
        .post(
            "/torrents",
            json!({"uri": torrent.magnet(Some(&tracker.announce_url())), "server_id": qbit_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    wait_until(Duration::from_secs(90), || async {
        let (_, t) = api
            .get(&format!("/torrents/{hash}?server_id={qbit_id}"))
            .await;
        (t["has_metainfo"] == true).then_some(())
    })
    .await
    .expect("qBittorrent's metainfo is fetched back");
    let (status, _, _, bytes) = download(&api, &hash).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        info_hash_of(&bytes),
        hash,
        "SHA-1(info) is the torrent's hash"
    );
}
