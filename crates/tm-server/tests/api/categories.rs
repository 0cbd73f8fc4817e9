//! `/categories`: the routing of the qBittorrent-compatible API's
//! categories, set from our own API, seen and followed by `/api/v2`.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_testkit::TestTorrent;

use crate::daemons::{ClientUnderTest, register, wait_until};
use crate::harness::{on_both_databases, spawn};
use crate::qbit_client::Qbit;

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

on_both_databases! {
    async fn a_category_set_here_routes_facade_adds(db: Db) {
        let app = spawn!(db);
        let Some(client) = ClientUnderTest::Transmission.start().await else {
            eprintln!("skipped: transmission-daemon is not installed");
            return;
        };
        let alice = app.user("alice").await;
        // The first server is the default: the category must route elsewhere.
        let spare = alice.create_server("spare").await;
        let spare_id = spare["id"].as_str().unwrap();
        let box_id = register(&alice, "box", &client.config).await;
        let tv_dir = client.download_dir.join("tv");
        std::fs::create_dir_all(&tv_dir).unwrap();
        let tv = tv_dir.to_str().unwrap();

        let (status, created) = alice
            .put("/categories/tv", json!({"save_path": tv, "server_id": box_id}))
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let expected = json!({"name": "tv", "save_path": tv, "server_id": box_id, "server_name": "box"});
        assert_eq!(created, expected);
        let (status, listed) = alice.get("/categories").await;
        assert_eq!(status, StatusCode::OK, "{listed}");
        assert_eq!(listed, json!({"categories": [expected]}));

        // The qBittorrent API sees it and routes an add in it to box.
        let qbit = Qbit::new(&app);
        assert_eq!(qbit.login("alice", &crate::harness::password_of("alice")).await, "Ok.");
        let categories = qbit.json("/torrents/categories", &[]).await;
        assert_eq!(categories["tv"]["savePath"], tv);
        assert_eq!(categories["tv"]["server_id"], box_id.as_str());
        let scratch = tempfile::tempdir().unwrap();
        let torrent = TestTorrent::single_file(scratch.path(), "ep.bin", 50_000, Some(TRACKER)).unwrap();
        let magnet = torrent.magnet(Some(TRACKER));
        qbit.ok("/torrents/add", &[("urls", magnet.as_str()), ("category", "tv"), ("stopped", "true")])
            .await;
        let path = format!("/torrents/{}", torrent.info_hash);
        let added = wait_until(Duration::from_secs(20), || async {
            let (status, body) = alice.get(&path).await;
            (status == StatusCode::OK).then_some(body)
        })
        .await
        .expect("the add shows up");
        assert_eq!(added["server_id"], box_id.as_str(), "{added}");
        assert_eq!(added["save_path"].as_str().map(|p| p.trim_end_matches('/')), Some(tv));

        // Replaced wholesale: no server is the default server, no path the client's own.
        let (status, replaced) = alice.put("/categories/tv", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{replaced}");
        assert_eq!(replaced, json!({"name": "tv", "save_path": null, "server_id": null, "server_name": null}));
        let categories = qbit.json("/torrents/categories", &[]).await;
        assert_eq!(categories["tv"]["savePath"], "");
        assert_eq!(categories["tv"]["server_id"], spare_id);

        let (status, removed) = alice.delete("/categories/tv").await;
        assert_eq!(status, StatusCode::OK, "{removed}");
        assert_eq!(alice.get("/categories").await.1, json!({"categories": []}));
        assert_eq!(qbit.json("/torrents/categories", &[]).await, json!({}));
        let (status, body) = alice.delete("/categories/tv").await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    }

    async fn categories_are_checked_and_private(db: Db) {
        let app = spawn!(db);
        let alice = app.user("alice").await;
        let bob = app.user("bob").await;
        let server = alice.create_server("seedbox").await;
        let alice_server = server["id"].as_str().unwrap();
        let (status, body) = alice
            .put("/categories/movies", json!({"server_id": alice_server, "save_path": "/data//films/"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["save_path"], "/data/films", "normalised as every save path");
        assert_eq!(body["server_name"], "seedbox");

        // Another user's categories and servers are not theirs to see or use.
        assert_eq!(bob.get("/categories").await.1, json!({"categories": []}));
        let code = |answer: (StatusCode, Value)| (answer.0, answer.1["code"].as_str().map(str::to_string));
        let not_found = |what: &str| (StatusCode::NOT_FOUND, Some(what.to_string()));
        assert_eq!(
            code(bob.put("/categories/movies", json!({"server_id": alice_server})).await),
            not_found("server_not_found")
        );
        assert_eq!(code(bob.delete("/categories/movies").await), not_found("not_found"));
        assert_eq!(
            code(alice.put("/categories/tv", json!({"server_id": "no-such-server"})).await),
            not_found("server_not_found")
        );
        let invalid = |status| (status, Some("invalid_input".to_string()));
        assert_eq!(
            code(alice.put("/categories/tv", json!({"save_path": "relative/dir"})).await),
            invalid(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            code(alice.put("/categories/a,b", json!({})).await),
            invalid(StatusCode::UNPROCESSABLE_ENTITY)
        );
        assert_eq!(
            code(alice.put("/categories/tv", json!({"server": "seedbox"})).await).0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown fields are refused, not ignored"
        );
        assert_eq!(code(app.client().get("/categories").await).0, StatusCode::UNAUTHORIZED);
        let (_, listed) = alice.get("/categories").await;
        let names: Vec<&str> = listed["categories"].as_array().unwrap().iter()
            .map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["movies"], "nothing refused was stored");
    }
}
