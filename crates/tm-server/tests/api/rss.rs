//! RSS feeds end to end: nginx serves an RSS 2.0 and an Atom feed whose
//! items point at real .torrent files beside them; the feeds' filters take
//! two items of five each onto a real Transmission.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::{ClientUnderTest, NginxFileServer, TestTorrent};

use crate::daemons::{register, wait_until};
use crate::harness::{Api, on_both_databases, spawn};

const MIB: u64 = 1024 * 1024;

/// One item of a test feed: its title, the .torrent it points at, and the
/// size the feed announces (none: no `length`).
struct Item {
    title: &'static str,
    torrent: TestTorrent,
    announced: Option<u64>,
}

/// Writes `<name>.torrent` (a small real torrent) into `dir`.
fn item(dir: &Path, title: &'static str, announced: Option<u64>) -> Item {
    let data = tempfile::tempdir().unwrap();
    let torrent = TestTorrent::single_file(data.path(), &format!("{title}.bin"), 20_000, None)
        .expect("torrent");
    std::fs::write(dir.join(format!("{title}.torrent")), &torrent.bytes).unwrap();
    Item {
        title,
        torrent,
        announced,
    }
}

/// An RSS 2.0 feed of `items`, newest first as feeds list them.
fn rss_feed(base: &str, items: &[Item]) -> String {
    let entries: String = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let length = item
                .announced
                .map(|n| format!(" length=\"{n}\""))
                .unwrap_or_default();
            format!(
                "<item><title>{title}</title><guid isPermaLink=\"false\">{title}</guid>\
                 <pubDate>Mon, 15 Jan 2024 {hour:02}:00:00 GMT</pubDate>\
                 <enclosure url=\"{base}{title}.torrent\"{length} type=\"application/x-bittorrent\"/>\
                 </item>",
                title = item.title,
                hour = 20 - i,
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test</title>\
         <link>http://127.0.0.1/</link><description>d</description>{entries}</channel></rss>"
    )
}

/// An Atom feed of `items` (links typed as BitTorrent), newest first.
fn atom_feed(base: &str, items: &[Item]) -> String {
    let entries: String = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            format!(
                "<entry><title>{title}</title><id>urn:test:{i}</id>\
                 <updated>2024-01-15T{hour:02}:00:00Z</updated>\
                 <link href=\"https://tracker.invalid/details/{i}\"/>\
                 <link rel=\"enclosure\" type=\"application/x-bittorrent\" href=\"{base}{title}.torrent\"/>\
                 </entry>",
                title = item.title,
                hour = 20 - i,
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>Test</title><id>urn:test</id><updated>2024-01-15T20:00:00Z</updated>{entries}</feed>"
    )
}

async fn items_of(api: &Api, feed_id: &str) -> Vec<Value> {
    let (status, items) = api.get(&format!("/rss/items?feed_id={feed_id}")).await;
    assert_eq!(status, StatusCode::OK, "{items}");
    items.as_array().unwrap().clone()
}

fn by_title<'a>(items: &'a [Value], title: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {items:?}"))
}

on_both_databases! {
    async fn feeds_add_what_their_filters_take_to_transmission(db: Db) {
        let Some(transmission) = ClientUnderTest::Transmission.start().await else { return };
        let files = tempfile::tempdir().unwrap();
        let rss_items = [
            item(files.path(), "Show.Name.S01E02.1080p.WEB-GRP", Some(3 * MIB)),
            item(files.path(), "Show.Name.S01E03.2160p.WEB-GRP", Some(50 * MIB)),
            item(files.path(), "Other.Show.S01E01.1080p-GRP", Some(2 * MIB)),
            item(files.path(), "Show.Name.S01E04.1080p.WEB-GRP", None),
            item(files.path(), "Show.Name.S01E01.1080p.WEB-GRP", Some(2 * MIB)),
        ];
        let nginx = NginxFileServer::start(files.path()).await.expect("nginx");
        // The feed and its .torrent URLs carry the credentials, as private trackers' do.
        let base = format!("http://{}:{}@127.0.0.1:{}{}", nginx.username, nginx.password, nginx.port, nginx.path);
        std::fs::write(files.path().join("feed.xml"), rss_feed(&base, &rss_items)).unwrap();
        let app = spawn!(db, |c| c.rss_poll_interval = Duration::from_secs(3600));
        let alice = app.user("alice").await;
        let server_id = register(&alice, "tr", &transmission.config).await;

        let (status, feed) = alice.post("/rss/feeds", json!({
            "name": "tv", "url": format!("{base}feed.xml"), "server_id": server_id,
            "filter": {"include": "(?i)^show\\.name\\.", "min_size": MIB, "max_size": 10 * MIB,
                       "labels": ["tv", "rss"], "start": false}})).await;
        assert_eq!(status, StatusCode::OK, "{feed}");
        assert_eq!(feed["interval_minutes"], 15);
        assert_eq!(feed["server_name"], "tr");
        assert_eq!(feed["last_checked_at"], Value::Null);
        let feed_id = feed["id"].as_str().unwrap().to_string();

        // The first fetch stores all five and adds only the two the filter takes.
        let (status, refreshed) = alice.post(&format!("/rss/feeds/{feed_id}/refresh"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{refreshed}");
        assert_eq!(refreshed["message"], "RSS feed refreshed");
        assert_eq!((refreshed["new_items"].as_u64(), refreshed["added"].as_u64()), (Some(5), Some(2)), "{refreshed}");
        assert_eq!(refreshed["feed"]["last_item_count"], 5);
        assert_eq!(refreshed["feed"]["item_counts"], json!({"new": 0, "matched": 0, "downloaded": 2, "rejected": 3, "failed": 0}));
        let items = items_of(&alice, &feed_id).await;
        assert_eq!(items.len(), 5);
        for taken in [&rss_items[0], &rss_items[4]] {
            let listed = by_title(&items, taken.title);
            assert_eq!(listed["status"], "downloaded", "{listed}");
            assert_eq!(listed["info_hash"], taken.torrent.info_hash.as_str());
            assert_eq!(listed["server_id"], server_id.as_str());
            assert_eq!(listed["attempt_count"], 1);
            let path = format!("/torrents/{}", taken.torrent.info_hash);
            let torrent = wait_until(Duration::from_secs(15), || async {
                let (_, t) = alice.get(&path).await;
                (t["state"] != "checking" && t["state"] != "queued").then_some(t)
            }).await.expect("on the server");
            assert_eq!(torrent["labels"], json!(["tv", "rss"]));
            assert_eq!(torrent["state"], "paused", "{torrent}");
        }
        let reasons = [
            (rss_items[1].title, "above max_size"),
            (rss_items[2].title, "does not match include"),
            (rss_items[3].title, "size unknown"),
        ];
        for (title, reason) in reasons {
            let listed = by_title(&items, title);
            assert_eq!(listed["status"], "rejected", "{listed}");
            assert!(listed["reason"].as_str().unwrap().contains(reason), "{listed}");
            assert_eq!(listed["info_hash"], Value::Null);
        }
        let (status, on_server) = alice.get(&format!("/torrents/{}", rss_items[1].torrent.info_hash)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{on_server}");

        // The adds are in the activity, by the feed.
        let (_, activity) = alice.get("/activity?scope=torrent").await;
        let by_feed: Vec<&Value> = activity["items"].as_array().unwrap().iter()
            .filter(|e| e["action"] == "add" && e["actor"]["name"] == "RSS feed tv").collect();
        assert_eq!(by_feed.len(), 2, "{activity}");
        assert_eq!(by_feed[0]["actor"]["kind"], "system");
        assert_eq!(by_feed[0]["actor"]["detail"], feed_id.as_str());

        // Again: nginx answers the conditional request with 304; nothing new.
        let (status, again) = alice.post(&format!("/rss/feeds/{feed_id}/refresh"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!((again["not_modified"].as_bool(), again["new_items"].as_u64(), again["added"].as_u64()),
            (Some(true), Some(0), Some(0)), "{again}");
        let fetches = nginx.requests().iter().filter(|r| r.contains("/feed.xml")).count();
        assert_eq!(fetches, 2);

        // A changed feed is fetched in full; items seen before are not taken twice.
        // One new item's .torrent is gone: a 404 fails it for good, and its
        // error keeps no credentials.
        let mut more = rss_items;
        more[3] = item(files.path(), "Show.Name.S01E05.1080p.WEB-GRP", Some(4 * MIB));
        more[1] = item(files.path(), "Show.Name.S01E06.1080p.WEB-GRP", Some(4 * MIB));
        std::fs::remove_file(files.path().join("Show.Name.S01E06.1080p.WEB-GRP.torrent")).unwrap();
        std::fs::write(files.path().join("feed.xml"), rss_feed(&base, &more)).unwrap();
        let (_, changed) = alice.post(&format!("/rss/feeds/{feed_id}/refresh"), json!({})).await;
        assert_eq!((changed["not_modified"].as_bool(), changed["new_items"].as_u64(), changed["added"].as_u64()),
            (Some(false), Some(2), Some(1)), "{changed}");
        let items = items_of(&alice, &feed_id).await;
        assert_eq!(items.len(), 7);
        let missing = by_title(&items, "Show.Name.S01E06.1080p.WEB-GRP");
        assert_eq!((missing["status"].as_str(), missing["attempt_count"].as_u64()), (Some("failed"), Some(1)), "{missing}");
        assert!(missing["last_error"].as_str().unwrap().contains("HTTP 404"), "{missing}");
        assert!(!missing["last_error"].as_str().unwrap().contains(&nginx.password), "{missing}");

        // A preview judges the stored items by another filter and changes nothing.
        let (status, preview) = alice.post(&format!("/rss/feeds/{feed_id}/preview"),
            json!({"filter": {"include": "(?i)other"}})).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["taken"], 1, "{preview}");
        let other = preview["items"].as_array().unwrap().iter().find(|i| i["take"] == true).unwrap();
        assert_eq!(other["title"], "Other.Show.S01E01.1080p-GRP");
        assert_eq!(other["status"], "rejected");
        let (_, own) = alice.post(&format!("/rss/feeds/{feed_id}/preview"), json!({})).await;
        assert_eq!(own["taken"], 4, "the feed's own filter (the failed item too): {own}");
        let statuses: Vec<Value> = items_of(&alice, &feed_id).await.iter().map(|i| i["status"].clone()).collect();
        assert_eq!(statuses.iter().filter(|s| *s == "downloaded").count(), 3);

        // Atom, with the smart episode filter: a second release of an
        // episode is not taken, whatever its quality.
        let atom_items = [
            item(files.path(), "Movie.2023.1080p", Some(MIB)),
            item(files.path(), "Show.Name.S02E02.720p-GRP", Some(MIB)),
            item(files.path(), "Show.Name.S02E01.PROPER.1080p-GRP", Some(MIB)),
            item(files.path(), "Another.Movie.2023.720p", Some(MIB)),
            item(files.path(), "Show.Name.S02E01.720p-GRP", Some(MIB)),
        ];
        std::fs::write(files.path().join("atom.xml"), atom_feed(&base, &atom_items)).unwrap();
        let (status, atom) = alice.post("/rss/feeds", json!({
            "name": "season 2", "url": format!("{base}atom.xml"), "server_id": server_id,
            "filter": {"include": "S02", "smart_episodes": true}})).await;
        assert_eq!(status, StatusCode::OK, "{atom}");
        let atom_id = atom["id"].as_str().unwrap();
        let (_, refreshed) = alice.post(&format!("/rss/feeds/{atom_id}/refresh"), json!({})).await;
        assert_eq!((refreshed["new_items"].as_u64(), refreshed["added"].as_u64()), (Some(5), Some(2)), "{refreshed}");
        let items = items_of(&alice, atom_id).await;
        assert_eq!(by_title(&items, atom_items[4].title)["status"], "downloaded", "the first release wins");
        assert_eq!(by_title(&items, atom_items[1].title)["status"], "downloaded");
        let proper = by_title(&items, atom_items[2].title);
        assert_eq!(proper["status"], "rejected");
        assert!(proper["reason"].as_str().unwrap().contains("episode already taken: show name s02e01"), "{proper}");
        let (_, started) = alice.get(&format!("/torrents/{}", atom_items[1].torrent.info_hash)).await;
        assert_ne!(started["state"], "paused", "start defaults to true: {started}");

        // Another user sees none of it and cannot use alice's server.
        let bob = app.user("bob").await;
        for (path, method) in [(format!("/rss/feeds/{feed_id}"), "get"), (format!("/rss/feeds/{feed_id}"), "delete"),
                               (format!("/rss/feeds/{feed_id}/refresh"), "post"), (format!("/rss/items?feed_id={feed_id}"), "get")] {
            let (status, body) = match method {
                "get" => bob.get(&path).await,
                "delete" => bob.delete(&path).await,
                _ => bob.post(&path, json!({})).await,
            };
            assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("rss_feed_not_found")), "{path}");
        }
        let (_, none) = bob.get("/rss/items").await;
        assert_eq!(none, json!([]));
        let (status, body) = bob.post("/rss/feeds", json!({"name": "x", "url": "https://feeds.example/rss", "server_id": server_id})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("server_not_found")));

        // Deleting a feed deletes its items (the torrents stay).
        let (status, _) = alice.delete(&format!("/rss/feeds/{feed_id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = alice.get(&format!("/rss/items?feed_id={feed_id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, left) = alice.get("/rss/items").await;
        assert_eq!(left.as_array().unwrap().len(), 5, "only the Atom feed's: {left}");
        let (status, _) = alice.get(&format!("/torrents/{}", more[0].torrent.info_hash)).await;
        assert_eq!(status, StatusCode::OK);
    }
}
