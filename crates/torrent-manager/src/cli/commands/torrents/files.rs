//! `files`: a torrent's files, and setting the priority of many at once.

use clap::{Args, ValueEnum};
use comfy_table::{Cell, CellAlignment};
use tm_client::{Client, FilePriority, FilePriorityChange, TorrentFilesResponse};

use super::OneTorrent;
use crate::cli::UsageError;
use crate::cli::layout::{terminal_width, truncate};
use crate::cli::output::{Output, fixed, rows, shrinking};
use crate::cli::units::{percent, size};

#[derive(Args)]
pub struct FilesArgs {
    #[command(flatten)]
    torrent: OneTorrent,
    /// Set the priority of the files chosen with --files or --all-files.
    #[arg(long, value_enum, requires = "chosen")]
    priority: Option<PriorityArg>,
    /// The files' numbers as `files` lists them: `0,2-5`.
    #[arg(long, value_name = "LIST", group = "chosen", requires = "priority")]
    files: Option<String>,
    /// Every file of the torrent.
    #[arg(long, group = "chosen", requires = "priority")]
    all_files: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum PriorityArg {
    /// Do not download.
    Skip,
    Low,
    Normal,
    High,
}

impl From<PriorityArg> for FilePriority {
    fn from(priority: PriorityArg) -> Self {
        match priority {
            PriorityArg::Skip => FilePriority::Skip,
            PriorityArg::Low => FilePriority::Low,
            PriorityArg::Normal => FilePriority::Normal,
            PriorityArg::High => FilePriority::High,
        }
    }
}

pub async fn files(client: &Client, out: &Output, args: FilesArgs) -> anyhow::Result<()> {
    let target = args.torrent.resolve(client).await?;
    let (hash, server) = (&target.info_hash, target.server_id.as_deref());
    let files = match args.priority {
        None => client.torrent_files(hash, server).await?,
        Some(priority) => {
            let indices = match &args.files {
                Some(list) => parse_indices(list)?,
                None => {
                    let listed = client.torrent_files(hash, server).await?;
                    listed.files.iter().map(|f| f.index).collect()
                }
            };
            let changes = indices
                .into_iter()
                .map(|index| FilePriorityChange {
                    index,
                    priority: priority.into(),
                })
                .collect();
            client.set_file_priorities(hash, server, changes).await?
        }
    };
    out.show(&files, || render(out, &files))
}

/// `0,2-5` → `[0, 2, 3, 4, 5]`.
fn parse_indices(list: &str) -> Result<Vec<usize>, UsageError> {
    let invalid = || {
        UsageError(format!(
            "--files '{list}': expected numbers and ranges like 0,2-5"
        ))
    };
    let mut indices = Vec::new();
    for part in list.split(',').map(str::trim) {
        let (first, last) = match part.split_once('-') {
            Some((first, last)) => (first.trim(), last.trim()),
            None => (part, part),
        };
        let first: usize = first.parse().map_err(|_| invalid())?;
        let last: usize = last.parse().map_err(|_| invalid())?;
        if first > last {
            return Err(invalid());
        }
        indices.extend(first..=last);
    }
    indices.sort_unstable();
    indices.dedup();
    Ok(indices)
}

fn render(out: &Output, files: &TorrentFilesResponse) -> String {
    let table = rows(
        out,
        &files.files,
        "No files (a magnet link still fetching its metadata?).",
        &[
            fixed("#"),
            shrinking("PATH"),
            fixed("SIZE"),
            fixed("DONE"),
            fixed("PRIORITY"),
        ],
        |file| {
            vec![
                Cell::new(file.index),
                Cell::new(&file.path),
                Cell::new(size(file.size)).set_alignment(CellAlignment::Right),
                Cell::new(percent(file.progress)).set_alignment(CellAlignment::Right),
                Cell::new(priority_name(file.priority)),
            ]
        },
    );
    let title = format!("{} in {} on {}", files.name, files.path, files.server_name);
    format!("{}\n{table}", truncate(&title, terminal_width()))
}

fn priority_name(priority: FilePriority) -> &'static str {
    match priority {
        FilePriority::Skip => "skip",
        FilePriority::Low => "low",
        FilePriority::Normal => "normal",
        FilePriority::High => "high",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_lists() {
        assert_eq!(parse_indices("0,2-5").unwrap(), vec![0, 2, 3, 4, 5]);
        assert_eq!(parse_indices(" 3 , 1-2,2").unwrap(), vec![1, 2, 3]);
        for bad in ["", "a", "5-2", "1,", "-3"] {
            assert!(parse_indices(bad).is_err(), "{bad}");
        }
    }
}
