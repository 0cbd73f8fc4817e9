//! The embedded engine as "This machine", through the API only: made for
//! the first admin, it downloads a real torrent from a Transmission seed
//! (opentracker on loopback, DHT off) byte for byte, keeps it across a
//! restart of torrent-manager in the middle of the download, stops, starts
//! and removes exactly its files; it is its owner's alone, until an admin
//! gives other users their own share of it.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_server::config::EngineSettings;
use tm_testkit::{ClientUnderTest, daemon_available};

use crate::daemons::{register, this_machine, wait_until};
use crate::harness::{Db, TestApp};
use crate::swarm::tracked_seed_of;

/// The engine's peer address (each client of a loopback swarm has its own).
const ENGINE_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 7);

async fn app_with_engine(downloads: &Path) -> TestApp {
    let downloads = downloads.to_owned();
    TestApp::try_spawn(Db::Sqlite, move |config| {
        config.engine = Some(EngineSettings {
            downloads_dir: downloads,
            listen_port: None,
            dht: false,
            listen_ip: Some(IpAddr::V4(ENGINE_IP)),
        });
    })
    .await
    .expect("sqlite")
}

async fn torrent_on(api: &crate::harness::Api, hash: &str, server_id: &str) -> Value {
    api.get(&format!("/torrents/{hash}?server_id={server_id}"))
        .await
        .1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_machine_downloads_from_a_real_swarm_and_keeps_it_across_a_restart() {
    if !["transmission-daemon", "opentracker"]
        .iter()
        .all(|binary| daemon_available(binary))
    {
        return;
    }
    let downloads = tempfile::tempdir().unwrap();
    let mut app = app_with_engine(downloads.path()).await;
    let admin = app.user("admin").await;
    let machine = this_machine(&admin).await;
    assert_eq!(machine["name"], "This machine", "{machine}");
    assert_eq!(
        machine["is_default"], true,
        "the admin's first server: {machine}"
    );
    let machine_id = machine["id"].as_str().unwrap().to_owned();

    // A Transmission seed, slowed (16 s for 4 MiB) so the restart comes
    // mid-download.
    let seeder = ClientUnderTest::Transmission
        .start()
        .await
        .expect("transmission");
    let seed_id = register(&admin, "seedbox", &seeder.config).await;
    let seeded = tracked_seed_of(
        &admin,
        &seed_id,
        &seeder.download_dir,
        "big.bin",
        4 << 20,
        "",
    )
    .await;
    let hash = seeded.torrent.info_hash.clone();
    let (status, body) = admin
        .put(
            &format!("/torrents/{hash}/settings?server_id={seed_id}"),
            json!({"upload_limit": 256 * 1024}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Added by magnet: the engine fetches the metadata from the seed.
    let (status, added) = admin
        .post(
            "/torrents",
            json!({"uri": seeded.magnet(), "server_id": machine_id, "start": true, "labels": ["films"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    let under_way = wait_until(Duration::from_secs(60), || async {
        let t = torrent_on(&admin, &hash, &machine_id).await;
        let progress = t["progress"].as_f64().unwrap_or(0.0);
        (5.0..90.0).contains(&progress).then_some(())
    })
    .await;
    if under_way.is_none() {
        let t = torrent_on(&admin, &hash, &machine_id).await;
        let (_, all) = admin.get("/torrents").await;
        panic!("the download is not under way: {t}\n{all}");
    }

    app.restart().await;
    let admin = app.client();
    admin.login("admin", false).await;
    let done = wait_until(Duration::from_secs(90), || async {
        let t = torrent_on(&admin, &hash, &machine_id).await;
        (t["progress"] == 100.0 && t["state"] == "seeding").then_some(t)
    })
    .await
    .expect("the download resumes after the restart and completes");
    assert_eq!(done["labels"], json!(["films"]), "{done}");
    let file = downloads.path().join("big.bin");
    assert!(
        std::fs::read(&file).unwrap()
            == std::fs::read(seeder.download_dir.join("big.bin")).unwrap(),
        "byte-identical to the seed's"
    );

    // Stop and start through the API.
    for (action, state) in [("stop", "paused"), ("start", "seeding")] {
        let (status, body) = admin
            .post(
                &format!("/torrents/{hash}/{action}?server_id={machine_id}"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
        wait_until(Duration::from_secs(20), || async {
            (torrent_on(&admin, &hash, &machine_id).await["state"] == state).then_some(())
        })
        .await
        .unwrap_or_else(|| panic!("{state} after {action}"));
    }

    // Removed with its data: its file goes, a neighbour stays.
    std::fs::write(downloads.path().join("neighbour.txt"), b"stay").unwrap();
    let (status, body) = admin
        .delete(&format!(
            "/torrents/{hash}?server_id={machine_id}&delete_data=true"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    wait_until(Duration::from_secs(20), || async {
        (!file.exists()).then_some(())
    })
    .await
    .expect("its file is deleted");
    assert!(downloads.path().join("neighbour.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_machine_is_the_first_admins_alone_and_made_once() {
    let downloads = tempfile::tempdir().unwrap();
    let mut app = app_with_engine(downloads.path()).await;
    let admin = app.user("admin").await;
    let machine = this_machine(&admin).await;
    let bob = app.user("bob").await;
    let (_, servers) = bob.get("/servers").await;
    assert_eq!(servers, json!([]), "another user does not see it");
    let path = format!("/servers/{}", machine["id"].as_str().unwrap());
    assert_eq!(bob.get(&path).await.0, StatusCode::NOT_FOUND);
    // Nobody registers an engine by hand: it is made by torrent-manager.
    let body = json!({"name": "mine", "server_type": "embedded", "host": "x", "port": 0});
    let (status, refused) = bob.post("/servers", body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, refused) = admin.post("/servers", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    // Deleted, it stays deleted across a restart.
    assert_eq!(admin.delete(&path).await.0, StatusCode::OK);
    app.restart().await;
    let admin = app.client();
    admin.login("admin", false).await;
    let (_, servers) = admin.get("/servers").await;
    assert_eq!(servers, json!([]), "{servers}");
}

async fn user_id_of(api: &crate::harness::Api) -> String {
    api.get("/auth/me").await.1["user_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn waiting_magnet(hash: &str, name: &str) -> String {
    format!("magnet:?xt=urn:btih:{hash}&dn={name}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_gives_users_their_own_share_of_this_machine() {
    let downloads = tempfile::tempdir().unwrap();
    let app = app_with_engine(downloads.path()).await;
    let admin = app.user("admin").await;
    let admins_machine = this_machine(&admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (bob, carol) = (app.user("bob").await, app.user("carol").await);
    let (bob_id, carol_id) = (user_id_of(&bob).await, user_id_of(&carol).await);
    let access = |id: &str| format!("/admin/users/{id}/engine");

    let (status, _) = bob
        .put(&access(&bob_id), json!({"engine_access": true}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins give it");
    for id in [&bob_id, &carol_id] {
        let (status, body) = admin.put(&access(id), json!({"engine_access": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({"user_id": id, "engine_access": true}));
    }
    let (_, users) = admin.get("/admin/users").await;
    let granted = |name: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .map(|u| u["engine_access"].clone())
    };
    assert_eq!(granted("admin"), Some(json!(true)), "{users}");
    assert_eq!(granted("bob"), Some(json!(true)), "{users}");

    // Bob's share: his torrents, in his folder; Carol sees none of them.
    let bobs_machine = this_machine(&bob).await["id"].as_str().unwrap().to_owned();
    let carols_machine = this_machine(&carol).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hash = "0123456789abcdef0123456789abcdef01234567";
    let add = |server: &str, save: Option<&str>| json!({"uri": waiting_magnet(hash, "shared"), "server_id": server, "start": false, "save_path": save});
    let (status, refused) = bob
        .post("/torrents", add(&bobs_machine, Some("/tmp")))
        .await;
    assert!(
        status.is_client_error(),
        "outside his folder: {status} {refused}"
    );
    let folder = downloads.path().join("users").join(&bob_id).join("films");
    let inside = folder.display().to_string();
    let (status, added) = bob
        .post("/torrents", add(&bobs_machine, Some(&inside)))
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    let his = wait_until(Duration::from_secs(10), || async {
        let t = torrent_on(&bob, hash, &bobs_machine).await;
        (t["info_hash"] == hash).then_some(t)
    })
    .await
    .expect("bob sees his torrent");
    assert_eq!(his["save_path"], folder.display().to_string(), "{his}");
    let (status, _) = carol
        .get(&format!("/torrents/{hash}?server_id={carols_machine}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = carol.post("/torrents", add(&carols_machine, None)).await;
    assert!(status.is_client_error(), "in the engine already: {body}");
    wait_until(Duration::from_secs(10), || async {
        (torrent_on(&admin, hash, &admins_machine).await["info_hash"] == hash).then_some(())
    })
    .await
    .expect("an admin sees the whole engine");

    // Taken away: Bob's server goes, his torrent stays for the admins.
    let (status, body) = admin
        .put(&access(&bob_id), json!({"engine_access": false}))
        .await;
    assert_eq!(
        (status, body["engine_access"].clone()),
        (StatusCode::OK, json!(false))
    );
    assert_eq!(bob.get("/servers").await.1, json!([]));
    assert_eq!(
        torrent_on(&admin, hash, &admins_machine).await["info_hash"],
        hash
    );
}

#[tokio::test]
async fn no_share_is_given_where_no_engine_runs() {
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let admin = app.user("admin").await;
    let id = user_id_of(&admin).await;
    let (status, body) = admin
        .put(
            &format!("/admin/users/{id}/engine"),
            json!({"engine_access": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = admin.get(&format!("/admin/users/{id}/engine")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"user_id": id, "engine_access": false})
        )
    );
}
