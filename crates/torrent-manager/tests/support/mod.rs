//! `torrent-manager serve` as a child process, for the test crates that run
//! the real binary (each uses part of this).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_torrent-manager");

pub struct Served {
    pub child: Child,
    pub address: String,
    /// Log lines after the one naming the address.
    log: mpsc::Receiver<String>,
}

impl Served {
    /// The first log line (from now) containing `needle`, within `wait`.
    pub fn log_line_with(&self, needle: &str, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }

    /// The log lines written within `wait`.
    pub fn log_lines_within(&self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        let mut lines = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        lines
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` with `args`/`envs` and waits for the line naming the address.
pub fn serve(args: &[&str], envs: &[(&str, &str)]) -> Served {
    let mut command = Command::new(BIN);
    command
        .arg("serve")
        .args(args)
        .env("NO_COLOR", "1")
        // No embedded engine unless a test asks (`("TM_NO_ENGINE", "0")`).
        .env("TM_NO_ENGINE", "1")
        .env_remove("TM_DATA_DIR")
        .env_remove("TM_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (key, value) in envs {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server logs where it listens before anything else ends")
            .expect("utf-8 log");
        if let Some((_, rest)) = line.split_once("listening on http://") {
            break rest.trim().to_string();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    let (sender, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    Served {
        child,
        address,
        log,
    }
}
