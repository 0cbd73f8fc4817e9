//! Placement rules and adds to several servers through two real
//! transmission-daemons.

use tm_client::{
    AddTorrentRequest, Error, PlacementMatch, PlacementRule, PlacementTarget, ServerTarget,
    TorrentUpload, UploadOptions,
};
use tm_testkit::{ClientUnderTest, TestTorrent};

use crate::harness::{TestServer, register};

/// Nothing listens there.
const TRACKER: &str = "http://127.0.0.1:1/announce";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placement_rules_decide_where_auto_adds_go() {
    let (Some(one), Some(two)) = (
        ClientUnderTest::Transmission.start().await,
        ClientUnderTest::Transmission.start().await,
    ) else {
        return;
    };
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let one_id = register(&alice, "one", &one).await;
    let two_id = register(&alice, "two", &two).await;
    assert!(alice.placement().await.unwrap().is_empty());

    let tv = PlacementRule {
        name: "tv".into(),
        matches: PlacementMatch {
            labels: Some(vec!["tv".into()]),
            ..Default::default()
        },
        target: PlacementTarget::Server(ServerTarget {
            server_id: two_id.clone(),
        }),
    };
    let stored = alice.set_placement(vec![tv.clone()]).await.unwrap();
    assert_eq!(stored, std::slice::from_ref(&tv));
    assert_eq!(alice.placement().await.unwrap(), [tv]);
    let mut foreign = stored[0].clone();
    foreign.target = PlacementTarget::Server(ServerTarget {
        server_id: "not-mine".into(),
    });
    assert!(matches!(
        alice.set_placement(vec![foreign]).await,
        Err(Error::Invalid(_))
    ));

    let scratch = tempfile::tempdir().unwrap();
    let torrent =
        TestTorrent::single_file(scratch.path(), "show.bin", 20_000, Some(TRACKER)).unwrap();
    let path = scratch.path().join("show.torrent");
    std::fs::write(&path, &torrent.bytes).unwrap();
    let auto = UploadOptions {
        server_id: Some("auto".into()),
        start: false,
        labels: vec!["tv".into()],
        save_path: None,
    };
    let placed = alice
        .upload_torrent(TorrentUpload::from_path(&path).unwrap(), &auto)
        .await
        .unwrap();
    assert_eq!(placed.server_id, two_id);
    assert_eq!(placed.placement.unwrap().rule.as_deref(), Some("tv"));

    // The same .torrent to both servers: already on two, new on one.
    let both = alice
        .upload_torrent_to_servers(
            TorrentUpload::from_path(&path).unwrap(),
            &auto,
            &[one_id.clone(), two_id.clone()],
        )
        .await
        .unwrap();
    assert_eq!((both.total, both.success_count), (2, 1), "{both:?}");
    assert_eq!(both.outcomes[0].server_id, one_id);
    assert!(both.outcomes[0].success);
    assert!(!both.outcomes[1].success);

    let magnet = TestTorrent::single_file(scratch.path(), "m.bin", 10_000, Some(TRACKER)).unwrap();
    let several = alice
        .add_torrent_to_servers(&AddTorrentRequest {
            uri: magnet.magnet(Some(TRACKER)),
            server_id: None,
            server_ids: vec![one_id.clone(), two_id.clone()],
            start: false,
            labels: Vec::new(),
            save_path: None,
        })
        .await
        .unwrap();
    assert_eq!(several.success_count, 2, "{several:?}");
    let names: Vec<&str> = several
        .outcomes
        .iter()
        .map(|o| o.server_name.as_str())
        .collect();
    assert_eq!(names, ["one", "two"]);
}
