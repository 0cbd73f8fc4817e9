//! RSS feeds that cannot be used: bad filters and intervals (422 naming the
//! field), addresses the egress policy refuses, answers over the size cap
//! or not feeds at all (a hand-written server, for fault injection); and
//! the poller fetching a new feed on its own.

use std::time::Duration;

use axum::body::Body;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::daemons::wait_until;
use crate::harness::{Api, Db, on_both_databases, spawn};

/// A loopback server with `/endless` (an answer that never ends, without a
/// length), `/page` (HTML) and `/feed` (a valid RSS feed); returns its base URL.
async fn fault_server() -> String {
    let chunk = bytes::Bytes::from(vec![b'<'; 64 * 1024]);
    let endless = move || {
        let chunk = chunk.clone();
        async move {
            Body::from_stream(futures::stream::repeat_with(move || {
                Ok::<_, std::io::Error>(chunk.clone())
            }))
        }
    };
    let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
        <item><title>Polled.Item</title><guid>polled-1</guid>\
        <enclosure url=\"magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a\" length=\"1\"/></item>\
        </channel></rss>";
    let router = axum::Router::new()
        .route("/endless", axum::routing::get(endless))
        .route(
            "/page",
            axum::routing::get(|| async { "<html><body>not a feed</body></html>" }),
        )
        .route("/feed", axum::routing::get(move || async move { feed }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

async fn create(api: &Api, url: &str, extra: Value) -> (StatusCode, Value) {
    let mut body = json!({"name": "f", "url": url, "server_id": "auto"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    api.post("/rss/feeds", body).await
}

on_both_databases! {
    async fn bad_feeds_are_refused_with_the_field_named(db: Db) {
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let url = "https://feeds.example/rss";
        let cases = [
            (json!({"filter": {"include": "(unclosed"}}), "filter.include: bad regex"),
            (json!({"filter": {"exclude": "\\w{1000}\\w{1000}"}}), "filter.exclude"),
            (json!({"filter": {"min_size": 10, "max_size": 1}}), "filter.min_size"),
            (json!({"filter": {"labels": ["a,b"]}}), "filter.labels"),
            (json!({"interval_minutes": 1}), "interval_minutes must be between 5"),
            (json!({"name": " "}), "name must not be empty"),
        ];
        for (extra, expected) in cases {
            let (status, body) = create(&alice, url, extra.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra}: {body}");
            assert!(body["detail"].as_str().unwrap().contains(expected), "{extra}: {body}");
            assert_eq!(body["code"], "invalid_input");
        }
        let (status, body) = create(&alice, "ftp://feeds.example/rss", json!({})).await;
        assert_eq!((status, body["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("url must be an http or https URL")));
        let (status, body) = create(&alice, url, json!({"server_id": "no-such-server"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("server_not_found")));

        // A good one, edited; a negative delay is 0 as in the original.
        let (status, feed) = create(&alice, url, json!({"delay_hours": -3, "enabled": false})).await;
        assert_eq!(status, StatusCode::OK, "{feed}");
        assert_eq!((feed["delay_hours"].as_i64(), feed["server_id"].as_str()), (Some(0), Some("auto")));
        let path = format!("/rss/feeds/{}", feed["id"].as_str().unwrap());
        let (status, edited) = alice.put(&path, json!({"name": "renamed", "filter": {"exclude": "(?i)cam"}})).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!((edited["name"].as_str(), edited["filter"]["exclude"].as_str()), (Some("renamed"), Some("(?i)cam")));
        assert_eq!(edited["filter"]["start"], true);
        let (status, body) = alice.put(&path, json!({"filter": {"include": "("}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (_, listed) = alice.get("/rss/feeds").await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        let (status, _) = alice.get("/rss/items?limit=501").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = alice.get("/rss/items?status=downloaded&limit=10").await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn the_egress_policy_and_the_size_cap_apply_to_feeds(db: Db) {
        let faults = fault_server().await;
        let app = spawn!(db, |c| c.rss_poll_interval = Duration::from_secs(3600));
        let admin = app.user("admin").await;
        let carol = app.user("carol").await;

        // Loopback is refused to a user without private targets, when saved...
        let (status, body) = create(&carol, &format!("{faults}/feed"), json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden_target")), "{body}");
        // ...and when fetched, once the grant is withdrawn.
        let (_, me) = carol.get("/auth/me").await;
        let grant = format!("/admin/users/{}/targets", me["user_id"].as_str().unwrap());
        admin.put(&grant, json!({"allow_private_targets": true})).await;
        let (status, feed) = create(&carol, &format!("{faults}/feed"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{feed}");
        admin.put(&grant, json!({"allow_private_targets": false})).await;
        let refresh = format!("/rss/feeds/{}/refresh", feed["id"].as_str().unwrap());
        let (status, body) = carol.post(&refresh, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden_target")), "{body}");
        let (_, feed) = carol.get(&format!("/rss/feeds/{}", feed["id"].as_str().unwrap())).await;
        assert!(feed["last_error"].as_str().unwrap().starts_with("Target not allowed"), "{feed}");
        assert!(feed["last_checked_at"].is_string() && feed["last_success_at"].is_null(), "{feed}");

        // An answer that never ends is cut at the cap; a page is not a feed.
        // The URL's passkey is in neither the answer nor the feed's error.
        for (path, expected) in [("/endless?passkey=s3cret", "larger than 4 MiB"), ("/page", "not an RSS or Atom feed")] {
            let (_, feed) = create(&admin, &format!("{faults}{path}"), json!({})).await;
            let id = feed["id"].as_str().unwrap();
            let (status, body) = admin.post(&format!("/rss/feeds/{id}/refresh"), json!({})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert!(body["detail"].as_str().unwrap().contains(expected), "{path}: {body}");
            assert!(!body.to_string().contains("s3cret"), "{body}");
            let (_, feed) = admin.get(&format!("/rss/feeds/{id}")).await;
            assert!(feed["last_error"].as_str().unwrap().contains(expected), "{feed}");
            assert!(!feed["last_error"].to_string().contains("s3cret"), "{feed}");
        }
    }
}

/// Nobody refreshes: the poller fetches a new feed on its own, and a
/// disabled feed's items wait as `new` until it is enabled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poller_fetches_new_feeds_on_its_own() {
    let faults = fault_server().await;
    let app = spawn!(Db::Sqlite, |c| c.rss_poll_interval =
        Duration::from_millis(200));
    let alice = app.user("alice").await;
    let (_, feed) = create(
        &alice,
        &format!("{faults}/feed"),
        json!({"filter": {"include": "nothing"}}),
    )
    .await;
    let id = feed["id"].as_str().unwrap().to_string();
    let polled = wait_until(Duration::from_secs(10), || async {
        let (_, feed) = alice.get(&format!("/rss/feeds/{id}")).await;
        feed["last_success_at"].is_string().then_some(feed)
    })
    .await
    .expect("the poller fetched the feed");
    assert_eq!(polled["last_item_count"], 1);
    assert_eq!(polled["item_counts"]["rejected"], 1, "{polled}");

    let (_, disabled) = create(&alice, &format!("{faults}/feed"), json!({"enabled": false})).await;
    let path = format!("/rss/feeds/{}", disabled["id"].as_str().unwrap());
    let (status, refreshed) = alice.post(&format!("{path}/refresh"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(refreshed["feed"]["item_counts"]["new"], 1, "{refreshed}");
    let (_, preview) = alice.post(&format!("{path}/preview"), json!({})).await;
    assert_eq!(
        (
            preview["taken"].as_u64(),
            preview["items"][0]["status"].as_str()
        ),
        (Some(1), Some("new"))
    );
}

/// `delay_hours`: a matched item waits that long after it was first seen;
/// a refresh before then adds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matched_items_wait_out_the_delay() {
    let faults = fault_server().await;
    let app = spawn!(Db::Sqlite, |c| c.rss_poll_interval =
        Duration::from_secs(3600));
    let alice = app.user("alice").await;
    let (_, feed) = create(&alice, &format!("{faults}/feed"), json!({"delay_hours": 2})).await;
    let id = feed["id"].as_str().unwrap();
    let (status, refreshed) = alice
        .post(&format!("/rss/feeds/{id}/refresh"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(
        (refreshed["new_items"].as_u64(), refreshed["added"].as_u64()),
        (Some(1), Some(0))
    );
    let (_, items) = alice
        .get(&format!("/rss/items?feed_id={id}&status=matched"))
        .await;
    let item = &items[0];
    assert_eq!(item["attempt_count"], 0, "{item}");
    let seconds = |field: &str| {
        time::OffsetDateTime::parse(
            item[field].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .unix_timestamp()
    };
    assert_eq!(
        seconds("next_attempt_at") - seconds("detected_at"),
        2 * 3600,
        "{item}"
    );
}

/// A feed whose server was deleted fails its items for good (the original
/// retried them forever), and shows no server name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_server_fails_the_items_for_good() {
    let faults = fault_server().await;
    let app = spawn!(Db::Sqlite, |c| c.rss_poll_interval =
        Duration::from_secs(3600));
    let alice = app.user("alice").await;
    let server = alice.create_server("gone").await;
    let server_id = server["id"].as_str().unwrap();
    let (_, feed) = create(
        &alice,
        &format!("{faults}/feed"),
        json!({"server_id": server_id}),
    )
    .await;
    assert_eq!(feed["server_name"], "gone");
    let (status, _) = alice.delete(&format!("/servers/{server_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let id = feed["id"].as_str().unwrap();
    let (status, refreshed) = alice
        .post(&format!("/rss/feeds/{id}/refresh"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(refreshed["feed"]["server_name"], Value::Null);
    assert_eq!(refreshed["feed"]["item_counts"]["failed"], 1, "{refreshed}");
    let (_, items) = alice.get(&format!("/rss/items?feed_id={id}")).await;
    assert_eq!(items[0]["last_error"], "Server not found", "{items}");
    assert_eq!(items[0]["next_attempt_at"], Value::Null);
}
