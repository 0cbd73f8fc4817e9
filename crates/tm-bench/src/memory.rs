//! `tm-bench --memory <torrent-manager binary>`: the server's memory as a
//! process of its own (the in-process server would count the benchmark's
//! own allocations): idle after start, then serving a Transmission with N
//! torrents once its list has been asked for plain and gzip. Read from
//! `/proc/<pid>/smaps_rollup`: resident set, split into anonymous memory
//! (the heap: what the server holds) and file pages (its code, shared).
//! Then the same with the embedded engine on ("This machine", no DHT):
//! idle, and with [`ENGINE_TORRENTS`] started torrents in it.

use std::path::Path;
use std::time::Duration;

use tm_backends::BackendConfig;

use crate::Result;
use crate::api::Api;
use crate::server_process;

/// How many torrents the engine's reading holds (the figure issue 15 asks
/// for).
const ENGINE_TORRENTS: usize = 100;

/// Settling time before a reading: pollers finish, buffers are released
/// (the server hands freed memory back every second).
const SETTLE: Duration = Duration::from_secs(6);

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

/// Measures and prints the server's memory idle and with `n` torrents of
/// the Transmission at `config`.
pub(crate) async fn measure(binary: &Path, config: &BackendConfig, n: usize) -> Result<()> {
    let data_dir = tempfile::tempdir()?;
    let (child, url) = server_process::start(binary, data_dir.path(), &[]).await?;
    let pid = child.id().ok_or("the server exited")?;
    let api = Api::logged_in(&url).await?;
    api.allow_loopback_targets().await?;
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
    measure_engine(binary).await
}

/// The server with its engine: idle, then with [`ENGINE_TORRENTS`] started
/// torrents (their tracker answers nothing, so they stay at 0 %).
async fn measure_engine(binary: &Path) -> Result<()> {
    let data_dir = tempfile::tempdir()?;
    let engine = [
        ("TM_NO_ENGINE", "0"),
        ("TM_NO_DHT", "1"),
        ("TM_ENGINE_LISTEN_IP", "127.0.0.1"),
    ];
    let (child, url) = server_process::start(binary, data_dir.path(), &engine).await?;
    let pid = child.id().ok_or("the server exited")?;
    let api = Api::logged_in(&url).await?;
    let servers = api.get_json("/servers").await?;
    let machine = servers
        .as_array()
        .and_then(|all| all.iter().find(|s| s["server_type"] == "embedded"))
        .and_then(|s| s["id"].as_str())
        .ok_or("no \"This machine\" server")?
        .to_owned();
    api.wait_for_count(&machine, 0).await?;
    tokio::time::sleep(SETTLE).await;
    let idle = Resident::of(pid)?;
    for torrent in crate::torrents::generate(ENGINE_TORRENTS, 15) {
        api.upload(&machine, torrent).await?;
    }
    api.wait_for_count(&machine, ENGINE_TORRENTS).await?;
    api.get_timed("/torrents", None).await?;
    tokio::time::sleep(SETTLE).await;
    let loaded = Resident::of(pid)?;
    println!("{}", idle.line("engine on, idle"));
    println!(
        "{}",
        loaded.line(&format!("engine on, {ENGINE_TORRENTS} torrents started"))
    );
    drop(child);
    Ok(())
}
