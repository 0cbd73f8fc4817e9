//! The embedded engine with several instances on one PostgreSQL database:
//! the instance running it polls its "This machine"; another one, running
//! no engine, lists it live and acts on it through the engine's instance
//! (calls relayed through the database), and says so clearly when that
//! instance is gone.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_server::config::EngineSettings;
use tm_testkit::TestTorrent;

use crate::daemons::{this_machine, upload, wait_until};
use crate::harness::{Api, Db, TestApp};
use crate::instances::{alice_on, quick};

/// Nothing listens there; the engine wants no tracker, but lists it.
const TRACKER: &str = "http://127.0.0.1:1/announce";
/// The engine's peer address in this test.
const ENGINE_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 12);

async fn torrent_on(api: &Api, hash: &str) -> Option<Value> {
    let (status, torrent) = api.get(&format!("/torrents/{hash}")).await;
    (status == StatusCode::OK).then_some(torrent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instance_lists_this_machine_and_acts_on_it_through_the_engines_instance() {
    let Some(with_engine) = TestApp::try_spawn(Db::Postgres, |config| {
        quick(config);
        config.engine = Some(EngineSettings {
            downloads_dir: config.data_dir.join("downloads"),
            listen_port: None,
            dht: false,
            listen_ip: Some(IpAddr::V4(ENGINE_IP)),
        });
    })
    .await
    else {
        return;
    };
    let url = with_engine.config.database_url.clone();
    let without = TestApp::try_spawn(Db::Postgres, move |config| {
        quick(config);
        config.database_url = url;
        config.client_timeout = Duration::from_secs(3);
    })
    .await
    .expect("postgres");
    let mut apps = vec![with_engine, without];
    // Alice, the first account, is the admin: "This machine" is hers.
    let apis = alice_on(&apps).await;
    let (on_engine, elsewhere) = (&apis[0], &apis[1]);

    // Listed by the other instance, connected.
    let machine = this_machine(elsewhere).await;
    assert_eq!(machine["name"], "This machine", "{machine}");
    let id = machine["id"].as_str().unwrap().to_owned();

    // Added through the instance without the engine: it reads its own
    // write, and the engine's instance lists it too.
    let scratch = tempfile::tempdir().unwrap();
    let first =
        TestTorrent::single_file(scratch.path(), "relayed.bin", 200_000, Some(TRACKER)).unwrap();
    let second =
        TestTorrent::single_file(scratch.path(), "second.bin", 100_000, Some(TRACKER)).unwrap();
    for torrent in [&first, &second] {
        let query = format!("?server_id={id}&start=false&labels=tv");
        let (status, added) = upload(elsewhere, &query, "t.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{added}");
    }
    let hash = first.info_hash.as_str();
    let listed = torrent_on(elsewhere, hash)
        .await
        .expect("read back at once");
    assert_eq!(
        (&listed["server_id"], &listed["labels"]),
        (&json!(id), &json!(["tv"])),
        "{listed}"
    );
    wait_until(Duration::from_secs(5), || async {
        torrent_on(on_engine, hash).await
    })
    .await
    .expect("the engine's instance lists it");

    // What only the engine knows comes through its instance.
    let (status, files) = elsewhere.get(&format!("/torrents/{hash}/files")).await;
    assert_eq!(status, StatusCode::OK, "{files}");
    assert_eq!(
        (&files["files"][0]["path"], &files["files"][0]["size"]),
        (&json!("relayed.bin"), &json!(200_000)),
        "{files}"
    );
    let (status, trackers) = elsewhere.get(&format!("/torrents/{hash}/trackers")).await;
    assert_eq!(status, StatusCode::OK, "{trackers}");
    assert_eq!(trackers["trackers"][0]["url"], TRACKER, "{trackers}");

    // Start, stop and labels through it; both instances show the outcome.
    let (status, body) = elsewhere
        .post(&format!("/torrents/{hash}/start"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for api in [on_engine, elsewhere] {
        wait_until(Duration::from_secs(10), || async {
            (torrent_on(api, hash).await?["state"] != "paused").then_some(())
        })
        .await
        .expect("started, on both instances");
    }
    let (status, body) = elsewhere
        .post(&format!("/torrents/{hash}/stop"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = elsewhere
        .put(
            &format!("/torrents/{hash}/labels"),
            json!({"labels": ["hd"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for api in [on_engine, elsewhere] {
        wait_until(Duration::from_secs(10), || async {
            let torrent = torrent_on(api, hash).await?;
            (torrent["state"] == "paused" && torrent["labels"] == json!(["hd"])).then_some(())
        })
        .await
        .expect("stopped and relabelled, on both instances");
    }

    // Removed with its data through it: gone from both.
    let (status, removed) = elsewhere
        .delete(&format!("/torrents/{hash}?delete_data=true"))
        .await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    for api in [on_engine, elsewhere] {
        wait_until(Duration::from_secs(10), || async {
            torrent_on(api, hash).await.is_none().then_some(())
        })
        .await
        .expect("removed, on both instances");
    }

    // With the engine's instance gone, a call through the other one fails
    // within its client timeout, saying so.
    apps.remove(0).stop().await;
    let began = std::time::Instant::now();
    let path = format!("/torrents/{}/start", second.info_hash);
    let (status, body) = elsewhere.post(&path, json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("client_unreachable")),
        "{body}"
    );
    assert!(
        body["detail"].as_str().unwrap().contains("This machine"),
        "{body}"
    );
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{:?}",
        began.elapsed()
    );
}
