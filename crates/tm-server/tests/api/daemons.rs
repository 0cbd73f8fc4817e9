//! Real torrent clients behind the API (tm-testkit's list): register one as a
//! server, upload torrents to it.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_backends::{BackendConfig, ClientKind};
use tm_server::Config;
use tm_server::config::EngineSettings;
use tm_testkit::{RunningClient, TestTorrent, server_body};

use crate::harness::{Api, Db, TestApp};

/// The engine's peer address in the suites run on every client.
const SUITE_ENGINE_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 11);

/// The client under test and a fresh SQLite app (`tweak`ed) for it: a
/// started daemon (`None`: not installed), or the app's own embedded engine
/// (no DHT, downloading into the app's data directory).
pub async fn client_and_app(
    daemon: ClientUnderTest,
    tweak: impl FnOnce(&mut Config),
) -> Option<(RunningClient, TestApp)> {
    if !daemon.runs_in_server() {
        let client = daemon.start().await?;
        let app = TestApp::try_spawn(Db::Sqlite, tweak).await.expect("sqlite");
        return Some((client, app));
    }
    let app = TestApp::try_spawn(Db::Sqlite, |config| {
        tweak(config);
        config.engine = Some(EngineSettings {
            downloads_dir: config.data_dir.join("downloads"),
            listen_port: None,
            dht: false,
            listen_ip: Some(IpAddr::V4(SUITE_ENGINE_IP)),
        });
    })
    .await
    .expect("sqlite");
    let handle = app.engine_handle().expect("the app runs its engine");
    let client = RunningClient::in_server(handle, app.data_dir().join("downloads"));
    Some((client, app))
}

/// Registers the client and waits until the server's first poll succeeded;
/// the embedded engine's server is made by the app ("This machine", the
/// first account's): it is renamed `name`.
pub async fn register(api: &Api, name: &str, config: &BackendConfig) -> String {
    if config.kind() == ClientKind::Embedded {
        return rename_this_machine(api, name).await;
    }
    let (status, server) = api.post("/servers", server_body(name, config)).await;
    assert_eq!(status, StatusCode::OK, "{server}");
    let id = server["id"].as_str().unwrap().to_string();
    let path = format!("/servers/{id}");
    wait_until(Duration::from_secs(20), || async {
        let (_, server) = api.get(&path).await;
        (server["status"] == "connected").then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("server {name} never connected"));
    id
}

/// The caller's "This machine" server, once it is connected.
pub async fn this_machine(api: &Api) -> Value {
    wait_until(Duration::from_secs(20), || async {
        let (_, servers) = api.get("/servers").await;
        servers
            .as_array()?
            .iter()
            .find(|s| s["server_type"] == "embedded" && s["status"] == "connected")
            .cloned()
    })
    .await
    .expect("the engine's server connects")
}

async fn rename_this_machine(api: &Api, name: &str) -> String {
    let machine = this_machine(api).await;
    let id = machine["id"].as_str().unwrap().to_string();
    let (status, renamed) = api
        .put(&format!("/servers/{id}"), json!({"name": name}))
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    id
}

pub use tm_testkit::{ClientUnderTest, wait_until};

/// Alice on a fresh SQLite app with two real clients registered under
/// their names, for tests across servers.
pub struct TwoServers {
    pub app: TestApp,
    pub alice: Api,
    pub clients: [RunningClient; 2],
    pub ids: [String; 2],
}

/// `None` (the test skips) when either daemon is not installed.
pub async fn two_servers(
    first: (ClientUnderTest, &str),
    second: (ClientUnderTest, &str),
) -> Option<TwoServers> {
    let one = first.0.start().await?;
    let two = second.0.start().await?;
    let app = TestApp::try_spawn(Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    let alice = app.user("alice").await;
    let ids = [
        register(&alice, first.1, &one.config).await,
        register(&alice, second.1, &two.config).await,
    ];
    Some(TwoServers {
        app,
        alice,
        clients: [one, two],
        ids,
    })
}

/// Uploads a .torrent through the multipart endpoint.
pub async fn upload(api: &Api, query: &str, filename: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(filename.to_string())
        .mime_str("application/x-bittorrent")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    api.send(
        api.request(reqwest::Method::POST, &format!("/torrents/upload{query}"))
            .multipart(form),
    )
    .await
}

/// Uploads `torrent` (its data already in place) started, with `labels`
/// (comma-separated), and waits until it seeds.
pub async fn seed(api: &Api, server_id: &str, torrent: &TestTorrent, labels: &str) {
    let query = format!("?server_id={server_id}&start=true&labels={labels}");
    let (status, added) = upload(api, &query, "t.torrent", torrent.bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{added}");
    let hash = &torrent.info_hash;
    // On this server: the same torrent may be on others too.
    wait_until(Duration::from_secs(30), || async {
        let (_, t) = api
            .get(&format!("/torrents/{hash}?server_id={server_id}"))
            .await;
        (t["complete"] == true && t["state"] == "seeding").then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("{hash} never seeded"));
}

/// Uploads one small paused torrent to each of `server_ids` (with `query`
/// added to the upload's query) and answers their `{server_id, info_hash}`
/// references, as `POST /torrents/actions` takes them.
pub async fn paused_torrents_on(
    api: &Api,
    dir: &std::path::Path,
    server_ids: &[&str],
    query: &str,
) -> Vec<Value> {
    let mut refs = Vec::new();
    for (n, server) in server_ids.iter().enumerate() {
        let torrent = TestTorrent::single_file(
            dir,
            &format!("bulk{n}.bin"),
            30_000,
            Some("http://127.0.0.1:1/announce"),
        )
        .unwrap();
        let upload_query = format!("?server_id={server}&start=false{query}");
        let (status, body) = upload(api, &upload_query, "b.torrent", torrent.bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        refs.push(json!({"server_id": server, "info_hash": torrent.info_hash}));
    }
    refs
}
