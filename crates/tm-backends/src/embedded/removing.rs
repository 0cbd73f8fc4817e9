//! Removing a torrent (its data through `removal.rs`, never the engine's
//! own delete) and rechecking one (the engine checks data when a torrent is
//! added: forgotten with its data kept, then added again as it was).

use std::path::{Path, PathBuf};

use librqbit::api::TorrentIdOrHash;

use super::adapter::Embedded;
use super::adding::add_bytes;
use super::{mapping, removal, views};
use crate::error::{ErrorKind, Result};
use crate::model::{DataRemoval, RemoveOutcome};

impl Embedded {
    pub(super) async fn remove_torrent(
        &self,
        info_hash: &str,
        delete_data: bool,
    ) -> Result<RemoveOutcome> {
        let (hash, handle) = self.find(info_hash).await?;
        let Some(handle) = handle else {
            let Some((entry, magnet)) = self.waiting_magnet(&hash).await else {
                return Err(self.error(ErrorKind::NotFound(hash)));
            };
            // Nothing on disk yet.
            let path = self.waiting(&hash, &entry, &magnet).base_path;
            self.engine.forget_magnet(&hash);
            self.forget(&hash).await?;
            return Ok(RemoveOutcome {
                info_hash: hash,
                data: if delete_data {
                    DataRemoval::Deleted { path }
                } else {
                    DataRemoval::Kept { path }
                },
                files: None,
            });
        };
        let view = views::torrent(&handle);
        let (_, path) = mapping::paths(&view);
        let plan = if delete_data {
            let folder = PathBuf::from(&view.output_folder);
            let files: Vec<String> = views::files(&handle)
                .into_iter()
                .filter(|f| !f.padding)
                .map(|f| f.path)
                .collect();
            let (base, root) = (PathBuf::from(&path), self.download_dir());
            let plan =
                tokio::task::spawn_blocking(move || removal::plan(&folder, &files, &base, &root))
                    .await
                    .map_err(|e| self.rejected(e))?
                    .map_err(|e| self.error(ErrorKind::Unsafe(e)))?;
            if let Some(reason) = plan.refused() {
                return Err(self.error(ErrorKind::Unsafe(reason)));
            }
            Some(plan)
        } else {
            None
        };
        self.session()?
            .delete(TorrentIdOrHash::Id(handle.id()), false)
            .await
            .map_err(|e| self.rejected(format!("{e:#}")))?;
        self.forget(&hash).await?;
        let Some(plan) = plan else {
            return Ok(RemoveOutcome {
                info_hash: hash,
                data: DataRemoval::Kept { path },
                files: None,
            });
        };
        let report = tokio::task::spawn_blocking(move || removal::execute(plan))
            .await
            .map_err(|e| self.rejected(e))?;
        Ok(RemoveOutcome::of_file_deletion(hash, path, report))
    }

    pub(super) async fn recheck_torrents(&self, info_hashes: &[String]) -> Result<()> {
        for (hash, handle) in self.targets(info_hashes).await? {
            // A magnet without metadata has no data to check.
            let Some(handle) = handle else { continue };
            let metadata = handle
                .metadata
                .load_full()
                .ok_or_else(|| self.rejected(format!("{hash} has no metadata yet")))?;
            let view = views::torrent(&handle);
            let (save, _) = mapping::paths(&view);
            let paused = handle.is_paused();
            let only_files = handle.only_files();
            self.session()?
                .delete(TorrentIdOrHash::Id(handle.id()), false)
                .await
                .map_err(|e| self.rejected(format!("{e:#}")))?;
            add_bytes(
                &self.engine,
                metadata.torrent_bytes.clone(),
                Path::new(&save),
                paused,
                only_files,
                None,
            )
            .await
            .map_err(|e| self.rejected(format!("re-adding for the check failed: {e}")))?;
        }
        Ok(())
    }
}
