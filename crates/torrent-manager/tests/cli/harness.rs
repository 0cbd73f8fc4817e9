//! A server with a temporary database, and the binary run against it with
//! its own config directory.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tm_testkit::{
    ClientUnderTest, InProcessServer, RunningClient, TransmissionDaemon, daemon_available,
    server_body,
};
use tokio::io::AsyncWriteExt;

const BIN: &str = env!("CARGO_BIN_EXE_torrent-manager");

pub struct TestEnv {
    pub url: String,
    config_dir: tempfile::TempDir,
    _server: InProcessServer,
}

/// What a run of the binary left behind.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the run succeeded and returns it.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "the command failed: {self:#?}");
        self
    }

    #[track_caller]
    pub fn failed_with(self, code: i32) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}: {self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

impl TestEnv {
    pub async fn start() -> TestEnv {
        Self::on(InProcessServer::start().await.expect("server starts"))
    }

    /// A server running its embedded engine ("This machine").
    pub async fn start_with_engine() -> TestEnv {
        Self::on(
            InProcessServer::start_with_engine()
                .await
                .expect("server starts"),
        )
    }

    /// A server for a test on `kind`, and the client (see
    /// [`InProcessServer::for_client`]).
    pub async fn for_client(kind: ClientUnderTest) -> Option<(RunningClient, TestEnv)> {
        let (running, server) = InProcessServer::for_client(kind).await?;
        Some((running, Self::on(server)))
    }

    fn on(server: InProcessServer) -> TestEnv {
        TestEnv {
            url: server.url.clone(),
            config_dir: tempfile::tempdir().expect("temp dir"),
            _server: server,
        }
    }

    pub fn config_dir(&self) -> &Path {
        self.config_dir.path()
    }

    /// Runs the binary with `args` against this server; nothing on stdin.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, "").await
    }

    /// The binary with `args`, set up to run against this server, its
    /// standard streams piped; `COLUMNS` unset, as when not on a terminal.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(BIN);
        command
            .args(args)
            .env("TORRENT_MANAGER_URL", &self.url)
            .env("TORRENT_MANAGER_CONFIG_DIR", self.config_dir.path())
            .env_remove("TORRENT_MANAGER_API_KEY")
            .env_remove("COLUMNS")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Runs the binary with `input` on its standard input.
    pub async fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        self.run_command(self.command(args), input).await
    }

    /// Runs `command` (from [`TestEnv::command`], adjusted) with `input` on stdin.
    pub async fn run_command(&self, mut command: tokio::process::Command, input: &str) -> Run {
        let mut child = command.spawn().expect("the binary starts");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(input.as_bytes())
            .await
            .expect("write stdin");
        drop(stdin);
        let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
            .await
            .expect("the command ends within 60 s")
            .expect("the command runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }

    /// Registers `username` (password `password-<username>`) and logs in through the CLI.
    pub async fn login_as(&self, username: &str) {
        let password = format!("password-{username}\n");
        self.run_with_input(&["register", username, "--password-stdin"], &password)
            .await
            .ok();
        self.run_with_input(&["login", username, "--password-stdin"], &password)
            .await
            .ok();
    }
}

pub use tm_testkit::wait_until;

impl TestEnv {
    /// Alice, logged in, with a real transmission-daemon registered as her
    /// default server "box"; `None` where the daemon is not installed.
    pub async fn with_default_box() -> Option<(TransmissionDaemon, TestEnv)> {
        if !daemon_available("transmission-daemon") {
            return None;
        }
        let daemon = TransmissionDaemon::start().await.expect("daemon starts");
        let env = TestEnv::start().await;
        env.login_as("alice").await;
        env.add_connected_box("box", &daemon, &["--default"]).await;
        Some((daemon, env))
    }

    /// Adds the Transmission `daemon` as the server `name` (with `extra`
    /// flags) and waits until it is connected.
    pub async fn add_connected_box(&self, name: &str, daemon: &TransmissionDaemon, extra: &[&str]) {
        let port = daemon.rpc_port.to_string();
        let mut add = add_transmission_box(&port, &daemon.username);
        add[2] = name;
        self.run(&[&add[..], &["--password", &daemon.password], extra].concat())
            .await
            .ok();
        self.wait_connected(name).await;
    }

    async fn wait_connected(&self, name: &str) {
        wait_until(Duration::from_secs(20), || async {
            let server = self
                .run(&["servers", "show", name, "-o", "json"])
                .await
                .ok()
                .json();
            (server["status"] == "connected").then_some(())
        })
        .await
        .expect("the server connects");
    }

    /// Adds any running client as the server `name` through `servers add`
    /// (its flags from the kit's server settings) and waits until it is
    /// connected. The embedded engine's server is the server's own ("This
    /// machine", the first account's): `servers update` renames it.
    pub async fn add_running_box(&self, name: &str, running: &RunningClient, extra: &[&str]) {
        let body = server_body(name, &running.config);
        if body["server_type"] == "embedded" {
            let rename = ["servers", "update", "This machine", "--name", name];
            self.run(&[&rename[..], extra].concat()).await.ok();
            self.wait_connected(name).await;
            return;
        }
        let mut args = vec!["servers".to_string(), "add".into(), name.into()];
        let flags = [
            ("server_type", "--type"),
            ("transport", "--transport"),
            ("host", "--host"),
            ("port", "--port"),
            ("socket_path", "--socket-path"),
            ("username", "--username"),
            ("password", "--password"),
            ("rpc_path", "--rpc-path"),
            ("use_ssl", "--ssl"),
            ("tls_accept_invalid_certs", "--insecure-tls"),
        ];
        for (field, flag) in flags {
            match &body[field] {
                Value::Null => {}
                Value::String(text) => args.push(format!("{flag}={text}")),
                other => args.push(format!("{flag}={other}")),
            }
        }
        args.extend(extra.iter().map(|a| a.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args).await.ok();
        self.wait_connected(name).await;
    }

    /// `ls -o json` with `extra` flags.
    pub async fn listing(&self, extra: &[&str]) -> Value {
        let mut args = vec!["ls", "--output", "json"];
        args.extend_from_slice(extra);
        self.run(&args).await.ok().json()
    }
}

/// The torrent with `hash` in a `--output json` listing.
pub fn find<'a>(list: &'a Value, hash: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|t| t["info_hash"] == hash)
}

/// `servers add box --type transmission` on 127.0.0.1 at `port`, as `username`.
pub const fn add_transmission_box<'a>(port: &'a str, username: &'a str) -> [&'a str; 11] {
    [
        "servers",
        "add",
        "box",
        "--type",
        "transmission",
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--username",
        username,
    ]
}
