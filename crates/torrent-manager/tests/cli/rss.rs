use tm_testkit::NginxFileServer;

use crate::harness::TestEnv;

const FEED: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
    <item><title>Show.Name.S01E01.720p</title><guid>g-1</guid>\
    <enclosure url=\"magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a\" length=\"1048576\"/></item>\
    <item><title>Some.Movie.2023</title><guid>g-2</guid>\
    <enclosure url=\"magnet:?xt=urn:btih:d12fe1c06bba254a9dc9f519b335aa7c1367a88a\" length=\"2048\"/></item>\
    </channel></rss>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rss_add_show_edit_refresh_preview_items_remove() {
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("rss.xml"), FEED).unwrap();
    let nginx = NginxFileServer::start(files.path()).await.expect("nginx");
    let url = format!(
        "http://{}:{}@127.0.0.1:{}{}rss.xml",
        nginx.username, nginx.password, nginx.port, nginx.path
    );
    let env = TestEnv::start().await;
    // The first user is the admin, who may make the service fetch loopback.
    env.login_as("alice").await;
    let empty = env.run(&["rss"]).await.ok();
    assert!(empty.stdout.contains("No feeds"), "{empty:?}");

    // No server yet: a filter nothing passes keeps the adds away.
    let added = env
        .run(&[
            "rss",
            "add",
            "tv",
            &url,
            "--include",
            "^Nothing",
            "--min-size",
            "1M",
            "--label",
            "tv",
            "--paused",
        ])
        .await
        .ok();
    assert!(added.stdout.contains("Added the feed tv"), "{added:?}");
    let shown = env
        .run(&["rss", "show", "tv", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(shown["filter"]["min_size"], 1_048_576);
    assert_eq!(shown["filter"]["labels"], serde_json::json!(["tv"]));
    assert_eq!(shown["filter"]["start"], false);
    assert_eq!(shown["server_id"], "auto");

    let refreshed = env.run(&["rss", "refresh", "tv"]).await.ok();
    assert!(
        refreshed.stdout.contains("tv: 2 new items, 0 added"),
        "{refreshed:?}"
    );
    let again = env.run(&["rss", "refresh", "tv"]).await.ok();
    assert!(again.stdout.contains("not modified"), "{again:?}");
    let items = env
        .run(&["rss", "items", "--feed", "tv", "--status", "rejected"])
        .await
        .ok();
    assert!(
        items.stdout.contains("Show.Name.S01E01.720p")
            && items.stdout.contains("does not match include"),
        "{items:?}"
    );

    // A preview with the include changed: the show is taken, the movie is not.
    let preview = env
        .run(&["rss", "preview", "tv", "--include", "(?i)show"])
        .await
        .ok();
    assert!(preview.stdout.contains("1 of 2 taken"), "{preview:?}");
    assert!(
        preview.stdout.contains("does not match include /(?i)show/"),
        "{preview:?}"
    );

    let edited = env
        .run(&[
            "rss",
            "edit",
            "tv",
            "--exclude",
            "(?i)cam",
            "--disable",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(
        (
            edited["enabled"].as_bool(),
            edited["filter"]["include"].as_str()
        ),
        (Some(false), Some("^Nothing"))
    );
    assert_eq!(edited["filter"]["exclude"], "(?i)cam");
    let bad = env
        .run(&["rss", "edit", "tv", "--include", "("])
        .await
        .failed_with(1);
    assert!(bad.stderr.contains("filter.include"), "{bad:?}");
    let listed = env.run(&["rss"]).await.ok();
    assert!(
        listed.stdout.contains("tv") && listed.stdout.contains("no"),
        "{listed:?}"
    );

    env.run(&["rss", "remove", "tv"]).await.ok();
    let gone = env.run(&["rss", "show", "tv"]).await.failed_with(1);
    assert!(gone.stderr.contains("no feed"), "{gone:?}");
}
