//! `GET /torrents/{hash}/download`: a real Transmission seeds torrents
//! whose data the test wrote into its download folder, and a real nginx
//! serves that folder as the server's HTTP location; the server's
//! `http_download_root` maps one onto the other.

use std::io::Read;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::{ClientUnderTest, NginxFileServer, TestTorrent};

use crate::daemons::{register, seed, upload, wait_until};
use crate::harness::{Api, on_both_databases, spawn};

/// Nothing answers there: the torrents seed to no one.
const TRACKER: &str = "http://127.0.0.1:1/announce";
const SOLO: usize = 3 * 1024 * 1024 + 17;
const ALBUM: [(&str, usize); 2] = [
    ("01 intro.flac", 300_000),
    ("disc 2/02 caf\u{e9}.flac", 200_001),
];

async fn fetch(api: &Api, path: &str, range: Option<&str>) -> reqwest::Response {
    let mut request = api.request(reqwest::Method::GET, path);
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    request.send().await.expect("answered")
}

async fn refused(api: &Api, path: &str, status: StatusCode, code: &str) {
    let (got, body) = api.get(path).await;
    assert_eq!(
        (got, body["code"].as_str()),
        (status, Some(code)),
        "{path}: {body}"
    );
}

/// A changed server is polled afresh: its torrents show again once it answered.
async fn seen_again(api: &Api, server: &str) {
    seen_count(api, server, 4).await;
}

async fn seen_count(api: &Api, server: &str, count: usize) {
    wait_until(Duration::from_secs(20), || async {
        let (_, listed) = api.get(&format!("/torrents?server_id={server}")).await;
        (listed.as_array().map(Vec::len) == Some(count)).then_some(())
    })
    .await
    .expect("the server's torrents show");
}

on_both_databases! {
    async fn a_torrents_files_download_through_the_http_location(db: Db) {
        let Some(client) = ClientUnderTest::Transmission.start().await else { return };
        let dir = client.download_dir.clone();
        let solo = TestTorrent::single_file(&dir, "solo.bin", SOLO, Some(TRACKER)).unwrap();
        let album = TestTorrent::multi_file(&dir, "Album", &ALBUM, Some(TRACKER)).unwrap();
        let nginx = NginxFileServer::start(&dir).await.expect("nginx");
        let app = spawn!(db, |c| c.allow_private_targets = true);
        let alice = app.user("alice").await;
        let server = register(&alice, "box", &client.config).await;
        let root = dir.to_str().unwrap().to_owned();
        let (status, updated) = alice
            .put(
                &format!("/servers/{server}"),
                json!({"http_host": "127.0.0.1", "http_port": nginx.port, "http_path": nginx.path,
                       "http_username": nginx.username, "http_password": nginx.password,
                       "http_download_root": format!("{root}/")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["http_download_root"], json!(format!("{root}/")));
        seed(&alice, &server, &solo, "").await;
        seed(&alice, &server, &album, "").await;
        let solo_path = format!("/torrents/{}/download?server_id={server}", solo.info_hash);
        let album_path = format!("/torrents/{}/download?server_id={server}", album.info_hash);

        // One file: streamed as the file itself, resumable.
        let expected = std::fs::read(&solo.data_path).unwrap();
        let response = fetch(&alice, &solo_path, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-length"], SOLO.to_string().as_str());
        assert_eq!(response.headers()["accept-ranges"], "bytes");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.contains("filename=\"solo.bin\""), "{disposition}");
        assert!(response.bytes().await.unwrap() == expected, "not byte-identical");
        let resumed = fetch(&alice, &solo_path, Some("bytes=1000000-")).await;
        assert_eq!(resumed.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            resumed.headers()["content-range"],
            format!("bytes 1000000-{}/{SOLO}", SOLO - 1).as_str()
        );
        assert!(resumed.bytes().await.unwrap()[..] == expected[1_000_000..], "range differs");

        // Several files: a zip of the torrent's folder, identical when unpacked.
        let response = fetch(&alice, &album_path, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/zip");
        assert_eq!(response.headers()["accept-ranges"], "none");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.contains("filename=\"Album.zip\""), "{disposition}");
        let zipped = response.bytes().await.unwrap().to_vec();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).expect("a zip");
        assert_eq!(archive.len(), ALBUM.len());
        for (path, size) in ALBUM {
            let mut entry = archive.by_name(&format!("Album/{path}")).expect("entry");
            let mut unpacked = Vec::new();
            entry.read_to_end(&mut unpacked).unwrap();
            assert_eq!(unpacked.len(), size);
            assert!(unpacked == std::fs::read(album.data_path.join(path)).unwrap(), "{path} differs");
        }

        // The listing names each file's own download route.
        let (status, list) = alice.get(&format!("{album_path}&format=list")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!((&list["name"], &list["server_id"]), (&json!("Album"), &json!(server)), "{list}");
        let files = list["files"].as_array().unwrap();
        assert_eq!(files.len(), 2, "{list}");
        for (file, (path, size)) in files.iter().zip(ALBUM) {
            assert_eq!((&file["path"], &file["size"]), (&json!(path), &json!(size)), "{file}");
            assert_eq!(file["server_path"], json!(format!("Album/{path}")), "{file}");
            let url = file["url"].as_str().unwrap();
            let response = fetch(&alice, &format!("{url}?"), Some("bytes=10-")).await;
            assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{url}");
            let expected = std::fs::read(album.data_path.join(path)).unwrap();
            assert!(response.bytes().await.unwrap()[..] == expected[10..], "{url} differs");
        }
        let json_accepted = alice.request(reqwest::Method::GET, &album_path)
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        let by_accept: Value = json_accepted.json().await.unwrap();
        assert_eq!(by_accept, list);

        // An incomplete torrent: refused, and with ?partial=true it has no
        // complete file yet (its data is elsewhere, never verified).
        let scratch = tempfile::tempdir().unwrap();
        let missing = TestTorrent::single_file(scratch.path(), "missing.bin", 100_000, Some(TRACKER)).unwrap();
        let query = format!("?server_id={server}&start=false");
        let (status, added) = upload(&alice, &query, "missing.torrent", missing.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        seen_count(&alice, &server, 3).await;
        let missing_path = format!("/torrents/{}/download?server_id={server}", missing.info_hash);
        refused(&alice, &missing_path, StatusCode::CONFLICT, "incomplete").await;
        refused(&alice, &format!("{missing_path}&partial=true"), StatusCode::CONFLICT, "incomplete").await;

        // Half there: with ?partial=true the complete file comes as it is.
        let half = TestTorrent::multi_file(&dir, "Half", &[("done.bin", 4 * 16 * 1024), ("gone.bin", 50_000)], Some(TRACKER)).unwrap();
        std::fs::remove_file(half.data_path.join("gone.bin")).unwrap();
        let (status, added) = upload(&alice, &format!("?server_id={server}&start=true"), "half.torrent", half.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let verified = wait_until(Duration::from_secs(30), || async {
            let (_, t) = alice.get(&format!("/torrents/{}?server_id={server}", half.info_hash)).await;
            (t["progress"].as_f64().is_some_and(|p| p > 0.0) && t["state"] != "checking").then_some(())
        })
        .await;
        assert!(verified.is_some(), "the present file never verified");
        let half_path = format!("/torrents/{}/download?server_id={server}", half.info_hash);
        refused(&alice, &half_path, StatusCode::CONFLICT, "incomplete").await;
        let response = fetch(&alice, &format!("{half_path}&partial=true"), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let expected = std::fs::read(half.data_path.join("done.bin")).unwrap();
        assert!(response.bytes().await.unwrap() == expected, "the complete file differs");
        let (_, list) = alice.get(&format!("{half_path}&partial=true&format=list")).await;
        assert_eq!(list["files"].as_array().map(Vec::len), Some(1), "{list}");

        // Someone else's torrent is not found; a bad hash is a 400.
        let bob = app.user("bob").await;
        refused(&bob, &format!("/torrents/{}/download", solo.info_hash), StatusCode::NOT_FOUND, "torrent_not_found").await;
        refused(&alice, "/torrents/xyz/download", StatusCode::BAD_REQUEST, "invalid_input").await;

        // Files outside the mapped root are refused, and so is no mapping.
        let set_root = |root: Value| {
            let alice = &alice;
            let server = &server;
            async move {
                let (status, body) = alice.put(&format!("/servers/{server}"), json!({"http_download_root": root})).await;
                seen_again(alice, server).await;
                (status, body)
            }
        };
        let (status, body) = set_root(json!(format!("{root}/Album"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        refused(&alice, &solo_path, StatusCode::CONFLICT, "outside_http_root").await;
        let (_, list) = alice.get(&format!("{album_path}&format=list")).await;
        assert_eq!(list["files"][0]["server_path"], json!(ALBUM[0].0), "{list}");
        for bad in ["relative/dir", "/a/../b"] {
            let (status, body) = set_root(json!(bad)).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")), "{bad}: {body}");
        }
        let (status, body) = set_root(Value::Null).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["http_download_root"], Value::Null);
        refused(&alice, &solo_path, StatusCode::BAD_REQUEST, "no_http_mapping").await;
        let (_, body) = alice.put(&format!("/servers/{server}"), json!({"http_port": null})).await;
        seen_again(&alice, &server).await;
        assert_eq!(body["http_enabled"], false, "{body}");
        refused(&alice, &solo_path, StatusCode::BAD_REQUEST, "no_http_location").await;
    }
}
