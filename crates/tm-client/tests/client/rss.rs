use tm_client::{Error, RssFeedRequest, RssFeedUpdate, RssFilter, RssItemsQuery};

use tm_testkit::NginxFileServer;

use crate::harness::TestServer;

/// A feed of one item, served by nginx on loopback, and its URL.
async fn one_item_feed(dir: &std::path::Path) -> (NginxFileServer, String) {
    let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
        <item><title>Show.S01E01.720p</title><guid>g-1</guid>\
        <enclosure url=\"magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a\"/></item>\
        </channel></rss>";
    std::fs::write(dir.join("rss.xml"), feed).unwrap();
    let nginx = NginxFileServer::start(dir).await.expect("nginx");
    let url = format!(
        "http://{}:{}@127.0.0.1:{}{}rss.xml",
        nginx.username, nginx.password, nginx.port, nginx.path
    );
    (nginx, url)
}

#[tokio::test]
async fn feeds_are_created_refreshed_previewed_and_deleted() {
    let files = tempfile::tempdir().unwrap();
    let (_nginx, url) = one_item_feed(files.path()).await;
    let server = TestServer::start().await;
    // The first user is the admin, who may make the service fetch loopback.
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let request = RssFeedRequest {
        name: "tv".into(),
        url,
        server_id: "auto".into(),
        delay_hours: 0,
        enabled: true,
        interval_minutes: 30,
        filter: RssFilter {
            include: Some("nothing matches this".into()),
            start: true,
            ..Default::default()
        },
    };
    let feed = alice.create_rss_feed(&request).await.unwrap();
    assert_eq!(
        (feed.interval_minutes, feed.server_name.as_deref()),
        (30, None)
    );
    assert_eq!(alice.list_rss_feeds().await.unwrap(), vec![feed.clone()]);
    assert!(
        matches!(bob.get_rss_feed(&feed.id).await, Err(Error::NotFound(e)) if e.code.as_str() == "rss_feed_not_found")
    );

    let refreshed = alice.refresh_rss_feed(&feed.id).await.unwrap();
    assert_eq!((refreshed.new_items, refreshed.added), (1, 0));
    let items = alice
        .list_rss_items(&RssItemsQuery {
            feed_id: Some(feed.id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].status, tm_client::RssItemStatus::Rejected);

    let everything = RssFilter {
        start: true,
        ..Default::default()
    };
    let preview = alice
        .preview_rss_feed(&feed.id, Some(&everything))
        .await
        .unwrap();
    assert_eq!(preview.taken, 1);
    assert_eq!(
        alice.preview_rss_feed(&feed.id, None).await.unwrap().taken,
        0
    );

    let bad = RssFeedUpdate {
        filter: Some(RssFilter {
            exclude: Some("(".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert!(matches!(
        alice.update_rss_feed(&feed.id, &bad).await,
        Err(Error::Invalid(_))
    ));
    let renamed = RssFeedUpdate {
        name: Some("renamed".into()),
        ..Default::default()
    };
    assert_eq!(
        alice
            .update_rss_feed(&feed.id, &renamed)
            .await
            .unwrap()
            .name,
        "renamed"
    );
    alice.delete_rss_feed(&feed.id).await.unwrap();
    assert!(
        alice
            .list_rss_items(&RssItemsQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
}
