//! A spawned daemon: readiness polling and kill-on-drop.

use std::fs::File;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How long a daemon may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const READY_POLL: Duration = Duration::from_millis(25);

pub(crate) struct DaemonProcess {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl DaemonProcess {
    /// Spawns `command` with stdin closed and stdout/stderr in `log`.
    pub fn spawn(name: &'static str, mut command: Command, log: &Path) -> io::Result<Self> {
        let out = File::create(log)?;
        let err = out.try_clone()?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot start {name}: {e}")))?;
        Ok(Self {
            name,
            child,
            log: log.to_owned(),
        })
    }

    /// Polls `probe` until it is true; fails if the daemon exits or takes too long.
    pub async fn wait_ready<F, Fut>(&mut self, mut probe: F) -> io::Result<()>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let deadline = tokio::time::Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(self.failure(&format!("exited with {status}")));
            }
            if probe().await {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(self.failure("did not become ready in 30 s"));
            }
            tokio::time::sleep(READY_POLL).await;
        }
    }

    /// Sends SIGHUP (daemons reload their configuration on it).
    pub fn hang_up(&self) -> io::Result<()> {
        let status = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(self.failure(&format!("did not take SIGHUP ({status})")))
        }
    }

    /// Kills the daemon (SIGKILL) and waits until it is gone.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn failure(&self, what: &str) -> io::Error {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        io::Error::other(format!("{} {what}; log:\n{}", self.name, tail.join("\n")))
    }
}

impl Drop for DaemonProcess {
    fn drop(&mut self) {
        // SIGKILL: tests need no graceful shutdown and must not leak daemons.
        self.stop();
    }
}

pub(crate) async fn tcp_ready(address: String) -> bool {
    tokio::net::TcpStream::connect(address).await.is_ok()
}
