//! Saving a download to a local file: the destination (appended to when
//! resuming), a progress bar on a terminal, and the summary line.

use std::fs::{File, OpenOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::output::Output;
use crate::cli::units::size;

/// The local file a download goes to, and how much of it is there already.
pub struct Destination {
    pub path: PathBuf,
    pub file: File,
    /// Bytes kept to resume after (0 unless resuming).
    pub have: u64,
}

/// The last segment of a `/`-separated path, when it can name a local file.
pub fn file_name(path: &str) -> Option<&str> {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
}

/// Opens `path` for writing: appended to when `resume`, else truncated.
pub fn open(path: PathBuf, resume: bool) -> anyhow::Result<Destination> {
    let failed = |e: std::io::Error| anyhow::anyhow!("could not write {}: {e}", path.display());
    let file = OpenOptions::new()
        .create(true)
        .append(resume)
        .write(true)
        .truncate(!resume)
        .open(&path)
        .map_err(failed)?;
    let have = if resume {
        file.metadata().map_err(failed)?.len()
    } else {
        0
    };
    Ok(Destination { path, file, have })
}

/// A progress bar drawn on stderr, only on a terminal and not for JSON output.
pub fn progress_bar(out: &Output, name: &str) -> anyhow::Result<ProgressBar> {
    let bar = if std::io::stderr().is_terminal() && !out.is_json() {
        ProgressBar::new(0).with_style(ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta} {wide_msg}",
        )?)
    } else {
        ProgressBar::hidden()
    };
    bar.set_message(name.to_owned());
    Ok(bar)
}

/// Moves `bar` along as `(done, total)` arrive.
pub fn follow(bar: &ProgressBar) -> impl FnMut(u64, Option<u64>) + '_ {
    move |done, total| {
        if let Some(total) = total {
            bar.set_length(total);
        }
        bar.set_position(done);
    }
}

/// `Saved film.mkv (1.2 GiB, resumed after 300 MiB)`.
pub fn saved(path: &Path, have: u64, written: u64) -> String {
    let resumed = if have > 0 {
        format!(", resumed after {}", size(have))
    } else {
        String::new()
    };
    format!(
        "Saved {} ({}{resumed})",
        path.display(),
        size(have + written)
    )
}
