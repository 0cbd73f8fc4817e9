//! `GET /torrents` compressed: each coding the client accepts decodes to the
//! same JSON as the plain answer, and the compressed form is kept with the
//! rendered list (the same bytes again until the list changes).

use std::io::Read;
use std::time::Duration;

use reqwest::StatusCode;
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::harness::{Db, TestApp};

/// `GET /torrents` with `Accept-Encoding: accept` and an API key, the
/// body as sent (reqwest decodes nothing): status, Content-Encoding, Vary, body.
async fn list(base: &str, key: &str, accept: &str) -> (StatusCode, String, String, Vec<u8>) {
    let response = crate::harness::raw_client()
        .get(format!("{base}/torrents"))
        .bearer_auth(key)
        .header(reqwest::header::ACCEPT_ENCODING, accept)
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
    let (encoding, vary) = (
        header(reqwest::header::CONTENT_ENCODING),
        header(reqwest::header::VARY),
    );
    let status = response.status();
    (
        status,
        encoding,
        vary,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn decoded(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        "br" => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        "zstd" => out = zstd::decode_all(body).unwrap(),
        other => panic!("unexpected coding {other:?}"),
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_accepted_coding_decodes_to_the_plain_list() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let api = app.user("alice").await;
    let server = register(&api, "box", &client.config).await;
    let dir = tempfile::tempdir().unwrap();
    for n in 0..4 {
        let torrent =
            TestTorrent::single_file(dir.path(), &format!("file {n}.bin"), 20_000, None).unwrap();
        let query = format!("?server_id={server}&start=false");
        let (status, added) = upload(&api, &query, "t.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
    }

    // A list that stays the same: every torrent checked and paused.
    wait_until(Duration::from_secs(30), || async {
        let (_, items) = api.get("/torrents").await;
        let items = items.as_array().cloned().unwrap_or_default();
        (items.len() == 4 && items.iter().all(|t| t["state"] == "paused")).then_some(())
    })
    .await
    .expect("the torrents settle");
    let key = api.create_key("lister").await;
    let (status, encoding, vary, plain) = list(&app.base, &key, "identity").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding, "");
    assert_eq!(vary, "accept-encoding");
    let items: Vec<serde_json::Value> = serde_json::from_slice(&plain).unwrap();
    assert_eq!(items.len(), 4);
    assert!(plain.len() >= 1024, "large enough to be compressed");

    for (accept, expected) in [
        ("gzip, deflate", "gzip"),
        ("gzip, deflate, br", "br"),
        ("gzip, deflate, br, zstd", "zstd"),
        ("br;q=0.5, gzip", "gzip"),
    ] {
        let (status, encoding, vary, body) = list(&app.base, &key, accept).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(encoding, expected, "{accept}");
        assert_eq!(vary, "accept-encoding");
        assert!(body.len() < plain.len());
        assert!(
            decoded(&encoding, &body) == plain,
            "{accept}: decodes to the plain list"
        );
        // Served again from the kept form while nothing changed.
        assert!(
            list(&app.base, &key, accept).await.3 == body,
            "{accept}: kept"
        );
    }
}
