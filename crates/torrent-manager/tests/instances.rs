//! Two `torrent-manager serve` processes on one PostgreSQL database: the
//! instance polling a server is killed with SIGKILL (no lease released, no
//! goodbye), and the other one serves fresh data and live events within
//! 15 s, with the default beat (3 s) and lease (10 s).

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::{Served, serve};
use tm_client::{Client, CreateServerRequest, TorrentQuery, TorrentUpload, UploadOptions};
use tm_testkit::{ClientUnderTest, TestTorrent, server_body};

/// Instances sharing a database must share the master key.
const MASTER_KEY: &str = "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=";
const PASSWORD: &str = "alice-password";
/// What the issue allows for another instance to take over.
const TAKEOVER: Duration = Duration::from_secs(15);

/// The test PostgreSQL server's admin URL; `None` skips the test locally,
/// under CI it must be there.
fn pg_admin_url() -> Option<String> {
    match std::env::var("TM_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!("TM_TEST_PG_URL must be set under CI"),
        _ => None,
    }
}

/// Runs `sql` with psql; the rows, one per line.
fn psql(url: &str, sql: &str) -> Vec<String> {
    let output = Command::new("psql")
        .args([url, "-Atc", sql])
        .output()
        .expect("psql runs");
    assert!(output.status.success(), "psql: {output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// A new, empty database beside the admin one.
fn fresh_database(admin: &str) -> String {
    let name = format!("tm_kill_{}", std::process::id());
    psql(admin, &format!("DROP DATABASE IF EXISTS {name}"));
    psql(admin, &format!("CREATE DATABASE {name}"));
    let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
    format!("{base}/{name}")
}

/// One instance: its process, its instance id (as in `server_leases`) and
/// alice's session on it.
struct Instance {
    served: Served,
    id: String,
    api: Client,
}

fn start_instance(database: &str, data_dir: &std::path::Path) -> Instance {
    let served = serve(
        &[
            "--port",
            "0",
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--database-url",
            database,
        ],
        &[("TM_MASTER_KEY", MASTER_KEY)],
    );
    let line = served
        .log_line_with("instance=", Duration::from_secs(10))
        .expect("an instance sharing a database logs its id");
    let id = line
        .split("instance=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the id")
        .trim_matches('"')
        .to_string();
    let api = Client::new(&format!("http://{}", served.address)).unwrap();
    Instance { served, id, api }
}

/// The torrent's state on `api`'s instance, once `wanted` holds, within `within`.
async fn state_where(
    api: &Client,
    hash: &str,
    within: Duration,
    wanted: impl Fn(&str) -> bool,
) -> Option<String> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(page) = api.list_torrents(&TorrentQuery::default()).await
            && let Some(torrent) = page.torrents.iter().find(|t| t.info_hash == hash)
        {
            let state = serde_json::to_value(torrent.state).unwrap();
            let state = state.as_str().unwrap_or_default().to_string();
            if wanted(&state) {
                return Some(state);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    None
}

/// Reads `GET /events` on `api`'s instance until a delta changes `hash`
/// to a state `wanted` accepts; false when none came by `deadline`.
async fn delta_heard(
    api: &Client,
    hash: &str,
    deadline: Instant,
    wanted: impl Fn(&str) -> bool,
) -> bool {
    let http = reqwest::Client::new();
    let mut response = http
        .get(format!("{}/events", api.base_url().trim_end_matches('/')))
        .header("cookie", api.session_cookies().unwrap_or_default())
        .send()
        .await
        .expect("the event stream opens");
    assert!(response.status().is_success());
    let mut text = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Ok(Some(chunk))) = tokio::time::timeout(left, response.chunk()).await else {
            return false;
        };
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some((event, rest)) = text.split_once("\n\n") {
            let is_delta = event.lines().any(|l| l == "event: delta");
            let data = event
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect::<String>();
            if is_delta
                && let Ok(delta) = serde_json::from_str::<serde_json::Value>(&data)
                && delta["changed"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|t| t["info_hash"] == hash && t["state"].as_str().is_some_and(&wanted))
            {
                return true;
            }
            text = rest.to_string();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_owner_is_replaced_within_15_s_with_fresh_data_and_events() {
    let Some(admin) = pg_admin_url() else {
        eprintln!("skipped: TM_TEST_PG_URL is not set");
        return;
    };
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let database = fresh_database(&admin);
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut instances: Vec<Instance> = dirs
        .iter()
        .map(|dir| start_instance(&database, dir.path()))
        .collect();
    instances[0].api.register("alice", PASSWORD).await.unwrap();
    for instance in &instances {
        instance.api.login("alice", PASSWORD, false).await.unwrap();
    }
    let request: CreateServerRequest =
        serde_json::from_value(server_body("shared", &client.config)).unwrap();
    let server_id = instances[0].api.add_server(&request).await.unwrap().id;
    let scratch = tempfile::tempdir().unwrap();
    let torrent = TestTorrent::single_file(
        scratch.path(),
        "killed.bin",
        40_000,
        Some("http://127.0.0.1:1/announce"),
    )
    .unwrap();
    let upload = TorrentUpload {
        filename: "killed.torrent".into(),
        bytes: torrent.bytes.clone(),
    };
    let options = UploadOptions {
        server_id: Some(server_id.clone()),
        start: false,
        ..UploadOptions::default()
    };
    instances[0]
        .api
        .upload_torrent(upload, &options)
        .await
        .unwrap();
    let hash = torrent.info_hash;
    for instance in &instances {
        assert!(
            state_where(&instance.api, &hash, Duration::from_secs(10), |s| s
                == "paused")
            .await
            .is_some(),
            "listed paused on every instance"
        );
    }

    // Kill the one holding the server's lease.
    let owner = psql(
        &database,
        &format!("SELECT owner FROM server_leases WHERE server_id = '{server_id}'"),
    );
    let owner = owner.first().expect("the server is leased");
    let killed = instances
        .iter()
        .position(|i| &i.id == owner)
        .expect("the owner is one of the two");
    let mut victim = instances.remove(killed);
    let survivor = &instances[0];
    victim.served.child.kill().unwrap();
    let killed_at = Instant::now();
    victim.served.child.wait().unwrap();

    // A change nobody made through torrent-manager: only a poller sees it.
    let direct = tm_backends::connect(&client.config).unwrap();
    direct.start(std::slice::from_ref(&hash)).await.unwrap();
    let heard = delta_heard(&survivor.api, &hash, killed_at + TAKEOVER, |s| {
        s != "paused"
    });
    assert!(
        heard.await,
        "the survivor's event stream shows the start within {TAKEOVER:?} of the kill"
    );
    assert!(
        state_where(&survivor.api, &hash, Duration::from_secs(1), |s| s
            != "paused")
        .await
        .is_some(),
        "and its list"
    );
    let taken_after = killed_at.elapsed();
    let new_owner = psql(
        &database,
        &format!("SELECT owner FROM server_leases WHERE server_id = '{server_id}'"),
    );
    assert_eq!(
        new_owner.first(),
        Some(&survivor.id),
        "the survivor holds the lease"
    );
    eprintln!("taken over and shown within {taken_after:?} of the kill");
}
