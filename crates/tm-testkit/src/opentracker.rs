//! opentracker on 127.0.0.1. Debian builds it whitelist-only, so the info
//! hashes to track are given up front.

use std::io;
use std::net::Ipv4Addr;

use super::process::{DaemonProcess, tcp_ready};
use super::{daemon_command, free_port, temp_dir};

pub struct Opentracker {
    pub port: u16,
    process: DaemonProcess,
    dir: tempfile::TempDir,
}

impl Opentracker {
    /// Starts a tracker that accepts announces for `info_hashes` (40 hex each).
    pub async fn start(info_hashes: &[String]) -> io::Result<Self> {
        let dir = temp_dir("tm-opentracker-")?;
        let port = free_port(Ipv4Addr::LOCALHOST)?;
        write_whitelist(dir.path(), info_hashes)?;
        let mut command = daemon_command("opentracker");
        // As root it chroots into -d and drops to nobody: the whitelist path
        // is relative to that directory.
        command
            .args([
                "-i",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-P",
                &port.to_string(),
            ])
            .arg("-d")
            .arg(dir.path())
            .args(["-w", "whitelist.txt"])
            .current_dir(dir.path());
        let mut process =
            DaemonProcess::spawn("opentracker", command, &dir.path().join("opentracker.log"))?;
        process
            .wait_ready(|| tcp_ready(format!("127.0.0.1:{port}")))
            .await?;
        Ok(Self { port, process, dir })
    }

    /// From now on accepts only `info_hashes`: the others become unknown to
    /// it, as a torrent deleted from a private tracker (the whitelist is
    /// rewritten and reloaded on SIGHUP).
    pub fn accept_only(&self, info_hashes: &[String]) -> io::Result<()> {
        write_whitelist(self.dir.path(), info_hashes)?;
        self.process.hang_up()
    }

    pub fn announce_url(&self) -> String {
        format!("http://127.0.0.1:{}/announce", self.port)
    }
}

fn write_whitelist(dir: &std::path::Path, info_hashes: &[String]) -> io::Result<()> {
    std::fs::write(dir.join("whitelist.txt"), info_hashes.join("\n") + "\n")
}
