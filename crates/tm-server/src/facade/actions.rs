//! Adding, removing, starting and stopping through the facade: each goes
//! to the core on the server the torrent (or its category) routes to.

use super::limits::set_torrent_share_limits;
use super::{Entry, Facade, ShareLimits};
use crate::core::{Error, Filing, Result, TorrentAction, clean_labels};
use crate::db::CategoryRow;

/// What `torrents/add` asks for.
pub struct AddRequest {
    /// `.torrent` files' bytes.
    pub files: Vec<Vec<u8>>,
    /// Magnet links and http(s) URLs of .torrent files.
    pub urls: Vec<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub save_path: Option<String>,
    pub start: bool,
    /// Trust the data on disk where the client can (`skip_checking`).
    pub skip_checking: bool,
    pub limits: Option<ShareLimits>,
}

impl Facade<'_> {
    /// Adds everything in `request`; answers how many were added and the
    /// first failure (qBittorrent answers `Fails.` only when none was).
    pub async fn add(&self, request: AddRequest) -> Result<(usize, Option<Error>)> {
        let category = match request.category.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(self.category_for_add(name).await?),
        };
        let server_id = category
            .as_ref()
            .and_then(|c| self.server_of(c))
            .map(str::to_string);
        let save_path = request
            .save_path
            .filter(|p| !p.trim().is_empty())
            .or_else(|| category.as_ref().map(|c| c.save_path.clone()))
            .filter(|p| !p.is_empty());
        // The category goes to the core as such: a server with categories
        // of its own files the torrent there, the others get a label.
        let filing = Filing {
            start: request.start,
            labels: clean_labels(request.tags)?,
            save_path,
            category: category.map(|c| c.name),
            skip_checking: request.skip_checking,
        };

        let mut added = 0;
        let mut first_error = None;
        let mut outcomes = Vec::new();
        for bytes in request.files {
            let outcome = self
                .core
                .upload_torrent(self.user, server_id.as_deref(), filing.clone(), bytes)
                .await
                .map(|r| (r.server_id, r.info_hash));
            outcomes.push(outcome);
        }
        for uri in request.urls {
            let outcome = self
                .core
                .add_uri(self.user, &uri, server_id.as_deref(), filing.clone())
                .await
                .map(|r| (r.server_id, r.info_hash));
            outcomes.push(outcome);
        }
        for outcome in outcomes {
            match outcome {
                Ok((server, hash)) => {
                    added += 1;
                    if let Some(limits) = request.limits {
                        self.store_limits(&server, &hash, limits).await?;
                    }
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        Ok((added, first_error))
    }

    /// The category an add names; an unknown one is created (routed to the
    /// default server), as qBittorrent creates it.
    async fn category_for_add(&self, name: &str) -> Result<CategoryRow> {
        if let Some(category) = self.category(name) {
            return Ok(category.clone());
        }
        let update = super::CategoryUpdate {
            name: name.to_string(),
            save_path: None,
            server: None,
        };
        match self.create_category(update).await {
            Ok(()) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
        Ok(CategoryRow {
            name: name.to_string(),
            server_id: None,
            save_path: String::new(),
        })
    }

    /// Start, stop, recheck or reannounce each torrent where it is shown.
    pub async fn act(&self, entries: &[Entry], action: TorrentAction) -> Result<()> {
        for entry in entries {
            self.core
                .torrent_action(self.user, entry.hash(), Some(entry.server_id()), action)
                .await?;
        }
        Ok(())
    }

    /// `setLocation`: moves each torrent's data into `location` through the
    /// core's move (which checks the path first).
    pub async fn move_data(&self, entries: &[Entry], location: &str) -> Result<()> {
        for entry in entries {
            self.core
                .move_torrent(self.user, entry.hash(), Some(entry.server_id()), location)
                .await?;
        }
        Ok(())
    }

    /// Removes each torrent (and its data when asked) through the core's
    /// removal path.
    pub async fn delete(&self, entries: &[Entry], delete_files: bool) -> Result<()> {
        for entry in entries {
            self.core
                .remove_torrent(
                    self.user,
                    entry.hash(),
                    Some(entry.server_id()),
                    delete_files,
                )
                .await?;
        }
        Ok(())
    }

    /// `setShareLimits`: stored for each torrent.
    pub async fn set_share_limits(&self, entries: &[Entry], limits: ShareLimits) -> Result<()> {
        for entry in entries {
            set_torrent_share_limits(
                self.core,
                self.user,
                entry.server_id(),
                entry.hash(),
                limits,
            )
            .await?;
        }
        Ok(())
    }
}
