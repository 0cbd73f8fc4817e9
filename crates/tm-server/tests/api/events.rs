//! `GET /events`: a reset first, then deltas that carry only what changed,
//! for the caller's servers only; and the web UI's page and headers.

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, register, upload};
use crate::harness::{Api, Db, TestApp};

/// Reads server-sent events from a response.
pub(crate) struct EventReader {
    stream: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
    /// Set when the stream is gzip-compressed: decodes chunk by chunk.
    gunzip: Option<flate2::write::GzDecoder<Vec<u8>>>,
}

impl EventReader {
    pub(crate) async fn open(api: &Api) -> EventReader {
        Self::from_response(api.request(reqwest::Method::GET, "/events")).await
    }

    /// Opens the stream with API key `key` and `Accept-Encoding: accept`,
    /// through a client that decodes nothing itself.
    pub(crate) async fn open_accepting(base: &str, key: &str, accept: &str) -> EventReader {
        let request = crate::harness::raw_client()
            .get(format!("{base}/events"))
            .bearer_auth(key)
            .header(reqwest::header::ACCEPT_ENCODING, accept);
        Self::from_response(request).await
    }

    async fn from_response(request: reqwest::RequestBuilder) -> EventReader {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let gunzip = match response.headers().get(reqwest::header::CONTENT_ENCODING) {
            Some(coding) if coding == "gzip" => Some(flate2::write::GzDecoder::new(Vec::new())),
            None => None,
            Some(other) => panic!("unexpected coding {other:?}"),
        };
        EventReader {
            stream: response.bytes_stream().boxed(),
            buffer: String::new(),
            gunzip,
        }
    }

    /// Whether the stream arrives gzip-compressed.
    pub(crate) fn is_gzip(&self) -> bool {
        self.gunzip.is_some()
    }

    /// The next named event, skipping comments; panics after `within`.
    pub(crate) async fn next(&mut self, within: Duration) -> (String, Value) {
        tokio::time::timeout(within, async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let mut name = None;
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(value) = line.strip_prefix("event:") {
                            name = Some(value.trim().to_string());
                        } else if let Some(value) = line.strip_prefix("data:") {
                            data.push_str(value.trim_start());
                        }
                    }
                    if let Some(name) = name {
                        return (
                            name,
                            serde_json::from_str(&data).unwrap_or(Value::String(data)),
                        );
                    }
                    continue;
                }
                let chunk = self
                    .stream
                    .next()
                    .await
                    .expect("the stream stays open")
                    .unwrap();
                match &mut self.gunzip {
                    Some(decoder) => {
                        // Each chunk ends in a sync flush: it decodes whole.
                        std::io::Write::write_all(decoder, &chunk).unwrap();
                        let decoded = std::mem::take(decoder.get_mut());
                        self.buffer.push_str(&String::from_utf8_lossy(&decoded));
                    }
                    None => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                }
            }
        })
        .await
        .expect("an event arrives in time")
    }

    /// The next `delta` event that satisfies `wanted`.
    pub(crate) async fn delta_where(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let (name, data) = self.next(Duration::from_secs(20)).await;
            if name == "delta" && wanted(&data) {
                return data;
            }
        }
    }
}

fn lists(delta: &Value, key: &str, hash: &str) -> bool {
    delta[key]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v == hash || v["info_hash"] == hash)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_carry_only_what_changed() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let api = app.user("alice").await;
    let server_id = register(&api, "box", &client.config).await;
    let bob = app.user("bob").await;
    let mut bobs_events = EventReader::open(&bob).await;
    let (name, reset) = bobs_events.next(Duration::from_secs(5)).await;
    assert_eq!(name, "reset");
    assert_eq!(reset, json!({"torrents": [], "servers": []}));

    let mut events = EventReader::open(&api).await;
    let (name, reset) = events.next(Duration::from_secs(5)).await;
    assert_eq!(name, "reset");
    assert_eq!(reset["torrents"], json!([]));
    assert_eq!(reset["servers"][0]["id"], server_id.as_str());

    let scratch = tempfile::tempdir().unwrap();
    let torrent = TestTorrent::single_file(
        scratch.path(),
        "live.bin",
        50_000,
        Some("http://127.0.0.1:1/announce"),
    )
    .unwrap();
    let hash = torrent.info_hash.clone();
    let (status, _) = upload(
        &api,
        &format!("?server_id={server_id}&start=false"),
        "live.torrent",
        torrent.bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let added = events.delta_where(|d| lists(d, "added", &hash)).await;
    assert_eq!(added["server_id"], server_id.as_str());
    let full = added["added"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["info_hash"] == hash.as_str())
        .unwrap();
    assert_eq!(full["name"], "live.bin", "a new torrent arrives whole");
    // In its stream form: the list's fields without nulls and aliases.
    let (_, listed) = api.get("/torrents").await;
    let listed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["info_hash"] == hash.as_str())
        .unwrap();
    let expected: Vec<&String> = listed
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, value)| {
            !value.is_null() && !["bytes_done", "directory", "is_magnet"].contains(&key.as_str())
        })
        .map(|(key, _)| key)
        .collect();
    assert_eq!(
        full.as_object().unwrap().keys().collect::<Vec<_>>(),
        expected
    );
    assert!(listed["info_hash_v2"].is_null() && listed["bytes_done"].is_number());

    let (status, _) = api
        .post(&format!("/torrents/{hash}/start"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let changed = events.delta_where(|d| lists(d, "changed", &hash)).await;
    let fields = changed["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["info_hash"] == hash.as_str())
        .unwrap();
    assert_eq!(fields["server_id"], server_id.as_str());
    assert!(
        fields.get("name").is_none(),
        "unchanged fields are left out: {fields}"
    );
    assert!(
        fields.get("size").is_none(),
        "unchanged fields are left out: {fields}"
    );
    assert!(
        fields.as_object().unwrap().len() < 12,
        "only what changed: {fields}"
    );

    let (status, _) = api.delete(&format!("/torrents/{hash}")).await;
    assert_eq!(status, StatusCode::OK);
    let removed = events.delta_where(|d| lists(d, "removed", &hash)).await;
    assert_eq!(removed["server_id"], server_id.as_str());

    // Bob heard nothing of it (only keep-alives, if anything, in the meantime).
    let quiet = tokio::time::timeout(
        Duration::from_millis(500),
        bobs_events.next(Duration::from_secs(1)),
    )
    .await;
    assert!(
        quiet.is_err() || quiet.as_ref().unwrap().0 != "delta",
        "{quiet:?}"
    );
    assert_eq!(
        app.client().get("/events").await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// A browser's stream is gzip-compressed as it goes: the reset and each
/// delta decode as soon as they arrive (a sync flush per event).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_accepting_gzip_is_compressed_event_by_event() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let api = app.user("alice").await;
    let server_id = register(&api, "box", &client.config).await;
    let key = api.create_key("stream").await;
    let mut events = EventReader::open_accepting(&app.base, &key, "gzip, deflate, br, zstd").await;
    assert!(events.is_gzip());
    let (name, reset) = events.next(Duration::from_secs(5)).await;
    assert_eq!(name, "reset");
    assert_eq!(reset["servers"][0]["id"], server_id.as_str());

    let scratch = tempfile::tempdir().unwrap();
    let torrent = TestTorrent::single_file(scratch.path(), "zipped.bin", 50_000, None).unwrap();
    let hash = torrent.info_hash.clone();
    let query = format!("?server_id={server_id}&start=false");
    let (status, _) = upload(&api, &query, "z.torrent", torrent.bytes.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let added = events.delta_where(|d| lists(d, "added", &hash)).await;
    assert_eq!(added["server_id"], server_id.as_str());

    // A client without gzip gets the plain stream.
    assert!(
        !EventReader::open_accepting(&app.base, &key, "br, zstd")
            .await
            .is_gzip()
    );
}

#[tokio::test]
async fn the_page_is_served_with_a_strict_content_security_policy() {
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let http = reqwest::Client::new();
    let page = http.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let etag = page.headers()["etag"].clone();
    let html = page.text().await.unwrap();
    assert!(html.contains("<html"));
    let again = http
        .get(format!("{}/", app.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let missing = http
        .get(format!("{}/app/nope.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Reads the stream until it ends; panics if it is still open after `within`.
async fn ends_within(mut events: EventReader, within: Duration) {
    tokio::time::timeout(within, async {
        while let Some(Ok(_)) = events.stream.next().await {}
    })
    .await
    .expect("the stream ends");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_end_when_their_credential_does() {
    let app = TestApp::try_spawn(Db::Sqlite, |c| {
        c.credential_recheck = Duration::from_millis(500)
    })
    .await
    .expect("sqlite");
    let api = app.user("alice").await;
    let key = api.create_key("watcher").await;
    let (_, keys) = api.get("/auth/api-keys").await;
    let prefix = keys["api_keys"][0]["prefix"].as_str().unwrap().to_string();
    let mut by_key = EventReader::open(&app.key_client(&key)).await;
    assert_eq!(by_key.next(Duration::from_secs(5)).await.0, "reset");
    let (status, _) = api.delete(&format!("/auth/api-keys/{prefix}")).await;
    assert_eq!(status, StatusCode::OK);
    ends_within(by_key, Duration::from_secs(3)).await;

    // A session's stream ends when the password changes elsewhere.
    let other = app.client();
    other.login("alice", false).await;
    let mut by_session = EventReader::open(&other).await;
    assert_eq!(by_session.next(Duration::from_secs(5)).await.0, "reset");
    let (status, body) = api
        .post(
            "/auth/password",
            json!({"current_password": "password-alice", "new_password": "new-password-alice"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    ends_within(by_session, Duration::from_secs(3)).await;
}
