//! Broken servers next to a healthy one: a server that accepts and never
//! answers, one that answers garbage, one that resets the connection. The
//! list still comes back at once with the healthy server's torrents, and each
//! failure is visible on its server. (The fake servers exist only to inject
//! these faults.)

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tm_testkit::TestTorrent;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::daemons::{ClientUnderTest, register, upload, wait_until};
use crate::harness::{Db, TestApp};

#[derive(Clone, Copy)]
enum Fault {
    /// Accepts and never answers.
    Hang,
    /// Answers with bytes that are no RPC reply.
    Garbage,
    /// Accepts and resets the connection.
    Reset,
}

/// A fake server on a free loopback port; returns the port.
async fn fake_server(fault: Fault) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            match fault {
                Fault::Hang => held.push(socket),
                Fault::Garbage => {
                    tokio::spawn(async move {
                        let mut buffer = [0u8; 4096];
                        let _ = socket.read(&mut buffer).await;
                        let _ = socket
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 24\r\n\r\n<html>not an rpc</html>!")
                            .await;
                    });
                }
                Fault::Reset => {
                    // SO_LINGER 0: closing sends RST instead of FIN.
                    let socket = socket.into_std().unwrap();
                    let _ = socket2::SockRef::from(&socket).set_linger(Some(Duration::ZERO));
                    drop(socket);
                }
            }
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_servers_do_not_slow_or_break_the_list() {
    let Some(healthy) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let app = TestApp::try_spawn(Db::Sqlite, |config| {
        config.client_timeout = Duration::from_secs(2);
    })
    .await
    .expect("sqlite");
    let api = app.user("alice").await;
    let healthy_id = register(&api, "healthy", &healthy.config).await;
    let scratch = tempfile::tempdir().unwrap();
    let torrent = TestTorrent::single_file(scratch.path(), "ok.bin", 50_000, None).unwrap();
    let (status, _) = upload(
        &api,
        &format!("?server_id={healthy_id}&start=false"),
        "ok.torrent",
        torrent.bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let mut broken = Vec::new();
    for (name, fault) in [
        ("hang", Fault::Hang),
        ("garbage", Fault::Garbage),
        ("reset", Fault::Reset),
    ] {
        let port = fake_server(fault).await;
        let (status, server) = api.post("/servers", json!({"name": name, "server_type": "transmission", "host": "127.0.0.1", "port": port})).await;
        assert_eq!(status, StatusCode::OK);
        broken.push((name, server["id"].as_str().unwrap().to_string()));
    }

    // While the broken servers are being polled (and time out), the list is instant.
    for _ in 0..10 {
        let started = Instant::now();
        let (status, list) = api.get("/torrents").await;
        let took = started.elapsed();
        assert_eq!(status, StatusCode::OK);
        assert!(took < Duration::from_millis(500), "the list took {took:?}");
        let hashes: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["info_hash"].as_str().unwrap())
            .collect();
        assert_eq!(hashes, [torrent.info_hash.as_str()]);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // Each failure shows on its server, with the cause.
    for (name, id, cause) in [
        ("hang", &broken[0].1, "no answer within"),
        ("garbage", &broken[1].1, "not a torrent-client RPC endpoint"),
        ("reset", &broken[2].1, "connection"),
    ] {
        let server = wait_until(Duration::from_secs(15), || async {
            let (_, server) = api.get(&format!("/servers/{id}")).await;
            (server["status"] == "failing").then_some(server)
        })
        .await
        .unwrap_or_else(|| panic!("{name} is never shown failing"));
        let error = server["last_error"].as_str().unwrap();
        assert!(error.contains(name), "the error names the server: {error}");
        assert!(
            error.to_lowercase().contains(&cause.to_lowercase()),
            "{name}: {error}"
        );
        assert!(server["last_success_at"].is_null());
    }
    let (_, servers) = api.get("/servers").await;
    let healthy_status = servers
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == healthy_id.as_str())
        .unwrap()["status"]
        .clone();
    assert_eq!(healthy_status, "connected");

    // Acting on a hanging server fails within the client timeout, never hangs.
    let started = Instant::now();
    let (status, body) = api
        .post(
            "/torrents",
            json!({"uri": torrent.magnet(None), "server_id": broken[0].1}),
        )
        .await;
    assert!(
        matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE
        ),
        "{status}: {body}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let (status, tested) = api
        .post(&format!("/servers/{}/test", broken[0].1), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tested["status"], "failed", "{tested}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let (_, tested) = api
        .post(&format!("/servers/{}/test", broken[1].1), json!({}))
        .await;
    assert_eq!(tested["status"], "failed", "{tested}");
}
