//! `tm-bench --memory <torrent-manager binary>`: the server's memory as a
//! process of its own (the in-process server would count the benchmark's
//! own allocations): idle after start, then serving a Transmission with N
//! torrents once its list has been asked for plain and gzip. Read from
//! `/proc/<pid>/smaps_rollup`: resident set, split into anonymous memory
//! (the heap: what the server holds) and file pages (its code, shared).

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tm_backends::BackendConfig;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::Result;
use crate::api::Api;

/// Settling time before a reading: pollers finish, buffers are released.
const SETTLE: Duration = Duration::from_secs(5);

/// One reading of `/proc/<pid>/smaps_rollup`, in KiB.
struct Resident {
    rss: u64,
    anonymous: u64,
}

impl Resident {
    fn of(pid: u32) -> Result<Self> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))?;
        let field = |name: &str| -> Result<u64> {
            let line = text
                .lines()
                .find(|l| l.starts_with(name))
                .ok_or_else(|| format!("no {name} in smaps_rollup"))?;
            Ok(line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .ok_or("unreadable smaps_rollup")?)
        };
        Ok(Self {
            rss: field("Rss:")?,
            anonymous: field("Anonymous:")?,
        })
    }

    fn line(&self, label: &str) -> String {
        let mib = |kib: u64| kib as f64 / 1024.0;
        format!(
            "{label:<34} RSS {:6.1} MiB  (heap and other anonymous {:6.1} MiB, code and files {:5.1} MiB)",
            mib(self.rss),
            mib(self.anonymous),
            mib(self.rss.saturating_sub(self.anonymous))
        )
    }
}

/// Starts `binary serve` on a free loopback port with a fresh data
/// directory and returns it with its URL (read from its log).
async fn start(binary: &Path, data_dir: &Path) -> Result<(Child, String)> {
    let mut child = Command::new(binary)
        .args(["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir"])
        .arg(data_dir)
        .env("NO_COLOR", "1")
        .env_remove("TM_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let output = child.stdout.take().ok_or("no stdout")?;
    let errors = child.stderr.take().ok_or("no stderr")?;
    // The log may go to either stream; read both until the address shows.
    let mut lines = futures::stream::select(tokio_stream_lines(output), tokio_stream_lines(errors));
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let next =
            tokio::time::timeout(Duration::from_secs(1), futures::StreamExt::next(&mut lines));
        if let Ok(Some(line)) = next.await
            && let Some(at) = line.find("listening on http://")
        {
            let url = line[at + "listening on ".len()..]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            // Keep draining the server's output so it never blocks on a pipe.
            tokio::spawn(
                async move { while futures::StreamExt::next(&mut lines).await.is_some() {} },
            );
            return Ok((child, url));
        }
    }
    Err("torrent-manager did not log its address within 30 s".into())
}

fn tokio_stream_lines(
    reader: impl tokio::io::AsyncRead + Unpin + Send + 'static,
) -> futures::stream::BoxStream<'static, String> {
    let lines = BufReader::new(reader).lines();
    Box::pin(futures::stream::unfold(lines, |mut lines| async move {
        let line = lines.next_line().await.ok()??;
        Some((line, lines))
    }))
}

/// Measures and prints the server's memory idle and with `n` torrents of
/// the Transmission at `config`.
pub(crate) async fn measure(binary: &Path, config: &BackendConfig, n: usize) -> Result<()> {
    let data_dir = tempfile::tempdir()?;
    let (child, url) = start(binary, data_dir.path()).await?;
    let pid = child.id().ok_or("the server exited")?;
    let api = Api::logged_in(&url).await?;
    let me = api.get_json("/auth/me").await?;
    let user_id = me["user_id"].as_str().ok_or("no user id")?.to_owned();
    api.put(
        &format!("/admin/users/{user_id}/targets"),
        json!({"allow_private_targets": true}),
    )
    .await?;
    tokio::time::sleep(SETTLE).await;
    let idle = Resident::of(pid)?;

    let id = api.register("transmission", config).await?;
    api.wait_for_count(&id, n).await?;
    for coding in [None, Some("gzip")] {
        api.get_timed("/torrents", coding).await?;
    }
    tokio::time::sleep(SETTLE).await;
    let loaded = Resident::of(pid)?;

    println!("\nmemory of `{}` (its own process):", binary.display());
    println!("{}", idle.line("idle, one user, no server"));
    println!(
        "{}",
        loaded.line(&format!("{n} torrents, list served plain+gzip"))
    );
    drop(child);
    Ok(())
}
