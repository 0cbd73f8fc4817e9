//! What cross-seed and autobrr call beyond Sonarr's set, over real
//! clients: tags created before any torrent carries them (`createTags`) and
//! deleted from every torrent (`deleteTags`), `torrents/info` with
//! `includeTrackers`, and share limits forgotten with their torrent.

use std::time::Duration;

use serde_json::json;
use tm_testkit::{Opentracker, TestTorrent};

use crate::daemons::{ClientUnderTest, client_and_app, wait_until};
use crate::qbit_client::{FacadeOverClient, facade_over_client};
use crate::qbit_torrents::{add_file, info, one, tags_of};

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

async fn tags_and_limits(daemon: ClientUnderTest) {
    let Some((client, app)) = client_and_app(daemon, |_| {}).await else {
        return;
    };
    let FacadeOverClient {
        app: _app,
        api: _,
        qbit,
        ..
    } = facade_over_client(&client, app, "box").await;
    let dir = qbit
        .routed_category("tv", &client.download_dir, "box")
        .await;

    // Created tags are listed before any torrent has them.
    qbit.ok("/torrents/createTags", &[("tags", "cross-seed, unused")])
        .await;
    qbit.ok("/torrents/createTags", &[("tags", "unused")]).await;
    assert_eq!(
        qbit.json("/torrents/tags", &[]).await,
        json!(["cross-seed", "unused"])
    );
    let main = qbit.json("/sync/maindata", &[]).await;
    assert_eq!(main["tags"], json!(["cross-seed", "unused"]));

    let torrent = TestTorrent::single_file(&dir, "show.mkv", 100_000, Some(TRACKER)).unwrap();
    let hash = torrent.info_hash.as_str();
    let fields = [
        ("category", "tv"),
        ("tags", "cross-seed,hd"),
        ("ratioLimit", "2"),
        ("stopped", "true"),
    ];
    assert_eq!(add_file(&qbit, &torrent, &fields).await, "Ok.");
    let listed = wait_until(Duration::from_secs(20), || one(&qbit, hash))
        .await
        .expect("listed");
    assert_eq!(tags_of(&listed), ["cross-seed", "hd"]);
    assert_eq!(listed["ratio_limit"].as_f64(), Some(2.0));

    // deleteTags takes the tag off the torrent and out of the list.
    qbit.ok("/torrents/deleteTags", &[("tags", "cross-seed")])
        .await;
    assert_eq!(tags_of(&one(&qbit, hash).await.unwrap()), ["hd"]);
    assert_eq!(
        qbit.json("/torrents/tags", &[]).await,
        json!(["hd", "unused"])
    );

    // Removed and added again, the torrent does not inherit the old limits.
    qbit.ok(
        "/torrents/delete",
        &[("hashes", hash), ("deleteFiles", "false")],
    )
    .await;
    let gone = wait_until(Duration::from_secs(15), || async {
        one(&qbit, hash).await.is_none().then_some(())
    })
    .await;
    assert!(gone.is_some(), "{hash} still listed");
    let again = [("category", "tv"), ("stopped", "true")];
    assert_eq!(add_file(&qbit, &torrent, &again).await, "Ok.");
    let listed = wait_until(Duration::from_secs(20), || one(&qbit, hash))
        .await
        .expect("listed again");
    assert_eq!(listed["ratio_limit"].as_f64(), Some(-2.0), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_limits_on_transmission() {
    tags_and_limits(ClientUnderTest::Transmission).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_limits_on_qbittorrent() {
    tags_and_limits(ClientUnderTest::Qbittorrent).await;
}

/// `includeTrackers=true` adds each torrent's tracker list, and `tracker`
/// is the URL of the tracker that answered (empty while none has).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn include_trackers_names_the_working_tracker() {
    let Some((client, app)) = client_and_app(ClientUnderTest::Transmission, |_| {}).await else {
        return;
    };
    let FacadeOverClient {
        app: _app,
        api: _,
        qbit,
        ..
    } = facade_over_client(&client, app, "box").await;
    let dir = qbit
        .routed_category("tv", &client.download_dir, "box")
        .await;

    let untracked = TestTorrent::single_file(&dir, "tracked.mkv", 100_000, None).unwrap();
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let tracked = untracked.with_tracker(&tracker.announce_url());
    let dead = TestTorrent::single_file(&dir, "dead.mkv", 100_000, Some(TRACKER)).unwrap();
    for torrent in [&tracked, &dead] {
        assert_eq!(add_file(&qbit, torrent, &[("category", "tv")]).await, "Ok.");
    }
    let form = [("category", "tv"), ("includeTrackers", "true")];
    let listed = wait_until(Duration::from_secs(60), || async {
        let all = info(&qbit, &form).await;
        let announced = all
            .iter()
            .any(|t| t["hash"] == tracked.info_hash.as_str() && t["tracker"] != "");
        (all.len() == 2 && announced).then_some(all)
    })
    .await
    .expect("the opentracker answers");
    for torrent in &listed {
        let urls: Vec<&str> = torrent["trackers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["url"].as_str().unwrap())
            .collect();
        if torrent["hash"] == tracked.info_hash.as_str() {
            assert_eq!(torrent["tracker"], tracker.announce_url());
            assert_eq!(urls, [tracker.announce_url()]);
        } else {
            assert_eq!(torrent["tracker"], "", "nothing answers at {TRACKER}");
            assert_eq!(urls, [TRACKER]);
        }
    }
    // Without the parameter the list stays as cheap as before.
    assert!(
        info(&qbit, &[])
            .await
            .iter()
            .all(|t| t.get("trackers").is_none())
    );
}
