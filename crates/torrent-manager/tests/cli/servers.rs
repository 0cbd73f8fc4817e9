use tm_testkit::{TransmissionDaemon, daemon_available};

use crate::harness::{TestEnv, add_transmission_box};

/// `servers add` of a Transmission `box` on a port where nothing listens
/// (saved without the connection test, which would fail).
pub const ADD_BOX: [&str; 12] = {
    let [a, b, c, d, e, f, g, h, i, j, k] = add_transmission_box("1", "admin");
    [a, b, c, d, e, f, g, h, i, j, k, "--skip-test"]
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_add_list_show_update_test_rm() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;

    let added = env
        .run(&[&ADD_BOX[..], &["--password", "secret", "-o", "json"]].concat())
        .await
        .ok()
        .json();
    assert_eq!(added["name"], "box");
    assert_eq!(added["has_password"], true);
    assert!(added.get("password").is_none(), "never echoed: {added}");
    let id = added["id"].as_str().unwrap().to_string();

    let listed = env.run(&["servers", "list"]).await.ok();
    let header = listed.stdout.lines().next().unwrap_or_default();
    assert!(
        header.contains("NAME") && header.contains("STATUS"),
        "{listed:?}"
    );
    assert!(listed.stdout.contains("box"));
    assert!(listed.stdout.contains("127.0.0.1:1"));

    // By name or by ID.
    let shown = env.run(&["servers", "show", "box"]).await.ok();
    assert!(shown.stdout.contains(&id), "{shown:?}");
    assert!(shown.stdout.contains("admin"));

    let updated = env
        .run(&[
            "servers",
            "update",
            &id,
            "--name",
            "renamed",
            "--clear",
            "username,password",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(updated["name"], "renamed");
    assert_eq!(updated["username"], serde_json::Value::Null);
    assert_eq!(updated["has_password"], false);
    assert_eq!(updated["port"], 1);
    env.run(&[
        "servers",
        "update",
        &id,
        "--username",
        "x",
        "--clear",
        "username",
    ])
    .await
    .failed_with(2);

    // The server's complaint names the flag, not the API's field.
    let refused = env
        .run(&["servers", "update", &id, "--rpc-path", "nope"])
        .await
        .failed_with(1);
    assert!(refused.stderr.contains("--rpc-path must"), "{refused:?}");
    assert!(!refused.stderr.contains("rpc_path"), "{refused:?}");

    // Nothing listens on port 1: the test reports it and fails.
    let tested = env
        .run(&["servers", "test", "renamed"])
        .await
        .failed_with(1);
    assert!(tested.stdout.starts_with("Failed"), "{tested:?}");

    env.run(&["servers", "rm", "renamed"]).await.ok();
    let listed = env.run(&["servers", "ls", "-o", "json"]).await.ok().json();
    assert_eq!(listed, serde_json::json!([]));
    let missing = env.run(&["servers", "show", &id]).await.failed_with(1);
    assert!(missing.stderr.contains("no server"), "{missing:?}");
}

/// Accepts one HTTP request on a loopback port and returns its head.
fn capture_one_request() -> (u16, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut buffer = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buffer[..n]),
            }
        }
        let _ =
            socket.write_all(b"HTTP/1.1 500 No\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        String::from_utf8_lossy(&head).to_lowercase()
    });
    (port, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_passwords_come_from_stdin_not_argv() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    let added = env
        .run_with_input(
            &[&ADD_BOX[..], &["--password-stdin", "-o", "json"]].concat(),
            "stdin-secret\n",
        )
        .await
        .ok()
        .json();
    assert_eq!(added["has_password"], true);
    env.run(&["servers", "update", "box", "--clear", "password"])
        .await
        .ok();
    let (port, request) = capture_one_request();
    let port = port.to_string();
    // Without a terminal, --ask-password reads standard input too.
    env.run_with_input(
        &[
            "servers",
            "update",
            "box",
            "--port",
            &port,
            "--ask-password",
            "--skip-test",
        ],
        "prompted-secret\n",
    )
    .await
    .ok();
    env.run(&["servers", "test", "box"]).await.failed_with(1);
    let head = request.join().unwrap();
    // base64("admin:prompted-secret")
    assert!(
        head.contains("basic ywrtaw46chjvbxb0zwqtc2vjcmv0"),
        "{head}"
    );

    env.run(&[
        "servers",
        "update",
        "box",
        "--password",
        "x",
        "--password-stdin",
    ])
    .await
    .failed_with(2);
    env.run_with_input(&["servers", "update", "box", "--password-stdin"], "")
        .await
        .failed_with(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_add_asks_for_the_password_of_a_username() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    // No password flag: asked for (here read from stdin, as without a terminal).
    let asked = env
        .run_with_input(&[&ADD_BOX[..], &["-o", "json"]].concat(), "typed-secret\n")
        .await
        .ok()
        .json();
    assert_eq!(asked["has_password"], true, "{asked}");
    env.run(&["servers", "rm", "box"]).await.ok();
    // An empty answer means none, as for a client without authentication.
    let none = env
        .run_with_input(&[&ADD_BOX[..], &["-o", "json"]].concat(), "\n")
        .await
        .ok()
        .json();
    assert_eq!(none["has_password"], false, "{none}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_are_tested_before_they_are_saved() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.expect("daemon starts");
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    let port = daemon.rpc_port.to_string();
    let add = add_transmission_box(&port, &daemon.username);
    let no_servers = || async { env.run(&["servers", "ls", "-o", "json"]).await.ok().json() };

    // A wrong password (typed at the prompt): the reason, exit 1, nothing saved.
    let refused = env
        .run_with_input(&add, "wrong-password\n")
        .await
        .failed_with(1);
    assert!(refused.stderr.contains("nothing saved"), "{refused:?}");
    assert!(refused.stderr.contains("--skip-test"), "{refused:?}");
    assert!(refused.stdout.is_empty(), "{refused:?}");
    assert_eq!(no_servers().await, serde_json::json!([]));

    // --skip-test saves it anyway.
    env.run_with_input(&[&add[..], &["--skip-test"]].concat(), "wrong-password\n")
        .await
        .ok();
    env.run(&["servers", "rm", "box"]).await.ok();

    // The right password: tested, then saved.
    let password = format!("{}\n", daemon.password);
    let added = env
        .run_with_input(&[&add[..], &["--password-stdin"]].concat(), &password)
        .await
        .ok();
    assert!(added.stderr.contains("Connected"), "{added:?}");
    assert!(added.stdout.contains("Added the server box"), "{added:?}");

    // A new password is tried before it replaces the working one.
    let update = ["servers", "update", "box", "--password-stdin"];
    env.run_with_input(&update, "wrong-password\n")
        .await
        .failed_with(1);
    env.run(&["servers", "test", "box"]).await.ok();
    env.run_with_input(&update, &password).await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_show_what_the_client_was_found_to_do() {
    let Some((_daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let shown = env.run(&["servers", "show", "box"]).await.ok();
    for expected in [
        "API version",
        "labels, file priorities (low too), peers, trackers, recheck, reannounce, move data, delete data, incremental list, speed limits, bandwidth priority, seeding goals",
    ] {
        assert!(shown.stdout.contains(expected), "{expected}: {shown:?}");
    }
    assert!(!shown.stdout.contains("category"), "{shown:?}");
}
