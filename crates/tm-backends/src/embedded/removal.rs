//! Deleting exactly a torrent's own files, on this machine. The engine's own
//! delete joins each file name to the output folder and removes it, which
//! follows a symlinked directory out of the folder; so the adapter deletes
//! itself: every file is resolved (symlinks followed) and deleted only if
//! it lies under the torrent's resolved data path and below the engine's
//! resolved download directory. A file name that is not a plain relative
//! path (`..`, absolute) is never touched. Then the directories left empty,
//! up to the data path, go. Blocking: run it off the async workers.

use std::path::{Path, PathBuf};

use crate::model::{FileIssue, FileReport};
use crate::rtorrent::paths::{emptied_dirs, is_below, is_plain_relative, is_within};

/// The deletion decided before anything is touched.
pub struct Plan {
    delete: Vec<(String, PathBuf)>,
    kept: Vec<FileIssue>,
    missing: u64,
    base: String,
    root: String,
}

impl Plan {
    /// Nothing can be deleted and something must be kept: refuse, so the
    /// torrent stays.
    pub fn refused(&self) -> Option<String> {
        let first = self.kept.first()?;
        self.delete.is_empty().then(|| {
            format!(
                "nothing deleted, the torrent stays: {} of its files must be kept ({}: {})",
                self.kept.len(),
                first.path,
                first.reason
            )
        })
    }
}

/// Sorts the torrent's `files` (relative to `output_folder`, `/`-separated)
/// into deletable, kept and missing. `base` is the torrent's data path (the
/// file, or the folder of a multi-file torrent), `root` the download
/// directory.
pub fn plan(
    output_folder: &Path,
    files: &[String],
    base: &Path,
    root: &Path,
) -> Result<Plan, String> {
    let resolve_dir = |dir: &Path, what: &str| {
        std::fs::canonicalize(dir)
            .map_err(|e| format!("cannot resolve the {what} {}: {e}", dir.display()))
            .and_then(|p| {
                p.to_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("the {what} {} is not UTF-8", p.display()))
            })
    };
    let root = resolve_dir(root, "download directory")?;
    // A data path already gone: nothing of it is left to delete.
    let base = match std::fs::canonicalize(base) {
        Ok(p) => p.to_str().map(str::to_owned).unwrap_or_default(),
        Err(_) => {
            return Ok(Plan {
                delete: Vec::new(),
                kept: Vec::new(),
                missing: files.len() as u64,
                base: String::new(),
                root,
            });
        }
    };
    let mut plan = Plan {
        delete: Vec::new(),
        kept: Vec::new(),
        missing: 0,
        base,
        root,
    };
    for relative in files {
        let shown = output_folder.join(relative).display().to_string();
        if !is_plain_relative(relative) {
            plan.kept
                .push(issue(shown, "the file path is not a plain relative path"));
            continue;
        }
        let resolved = match std::fs::canonicalize(output_folder.join(relative)) {
            Ok(resolved) => resolved,
            Err(_) => {
                plan.missing += 1;
                continue;
            }
        };
        let Some(text) = resolved.to_str() else {
            plan.kept
                .push(issue(shown, "the resolved path is not UTF-8"));
            continue;
        };
        if !is_within(text, &plan.base) {
            let reason = format!(
                "resolves to {text}, outside the torrent's data path {}",
                plan.base
            );
            plan.kept.push(issue(shown, &reason));
        } else if !is_below(text, &plan.root) {
            let reason = format!(
                "resolves to {text}, outside the download directory {}",
                plan.root
            );
            plan.kept.push(issue(shown, &reason));
        } else {
            plan.delete.push((shown, resolved));
        }
    }
    Ok(plan)
}

/// Deletes the planned files and the directories left empty.
pub fn execute(plan: Plan) -> FileReport {
    let mut deleted = Vec::new();
    let mut failed = Vec::new();
    for (shown, resolved) in plan.delete {
        match std::fs::remove_file(&resolved) {
            Ok(()) => deleted.push(resolved.to_string_lossy().into_owned()),
            Err(e) => failed.push(issue(shown, &e.to_string())),
        }
    }
    let mut removed_dirs = 0;
    for dir in emptied_dirs(deleted.iter().map(String::as_str), &plan.base, &plan.root) {
        // Fails, as wanted, on a directory that is not empty.
        if std::fs::remove_dir(&dir).is_ok() {
            removed_dirs += 1;
        }
    }
    FileReport {
        deleted: deleted.len() as u64,
        missing: plan.missing,
        removed_dirs,
        kept: plan.kept,
        failed,
    }
}

fn issue(path: String, reason: &str) -> FileIssue {
    FileIssue {
        path,
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_only_what_resolves_inside() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let top = std::env::temp_dir().join(format!("tm-removal-{}-{nanos}", std::process::id()));
        let root = top.join("downloads");
        let outside = top.join("outside");
        let base = root.join("album");
        std::fs::create_dir_all(base.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(base.join("sub/a"), b"a").unwrap();
        std::fs::write(outside.join("victim"), b"v").unwrap();
        std::fs::write(root.join("neighbour"), b"n").unwrap();
        // A directory inside the data path that points outside it.
        std::os::unix::fs::symlink(&outside, base.join("link")).unwrap();
        let files = [
            "sub/a".to_owned(),
            "link/victim".to_owned(),
            "../neighbour".to_owned(),
            "gone".to_owned(),
        ];
        let plan = plan(&base, &files, &base, &root).unwrap();
        assert_eq!(plan.refused(), None);
        let report = execute(plan);
        assert_eq!(
            (report.deleted, report.missing, report.kept.len()),
            (1, 1, 2)
        );
        assert!(!base.join("sub").exists());
        assert!(outside.join("victim").exists());
        assert!(root.join("neighbour").exists());
        std::fs::remove_dir_all(&top).unwrap();
    }
}
