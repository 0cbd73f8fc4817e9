//! Several instances on one PostgreSQL database: each server is polled by
//! exactly one of them, and every instance shows every server, live.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_backends::BackendConfig;
use tm_testkit::{TestTorrent, server_body};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use crate::daemons::{ClientUnderTest, upload, wait_until};
use crate::events::EventReader;
use crate::harness::{Api, Db, TestApp};

/// Short beats and leases, so ownership settles and moves within seconds;
/// one master key, as instances sharing a database must have.
pub(crate) fn quick(config: &mut tm_server::Config) {
    config.instance_heartbeat = Duration::from_millis(300);
    config.instance_lease = Duration::from_secs(2);
    config.master_key = Some("CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=".to_string());
}

/// `n` instances on one fresh database (the first makes it); `None`
/// without PostgreSQL.
pub(crate) async fn instances(n: usize, tweak: fn(&mut tm_server::Config)) -> Option<Vec<TestApp>> {
    let first = TestApp::try_spawn(Db::Postgres, |c| {
        quick(c);
        tweak(c);
    })
    .await?;
    let url = first.config.database_url.clone();
    let mut apps = vec![first];
    for _ in 1..n {
        let url = url.clone();
        let app = TestApp::try_spawn(Db::Postgres, move |c| {
            quick(c);
            tweak(c);
            c.database_url = url;
        })
        .await?;
        apps.push(app);
    }
    Some(apps)
}

/// Alice, registered on the first instance and logged in on each.
pub(crate) async fn alice_on(apps: &[TestApp]) -> Vec<Api> {
    let mut apis = vec![apps[0].user("alice").await];
    for app in &apps[1..] {
        let api = app.client();
        api.login("alice", false).await;
        apis.push(api);
    }
    apis
}

/// A TCP proxy (a fault-injection helper): counts the occurrences of
/// `pattern` in what passes towards the target, and can cut every
/// connection and refuse new ones, like a dead link.
struct Proxy {
    port: u16,
    seen: Arc<AtomicUsize>,
    cut: CancellationToken,
}

impl Proxy {
    async fn start(target: String, pattern: &'static str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(AtomicUsize::new(0));
        let cut = CancellationToken::new();
        let (counter, cut_all) = (Arc::clone(&seen), cut.clone());
        tokio::spawn(async move {
            loop {
                let inbound = tokio::select! {
                    _ = cut_all.cancelled() => return,
                    accepted = listener.accept() => match accepted {
                        Ok((inbound, _)) => inbound,
                        Err(_) => return,
                    },
                };
                let (target, counter) = (target.clone(), Arc::clone(&counter));
                let cut = cut_all.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = cut.cancelled() => {}
                        _ = relay(inbound, target, pattern, counter) => {}
                    }
                });
            }
        });
        Self { port, seen, cut }
    }

    fn count(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut.cancel();
    }
}

async fn relay(
    inbound: tokio::net::TcpStream,
    target: String,
    pattern: &str,
    counter: Arc<AtomicUsize>,
) {
    let Ok(outbound) = tokio::net::TcpStream::connect(&target).await else {
        return;
    };
    let (mut in_read, mut in_write) = inbound.into_split();
    let (mut out_read, mut out_write) = outbound.into_split();
    let upstream = async move {
        let mut buffer = vec![0u8; 16 * 1024];
        // The end of the previous read, for a pattern split across two.
        let mut carry: Vec<u8> = Vec::new();
        while let Ok(read) = in_read.read(&mut buffer).await {
            if read == 0 || out_write.write_all(&buffer[..read]).await.is_err() {
                break;
            }
            carry.extend_from_slice(&buffer[..read]);
            let text = String::from_utf8_lossy(&carry).into_owned();
            counter.fetch_add(text.matches(pattern).count(), Ordering::SeqCst);
            // Keep less than one pattern's length: nothing counted twice.
            let keep = pattern.len() - 1;
            let cut_at = carry.len().saturating_sub(keep);
            carry.drain(..cut_at);
        }
        let _ = out_write.shutdown().await;
    };
    let downstream = async move {
        let _ = tokio::io::copy(&mut out_read, &mut in_write).await;
        let _ = in_write.shutdown().await;
    };
    tokio::join!(upstream, downstream);
}

fn transmission_address(config: &BackendConfig) -> String {
    let body = server_body("x", config);
    format!("127.0.0.1:{}", body["port"])
}

/// Registers the server on one instance and waits until `apis` all show it
/// connected.
pub(crate) async fn register_on(apis: &[Api], body: Value) -> String {
    let (status, server) = apis[0].post("/servers", body).await;
    assert_eq!(status, StatusCode::OK, "{server}");
    let id = server["id"].as_str().unwrap().to_string();
    for api in apis {
        let path = format!("/servers/{id}");
        wait_until(Duration::from_secs(15), || async {
            let (_, server) = api.get(&path).await;
            (server["status"] == "connected").then_some(())
        })
        .await
        .unwrap_or_else(|| panic!("not connected on every instance"));
    }
    id
}

/// A real Transmission that alice registered as "shared" on `n` instances
/// of one database. Fields drop in order: the instances before the daemon.
/// Bind every field when destructuring (`apps: _apps`): one left to `..`
/// is dropped, its daemon or instances stopped, at once.
pub(crate) struct SharedServer {
    pub apis: Vec<Api>,
    pub apps: Vec<TestApp>,
    pub server_id: String,
    pub client: tm_testkit::RunningClient,
}

/// `None` without PostgreSQL or Transmission.
pub(crate) async fn shared_server(
    n: usize,
    tweak: fn(&mut tm_server::Config),
) -> Option<SharedServer> {
    let client = ClientUnderTest::Transmission.start().await?;
    let apps = instances(n, tweak).await?;
    let apis = alice_on(&apps).await;
    let server_id = register_on(&apis, server_body("shared", &client.config)).await;
    Some(SharedServer {
        apis,
        apps,
        server_id,
        client,
    })
}

/// The torrent as `api`'s instance lists it, once `wanted` holds, within `within`.
pub(crate) async fn listed_where(
    api: &Api,
    hash: &str,
    within: Duration,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    let last = std::sync::Mutex::new(Value::Null);
    wait_until(within, || async {
        let (_, list) = api.get("/torrents").await;
        let torrent = list.as_array()?.iter().find(|t| t["info_hash"] == hash)?;
        *last.lock().unwrap() = torrent.clone();
        wanted(torrent).then(|| torrent.clone())
    })
    .await
    .unwrap_or_else(|| {
        let last = last.lock().unwrap();
        panic!(
            "{hash} not listed as wanted on {} within {within:?}; last listed: {last}",
            api.base_url
        )
    })
}

/// The state a delta gives `hash`, when it changes it.
fn changed_state<'a>(delta: &'a Value, hash: &str) -> Option<&'a str> {
    delta["changed"]
        .as_array()?
        .iter()
        .find(|t| t["info_hash"] == hash)?
        .get("state")?
        .as_str()
}

/// A torrent named `name` uploaded through `api`, not started; its hash.
pub(crate) async fn paused_torrent(
    api: &Api,
    server_id: &str,
    dir: &std::path::Path,
    name: &str,
) -> String {
    let torrent =
        TestTorrent::single_file(dir, name, 40_000, Some("http://127.0.0.1:1/announce")).unwrap();
    let query = format!("?server_id={server_id}&start=false");
    let (status, body) = upload(api, &query, "s.torrent", torrent.bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    torrent.info_hash
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_poll_a_server_as_often_as_one_and_all_list_it() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    // A full list every second: one poller's rate is one `torrent-get` a second.
    let Some(apps) = instances(3, |c| c.full_resync_interval = Duration::from_secs(1)).await else {
        return;
    };
    let apis = alice_on(&apps).await;
    let proxy = Proxy::start(transmission_address(&client.config), "\"torrent-get\"").await;
    let mut body = server_body("shared", &client.config);
    body["port"] = json!(proxy.port);
    let server_id = register_on(&apis, body).await;
    let scratch = tempfile::tempdir().unwrap();
    let hash = paused_torrent(&apis[1], &server_id, scratch.path(), "shared.bin").await;
    for api in &apis {
        listed_where(api, &hash, Duration::from_secs(5), |_| true).await;
    }

    let before = proxy.count();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let polls = proxy.count() - before;
    // Three pollers would make about 15.
    assert!((2..=8).contains(&polls), "{polls} torrent-get calls in 5 s");

    // The client goes away: every instance shows the owner's failure.
    drop(client);
    for api in &apis {
        let path = format!("/servers/{server_id}");
        wait_until(Duration::from_secs(10), || async {
            let (_, server) = api.get(&path).await;
            (server["status"] == "failing" && server["last_error"].is_string()).then_some(())
        })
        .await
        .expect("the failure shows on every instance");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_through_either_instance_reach_the_others_live_and_a_stopped_owner_is_replaced() {
    // Changes made directly on the daemon that it does not count as
    // activity show with the next full list: one every 5 s here.
    let Some(SharedServer {
        apis,
        mut apps,
        server_id,
        client,
    }) = shared_server(2, |c| c.full_resync_interval = Duration::from_secs(5)).await
    else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let hash = paused_torrent(&apis[0], &server_id, scratch.path(), "shared.bin").await;
    for api in &apis {
        listed_where(api, &hash, Duration::from_secs(5), |_| true).await;
    }

    // One of the two owns the server: a stop through either instance is
    // seen live by the other, owner or not. (Stops: a client applies a
    // start a moment later, a stop at once.)
    let direct = tm_backends::connect(&client.config).expect("adapter");
    // Someone watching on each instance: whichever owns the server polls
    // fast, so a change made directly on the daemon shows within seconds
    // (idle, a poll every 10 s; a loaded CI machine stretches that).
    let _watching = [
        EventReader::open(&apis[0]).await,
        EventReader::open(&apis[1]).await,
    ];
    for (from, to) in [(0, 1), (1, 0)] {
        // Started again until the daemon itself reports it: the rare failure
        // of this test (under load) left the torrent stopped on both
        // instances, which a start lost by Transmission right after the
        // stop before it would explain. What follows then tests the
        // instances, not the daemon.
        wait_until(Duration::from_secs(20), || async {
            direct.start(std::slice::from_ref(&hash)).await.ok()?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let torrent = direct.get(&hash).await.ok()??;
            (torrent.state != tm_backends::TorrentState::Paused).then_some(())
        })
        .await
        .expect("started directly");
        for api in &apis {
            listed_where(api, &hash, Duration::from_secs(30), |t| {
                t["state"] != "paused"
            })
            .await;
        }
        let mut events = EventReader::open(&apis[to]).await;
        let (name, _) = events.next(Duration::from_secs(5)).await;
        assert_eq!(name, "reset");
        let (status, body) = apis[from]
            .post(&format!("/torrents/{hash}/stop"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut heard = Vec::new();
        let seen = tokio::time::timeout(Duration::from_secs(2), async {
            loop {
                let (name, data) = events.next(Duration::from_secs(3)).await;
                let done = name == "delta" && changed_state(&data, &hash) == Some("paused");
                heard.push(data);
                if done {
                    return;
                }
            }
        })
        .await;
        assert!(
            seen.is_ok(),
            "instance {to} did not hear the stop through {from} within 2 s: {heard:?}"
        );
        // And its list says so too.
        listed_where(&apis[to], &hash, Duration::from_secs(1), |t| {
            t["state"] == "paused"
        })
        .await;
    }

    // The instance stopping frees its leases: the other one polls.
    let mut events = EventReader::open(&apis[1]).await;
    let (name, _) = events.next(Duration::from_secs(5)).await;
    assert_eq!(name, "reset");
    let first = apps.remove(0);
    first.stop().await;
    direct
        .start(std::slice::from_ref(&hash))
        .await
        .expect("started directly");
    listed_where(&apis[1], &hash, Duration::from_secs(30), |t| {
        t["state"] != "paused"
    })
    .await;
    events
        .delta_where(|d| changed_state(d, &hash).is_some_and(|s| s != "paused"))
        .await;
}

/// `url` with its port replaced (to reach the database through a proxy),
/// unencrypted so the proxy sees the statements.
fn via_port(url: &str, port: u16) -> String {
    let mut url = url::Url::parse(url).unwrap();
    url.set_port(Some(port)).unwrap();
    url.query_pairs_mut().append_pair("sslmode", "disable");
    url.to_string()
}

async fn query_strings(url: &str, sql: &'static str) -> Vec<String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_cut_off_from_the_database_is_replaced_within_the_lease() {
    let Some(client) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    // The first start makes the database; the two instances then reach it
    // each through a proxy that can cut it off.
    let Some(maker) = TestApp::try_spawn(Db::Postgres, quick).await else {
        return;
    };
    let url = maker.config.database_url.clone().unwrap();
    maker.stop().await;
    let database = url::Url::parse(&url).unwrap();
    let address = format!("127.0.0.1:{}", database.port().unwrap_or(5432));
    let mut proxies = Vec::new();
    let mut apps = Vec::new();
    for _ in 0..2 {
        let proxy = Proxy::start(address.clone(), "INSERT INTO server_deltas").await;
        let proxied = via_port(&url, proxy.port);
        let app = TestApp::try_spawn(Db::Postgres, move |c| {
            quick(c);
            c.database_url = Some(proxied);
        })
        .await
        .unwrap();
        proxies.push(proxy);
        apps.push(app);
    }
    let apis = alice_on(&apps).await;
    let server_id = register_on(&apis, server_body("shared", &client.config)).await;
    let scratch = tempfile::tempdir().unwrap();
    let hash = paused_torrent(&apis[0], &server_id, scratch.path(), "shared.bin").await;
    for api in &apis {
        listed_where(api, &hash, Duration::from_secs(5), |_| true).await;
    }

    // Instance ids grow with time: the first started has the smaller one.
    let mut ids = query_strings(&url, "SELECT id FROM instances").await;
    ids.sort();
    assert_eq!(ids.len(), 2);
    let owner = query_strings(&url, "SELECT owner FROM server_leases").await;
    let owner = ids
        .iter()
        .position(|id| owner.contains(id))
        .expect("an owner");
    assert!(
        proxies[owner].count() > 0,
        "the owner writes the deltas: {} {} {ids:?} {owner}",
        proxies[0].count(),
        proxies[1].count()
    );
    let survivor = 1 - owner;
    let mut events = EventReader::open(&apis[survivor]).await;
    let (name, _) = events.next(Duration::from_secs(5)).await;
    assert_eq!(name, "reset");

    // The owner loses the database (as if killed: it frees nothing).
    proxies[owner].cut.cancel();
    let direct = tm_backends::connect(&client.config).expect("adapter");
    direct
        .start(std::slice::from_ref(&hash))
        .await
        .expect("started directly");
    listed_where(&apis[survivor], &hash, Duration::from_secs(15), |t| {
        t["state"] != "paused"
    })
    .await;
    events
        .delta_where(|d| changed_state(d, &hash).is_some_and(|s| s != "paused"))
        .await;
    let now_owner = query_strings(&url, "SELECT owner FROM server_leases").await;
    assert_eq!(now_owner, vec![ids[survivor].clone()]);
}
