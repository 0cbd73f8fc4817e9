//! Moving a torrent's data to another directory on rTorrent's host.
//!
//! rTorrent has no move of its own: the torrent is stopped and closed, its
//! own files (those of `f.multicall`, nothing else in its folder) are moved
//! with `mkdir -p` and `mv` run through `execute.throw` with an argument list
//! (as `removal` deletes them), the directories left empty are removed, and
//! the torrent is re-pointed with `d.directory_base.set`, which takes the
//! path as it is (`d.directory.set` appends the name of a multi-file
//! torrent). It is restarted if it was started. A failed move puts back
//! what was moved, so the torrent stays as it was.

use std::collections::{BTreeMap, HashSet};

use super::Rtorrent;
use super::mapping::DataLocation;
use super::paths::{emptied_dirs, is_within, validate_save_path};
use super::removal::{chunks, outside};
use super::xmlrpc::Value;
use crate::error::{ErrorKind, Result};

/// Where a torrent's data is, and whether it runs.
pub(super) struct Located {
    pub name: String,
    pub directory: String,
    pub base_path: String,
    pub multi_file: bool,
    /// rTorrent's download directory (`directory.default`).
    pub default_dir: String,
    pub started: bool,
}

impl Located {
    pub fn data_path(&self) -> String {
        DataLocation {
            name: &self.name,
            directory: &self.directory,
            base_path: &self.base_path,
            multi_file: self.multi_file,
        }
        .data_path()
    }
}

/// The files to move, each from its resolved path to its new one.
struct Moves {
    files: Vec<(String, String)>,
    /// The torrent's resolved data path and rTorrent's download directory.
    base: String,
    root: String,
    /// What `d.directory_base.set` gets afterwards.
    new_directory: String,
}

impl Rtorrent {
    /// The torrent's location, in one multicall.
    pub(super) async fn locate(&self, target: &str) -> Result<Located> {
        let on_target = |method| (method, vec![Value::from(target)]);
        let answers = self
            .rpc
            .multicall_all(&[
                on_target("d.name"),
                on_target("d.directory"),
                on_target("d.base_path"),
                on_target("d.is_multi_file"),
                ("directory.default", vec![]),
                on_target("d.state"),
            ])
            .await?;
        let text = |i: usize| {
            answers
                .get(i)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let flag = |i: usize| answers.get(i).and_then(Value::as_i64).unwrap_or(0) != 0;
        Ok(Located {
            name: text(0),
            directory: text(1),
            base_path: text(2),
            multi_file: flag(3),
            default_dir: text(4),
            started: flag(5),
        })
    }

    pub(super) async fn move_torrent_data(&self, info_hash: &str, directory: &str) -> Result<()> {
        let directory = validate_save_path(directory)
            .map_err(|reason| self.error(ErrorKind::Invalid(reason)))?;
        let target = self.target(info_hash)?;
        let here = self.locate(&target).await?;
        let Some(moves) = self.plan_moves(&target, &here, &directory).await? else {
            return Ok(());
        };
        let hashes = [target.clone()];
        // rTorrent changes a torrent's directory only while it is closed.
        self.for_each(&hashes, &["d.stop", "d.close"]).await?;
        let moved = self.relocate(&target, &moves).await;
        let restarted = match here.started {
            true => self.for_each(&hashes, &["d.open", "d.start"]).await,
            false => Ok(()),
        };
        moved.and(restarted)
    }

    /// Checks everything before a file is touched; `None` when the data
    /// already is in `directory`.
    async fn plan_moves(
        &self,
        target: &str,
        here: &Located,
        directory: &str,
    ) -> Result<Option<Moves>> {
        let refused = |reason: String| self.error(ErrorKind::Rejected(reason));
        let data_path = here.data_path();
        if !data_path.starts_with('/') || !here.default_dir.starts_with('/') {
            return Err(refused(format!(
                "rTorrent reports no absolute data path ({data_path:?}) or download \
                 directory ({:?}) for this torrent",
                here.default_dir
            )));
        }
        if data_path.contains('\n') || here.default_dir.contains('\n') {
            return Err(refused(
                "the data path or download directory contains a line break".to_owned(),
            ));
        }
        let (paths, kept) = self.own_files(target, &data_path, here.multi_file).await?;
        if let Some(first) = kept.first() {
            return Err(refused(format!(
                "nothing moved: {} ({})",
                first.path, first.reason
            )));
        }
        let mut lookup = vec![
            here.default_dir.clone(),
            data_path.clone(),
            directory.into(),
        ];
        lookup.extend(paths.iter().cloned());
        let resolved = self.realpath("-m", &lookup).await?;
        let (root, base, destination) = (&resolved[0], &resolved[1], &resolved[2]);
        let name = match data_path.trim_end_matches('/').rsplit_once('/') {
            Some((_, name)) if !name.is_empty() => name.to_owned(),
            _ => return Err(refused(format!("no data to move at {data_path}"))),
        };
        // rTorrent finds the data by its name: it must keep it.
        if base.rsplit_once('/').map(|(_, last)| last) != Some(name.as_str()) {
            return Err(refused(format!(
                "the data path {data_path} is a symbolic link (to {base})"
            )));
        }
        let new_base = format!("{}/{name}", destination.trim_end_matches('/'));
        if new_base == *base {
            return Ok(None);
        }
        if is_within(destination, base) {
            return Err(refused(format!(
                "{directory} lies inside the torrent's own data {base}"
            )));
        }
        if !self
            .realpath("-e", std::slice::from_ref(&new_base))
            .await?
            .is_empty()
        {
            return Err(refused(format!("{new_base} already exists")));
        }
        let existing: HashSet<String> = self.realpath("-e", &paths).await?.into_iter().collect();
        let mut files = Vec::new();
        for file in resolved.iter().skip(3) {
            if let Some(reason) = outside(file, base, root) {
                return Err(refused(format!("nothing moved: {file} {reason}")));
            }
            if existing.contains(file) {
                files.push((file.clone(), format!("{new_base}{}", &file[base.len()..])));
            }
        }
        let new_directory = match here.multi_file {
            true => format!("{}/{name}", directory.trim_end_matches('/')),
            false => directory.to_owned(),
        };
        Ok(Some(Moves {
            files,
            base: base.clone(),
            root: root.clone(),
            new_directory,
        }))
    }

    /// Moves the files and re-points the (closed) torrent; on failure puts
    /// back what moved.
    async fn relocate(&self, target: &str, moves: &Moves) -> Result<()> {
        // A failed move or re-pointing puts back what moved.
        let repointed = match self.move_files(&moves.files).await {
            Ok(()) => self
                .rpc
                .call(
                    "d.directory_base.set",
                    &[
                        Value::from(target),
                        Value::from(moves.new_directory.as_str()),
                    ],
                )
                .await
                .map(drop),
            Err(e) => Err(e),
        };
        if let Err(e) = repointed {
            self.move_back(&moves.files).await;
            return Err(e);
        }
        let sources = moves.files.iter().map(|(from, _)| from.as_str());
        // Directories holding other files stay: only ours went.
        self.remove_empty_dirs(&emptied_dirs(sources, &moves.base, &moves.root))
            .await;
        Ok(())
    }

    /// Puts the files that arrived back where they were (best effort: the
    /// error of the move is what the caller reports).
    async fn move_back(&self, files: &[(String, String)]) {
        let targets: Vec<String> = files.iter().map(|(_, to)| to.clone()).collect();
        let arrived: HashSet<String> = match self.realpath("-e", &targets).await {
            Ok(arrived) => arrived.into_iter().collect(),
            Err(_) => return,
        };
        let back: Vec<(String, String)> = files
            .iter()
            .filter(|(_, to)| arrived.contains(to))
            .map(|(from, to)| (to.clone(), from.clone()))
            .collect();
        let _ = self.move_files(&back).await;
    }

    /// `mv` of each `(from, to)`, grouped by target directory, which
    /// `mkdir -p` creates first; checked on disk afterwards. Nothing is
    /// overwritten (`-n`). A failing `mv` does not stop the others, so a
    /// move back brings back all it can.
    async fn move_files(&self, files: &[(String, String)]) -> Result<()> {
        let mut by_dir: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (from, to) in files {
            let dir = to.rsplit_once('/').map_or("/", |(dir, _)| dir);
            let dir = if dir.is_empty() { "/" } else { dir };
            by_dir.entry(dir.to_owned()).or_default().push(from.clone());
        }
        let dirs: Vec<String> = by_dir.keys().cloned().collect();
        for chunk in chunks(&dirs) {
            self.run("execute.throw", "mkdir", &["-p"], chunk).await?;
        }
        let mut failure = None;
        for (dir, sources) in &by_dir {
            let options = ["-n", "-t", dir.as_str()];
            for chunk in chunks(sources) {
                if let Err(e) = self.run("execute.throw", "mv", &options, chunk).await {
                    failure.get_or_insert(e);
                }
            }
        }
        let targets: Vec<String> = files.iter().map(|(_, to)| to.clone()).collect();
        let arrived = self.realpath("-e", &targets).await?;
        if arrived.len() == targets.len() {
            return Ok(());
        }
        Err(failure.unwrap_or_else(|| {
            self.error(ErrorKind::Rejected(format!(
                "mv moved {} of {} files; the torrent stays where it was",
                arrived.len(),
                targets.len()
            )))
        }))
    }
}
