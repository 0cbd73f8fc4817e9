//! `torrent-manager serve` as a user runs it: the real binary, its log line,
//! its defaults and a graceful stop on SIGTERM.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use support::{BIN, Served, serve};

fn get(address: &str, path: &str) -> (u16, String) {
    request(address, &format!("GET {path} HTTP/1.1\r\n"), "")
}

fn post_json(address: &str, path: &str, body: &str) -> (u16, String) {
    let head = format!(
        "POST {path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    request(address, &head, body)
}

/// Sends `head` (request line and headers) and `body`; the status and body.
fn request(address: &str, head: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "{head}Host: {address}\r\nConnection: close\r\n\r\n{body}"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

fn terminate_and_wait(served: &mut Served) -> std::process::ExitStatus {
    let pid = served.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the server stops within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_logs_its_address_answers_health_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let mut served = serve(
        &["--data-dir", data_dir.to_str().unwrap()],
        &[("TM_PORT", "0")],
    );
    assert!(
        served.address.starts_with("127.0.0.1:"),
        "loopback by default: {}",
        served.address
    );
    assert_ne!(served.address, "127.0.0.1:0", "the real port is logged");
    let (status, body) = get(&served.address, "/health");
    assert_eq!(status, 200);
    assert_eq!(body, r#"{"status":"healthy"}"#);
    assert!(
        data_dir.join("torrent-manager.db").exists(),
        "SQLite in the data directory"
    );
    assert!(data_dir.join("master.key").exists());
    let status = terminate_and_wait(&mut served);
    assert!(status.success(), "graceful stop exits 0, got {status}");
}

#[test]
fn serve_says_where_to_create_the_admin_account_until_one_exists() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let args = ["--data-dir", data_dir.to_str().unwrap(), "--port", "0"];
    let mut served = serve(&args, &[]);
    let hint = served
        .log_line_with("no account yet", Duration::from_secs(5))
        .expect("a new install says how to begin");
    let url = format!("http://{}/", served.address);
    assert!(hint.contains(&url), "names {url}: {hint}");
    assert!(hint.contains("first account becomes the admin"), "{hint}");
    assert!(hint.contains(" INFO "), "{hint}");
    let (status, body) = post_json(
        &served.address,
        "/auth/register",
        r#"{"username":"root","password":"root-password"}"#,
    );
    assert_eq!(status, 200, "{body}");
    terminate_and_wait(&mut served);

    let mut served = serve(&args, &[]);
    assert_eq!(get(&served.address, "/health").0, 200);
    let lines = served.log_lines_within(Duration::from_secs(1));
    assert!(
        !lines.iter().any(|line| line.contains("no account yet")),
        "once an account exists the hint is gone: {lines:?}"
    );
    terminate_and_wait(&mut served);
}

#[test]
fn serve_needs_no_configuration_at_all() {
    let home = tempfile::tempdir().unwrap();
    let mut served = serve(
        &["--port", "0"],
        &[
            ("HOME", home.path().to_str().unwrap()),
            ("XDG_DATA_HOME", home.path().join("xdg").to_str().unwrap()),
        ],
    );
    let (status, _) = get(&served.address, "/health");
    assert_eq!(status, 200);
    let default_dir = home.path().join("xdg").join("torrent-manager");
    assert!(
        default_dir.join("torrent-manager.db").exists(),
        "the platform's user data directory"
    );
    terminate_and_wait(&mut served);
}

#[test]
fn help_explains_the_commands_and_flags() {
    let output = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--host",
        "--port",
        "--data-dir",
        "--database-url",
        "TM_HOST",
        "TM_PORT",
        "TM_DATA_DIR",
        "TM_DATABASE_URL",
    ] {
        assert!(help.contains(flag), "serve --help mentions {flag}");
    }
    let bad = Command::new(BIN)
        .args(["serve", "--port", "not-a-port"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn serve_runs_the_embedded_engine_and_makes_this_machine_for_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    // DHT off: tests talk to loopback only.
    let envs = [("TM_NO_ENGINE", "0"), ("TM_NO_DHT", "1")];
    let mut served = serve(
        &["--data-dir", data_dir.to_str().unwrap(), "--port", "0"],
        &envs,
    );
    // Started before the server listens.
    assert!(data_dir.join("downloads").is_dir(), "<data-dir>/downloads");
    assert!(
        data_dir.join("engine").join("session").is_dir(),
        "its state"
    );
    let (status, body) = post_json(
        &served.address,
        "/auth/register",
        r#"{"username":"root","password":"root-password"}"#,
    );
    assert_eq!(status, 200, "{body}");
    served
        .log_line_with("This machine", Duration::from_secs(10))
        .expect("the first admin gets the engine's server");
    let status = terminate_and_wait(&mut served);
    assert!(
        status.success(),
        "the engine stops with the server: {status}"
    );
}
