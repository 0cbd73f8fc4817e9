//! Removing a torrent, and deleting exactly its own files on rTorrent's host.
//!
//! rTorrent may run on another machine, so every file-system step runs there
//! through `execute.*` with an argument list (no shell, nothing evaluated):
//! `realpath` resolves symlinks, `rm -f` deletes the files of `f.multicall`,
//! `rmdir` removes the directories that became empty. A file is deleted only
//! if its resolved path lies under the torrent's resolved data path and under
//! rTorrent's resolved download directory (`directory.default`).

use std::collections::HashSet;

use super::Rtorrent;
use super::paths::{emptied_dirs, is_below, is_plain_relative, is_within};
use super::xmlrpc::Value;
use crate::error::{ErrorKind, Result};
use crate::model::{DataRemoval, FileIssue, FileReport, RemoveOutcome};

/// Path bytes per `execute` call: far below any host's argument limit.
const CHUNK_BYTES: usize = 64 * 1024;

/// One of the torrent's files, as rTorrent names it and as it resolves.
struct Candidate {
    path: String,
    resolved: String,
}

/// The deletion decided before anything is touched.
struct Plan {
    delete: Vec<Candidate>,
    kept: Vec<FileIssue>,
    missing: u64,
    base: String,
    root: String,
}

impl Rtorrent {
    pub(super) async fn remove_torrent(
        &self,
        info_hash: &str,
        delete_data: bool,
    ) -> Result<RemoveOutcome> {
        let target = self.target(info_hash)?;
        let info_hash = target.to_ascii_lowercase();
        let here = self.locate(&target).await?;
        let path = here.data_path();
        // Decide before erasing, so a refusal leaves the torrent in place.
        let plan = if delete_data {
            Some(
                self.plan(&target, &path, here.multi_file, &here.default_dir)
                    .await?,
            )
        } else {
            None
        };

        self.erase(&info_hash).await?;
        self.forget_magnet_settings(&target).await;

        let Some(plan) = plan else {
            return Ok(RemoveOutcome {
                info_hash,
                data: DataRemoval::Kept { path },
                files: None,
            });
        };
        let report = self.execute(plan).await;
        Ok(RemoveOutcome::of_file_deletion(info_hash, path, report))
    }

    async fn erase(&self, info_hash: &str) -> Result<()> {
        self.for_each(
            std::slice::from_ref(&info_hash.to_owned()),
            &["d.stop", "d.close", "d.erase"],
        )
        .await
    }

    /// Resolves the torrent's files on rTorrent's host and sorts them into
    /// deletable, kept (outside the allowed directories) and missing.
    async fn plan(
        &self,
        target: &str,
        data_path: &str,
        multi_file: bool,
        default_dir: &str,
    ) -> Result<Plan> {
        let unsafe_error = |reason: String| self.error(ErrorKind::Unsafe(reason));
        if !data_path.starts_with('/') {
            return Err(unsafe_error(format!(
                "rTorrent reports no absolute data path for this torrent ({data_path:?})"
            )));
        }
        if !default_dir.starts_with('/') {
            return Err(unsafe_error(
                "rTorrent has no absolute download directory (directory.default) \
                 to check deletions against"
                    .to_owned(),
            ));
        }
        let (paths, mut kept) = self.own_files(target, data_path, multi_file).await?;
        if data_path.contains('\n') || default_dir.contains('\n') {
            return Err(unsafe_error(
                "the data path or download directory contains a line break".to_owned(),
            ));
        }

        let mut lookup = vec![default_dir.to_owned(), data_path.to_owned()];
        lookup.extend(paths.iter().cloned());
        let resolved = self.realpath("-m", &lookup).await?;
        let (root, base) = (resolved[0].clone(), resolved[1].clone());
        let existing: HashSet<String> = self.realpath("-e", &paths).await?.into_iter().collect();

        let mut delete = Vec::new();
        let mut missing = 0;
        for (path, resolved) in paths.into_iter().zip(resolved.into_iter().skip(2)) {
            if let Some(reason) = outside(&resolved, &base, &root) {
                kept.push(issue(path, &reason));
            } else if !existing.contains(&resolved) {
                missing += 1;
            } else {
                delete.push(Candidate { path, resolved });
            }
        }
        if delete.is_empty() && !kept.is_empty() {
            let first = &kept[0];
            return Err(unsafe_error(format!(
                "nothing deleted, the torrent stays: {} of its files must be kept ({}: {})",
                kept.len(),
                first.path,
                first.reason
            )));
        }
        Ok(Plan {
            delete,
            kept,
            missing,
            base,
            root,
        })
    }

    /// The torrent's files as full paths (from `f.multicall`), and those
    /// that must not be touched: not plain relative paths, or with a line
    /// break (`realpath` answers one line per path).
    pub(super) async fn own_files(
        &self,
        target: &str,
        data_path: &str,
        multi_file: bool,
    ) -> Result<(Vec<String>, Vec<FileIssue>)> {
        let rows = self
            .sub_multicall("f.multicall", target, &["f.path="])
            .await?;
        let mut kept = Vec::new();
        let mut paths = Vec::new();
        for row in rows {
            let relative = row.first().and_then(Value::as_str).unwrap_or_default();
            let path = if multi_file {
                format!("{}/{relative}", data_path.trim_end_matches('/'))
            } else {
                data_path.to_owned()
            };
            if multi_file && !is_plain_relative(relative) {
                kept.push(issue(path, "the file path is not a plain relative path"));
            } else if path.contains('\n') {
                kept.push(issue(path, "the file name contains a line break"));
            } else {
                paths.push(path);
            }
        }
        Ok((paths, kept))
    }

    /// Deletes the planned files, then the directories left empty, and
    /// checks on disk what really went.
    async fn execute(&self, plan: Plan) -> FileReport {
        let targets: Vec<String> = plan.delete.iter().map(|c| c.resolved.clone()).collect();
        let mut rm_error = None;
        for chunk in chunks(&targets) {
            if let Err(e) = self.run("execute.throw", "rm", &["-f"], chunk).await {
                rm_error = Some(e.kind.to_string());
            }
        }
        let mut failed = Vec::new();
        let mut deleted = Vec::new();
        match self.realpath("-e", &targets).await {
            Ok(left) => {
                let left: HashSet<String> = left.into_iter().collect();
                for candidate in plan.delete {
                    if left.contains(&candidate.resolved) {
                        let reason = rm_error.as_deref().unwrap_or("still on disk after rm");
                        failed.push(issue(candidate.path, reason));
                    } else {
                        deleted.push(candidate.resolved);
                    }
                }
            }
            Err(e) => {
                let reason = format!("could not check the deletion: {}", e.kind);
                failed.extend(plan.delete.into_iter().map(|c| issue(c.path, &reason)));
            }
        }

        let dirs = emptied_dirs(deleted.iter().map(String::as_str), &plan.base, &plan.root);
        self.remove_empty_dirs(&dirs).await;
        let removed_dirs = match self.realpath("-e", &dirs).await {
            Ok(left) => dirs.len().saturating_sub(left.len()),
            Err(_) => 0,
        };
        FileReport {
            deleted: deleted.len() as u64,
            missing: plan.missing,
            removed_dirs: removed_dirs as u64,
            kept: plan.kept,
            failed,
        }
    }

    /// `realpath <flag> -- paths…` on rTorrent's host, one line per path.
    /// `-m` answers every path (checked); `-e` only those that exist.
    pub(super) async fn realpath(&self, flag: &str, paths: &[String]) -> Result<Vec<String>> {
        let mut lines = Vec::with_capacity(paths.len());
        for chunk in chunks(paths) {
            // `_nothrow`: with `-e`, missing paths make realpath exit 1.
            let answer = self
                .run("execute.capture_nothrow", "realpath", &[flag], chunk)
                .await?;
            let text = answer
                .as_str()
                .ok_or_else(|| self.malformed("realpath", format!("not a string: {answer:?}")))?;
            lines.extend(text.lines().map(str::to_owned));
        }
        if flag == "-m" && lines.len() != paths.len() {
            return Err(self.malformed(
                "realpath",
                format!("{} lines for {} paths", lines.len(), paths.len()),
            ));
        }
        Ok(lines)
    }

    /// Removes those of `dirs` that are empty; the others, and any already
    /// gone, stay (best effort: callers count or ignore what is left).
    pub(super) async fn remove_empty_dirs(&self, dirs: &[String]) {
        for chunk in chunks(dirs) {
            let _ = self
                .run(
                    "execute.nothrow",
                    "rmdir",
                    &["--ignore-fail-on-non-empty"],
                    chunk,
                )
                .await;
        }
    }

    /// `method "" program options… -- paths…`: every path its own argument.
    pub(super) async fn run(
        &self,
        method: &str,
        program: &str,
        options: &[&str],
        paths: &[String],
    ) -> Result<Value> {
        let mut params = vec![Value::from(""), Value::from(program)];
        params.extend(options.iter().map(|o| Value::from(*o)));
        params.push(Value::from("--"));
        params.extend(paths.iter().map(|p| Value::from(p.as_str())));
        self.rpc.call(method, &params).await
    }
}

/// Why a resolved file of the torrent must not be touched: it lies outside
/// the torrent's resolved data path `base`, or not below rTorrent's resolved
/// download directory `root`.
pub(super) fn outside(resolved: &str, base: &str, root: &str) -> Option<String> {
    if !is_within(resolved, base) {
        Some(format!(
            "resolves to {resolved}, outside the torrent's data path {base}"
        ))
    } else if !is_below(resolved, root) {
        Some(format!(
            "resolves to {resolved}, outside rTorrent's download directory {root}"
        ))
    } else {
        None
    }
}

fn issue(path: String, reason: &str) -> FileIssue {
    FileIssue {
        path,
        reason: reason.to_owned(),
    }
}

/// `paths` in slices of at most `CHUNK_BYTES` (at least one path each).
pub(super) fn chunks(paths: &[String]) -> Vec<&[String]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, path) in paths.iter().enumerate() {
        if i > start && bytes + path.len() > CHUNK_BYTES {
            out.push(&paths[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += path.len() + 1;
    }
    if start < paths.len() {
        out.push(&paths[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_everything_in_order() {
        let paths: Vec<String> = (0..3000).map(|i| format!("/r/{i:0>60}")).collect();
        let parts = chunks(&paths);
        assert!(parts.len() > 1);
        assert!(
            parts
                .iter()
                .all(|c| c.iter().map(String::len).sum::<usize>() <= CHUNK_BYTES)
        );
        assert_eq!(parts.concat(), paths);
        assert!(chunks(&[]).is_empty());
    }
}
