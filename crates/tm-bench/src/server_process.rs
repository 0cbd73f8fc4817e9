//! `torrent-manager serve` as a process of its own, on loopback.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::Result;

/// Starts `binary serve` on a free loopback port with `data_dir` and
/// `env` (nothing else of the caller's `TM_DATABASE_URL` or `TM_MASTER_KEY`)
/// and returns it with its URL (read from its log). Killed when dropped.
pub(crate) async fn start(
    binary: &Path,
    data_dir: &Path,
    env: &[(&str, &str)],
) -> Result<(Child, String)> {
    let mut child = Command::new(binary)
        .args(["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir"])
        .arg(data_dir)
        .env("NO_COLOR", "1")
        .env("TM_NO_ENGINE", "1")
        .env_remove("TM_DATABASE_URL")
        .env_remove("TM_MASTER_KEY")
        .envs(env.iter().copied())
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
