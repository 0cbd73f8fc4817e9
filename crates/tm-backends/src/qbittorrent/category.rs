//! qBittorrent's own categories. It refuses a category it does not know
//! (409 "Incorrect category name"), so each write creates it first.

use reqwest::StatusCode;

use super::Qbittorrent;
use super::api::{Body, status_error};
use crate::error::Result;

/// A category name as qBittorrent takes it: trimmed; empty means none.
pub(super) fn category_name(category: Option<&str>) -> Option<&str> {
    category.map(str::trim).filter(|c| !c.is_empty())
}

impl Qbittorrent {
    /// Creates `name` unless it exists (qBittorrent answers 409 then).
    pub(super) async fn ensure_category(&self, name: &str) -> Result<()> {
        let path = "torrents/createCategory";
        let reply = self
            .api
            .post(path, Body::form(&[("category", name), ("savePath", "")]))
            .await?;
        // 409 is also its answer to an invalid name: the write that follows
        // is refused then, and reports it.
        if reply.status.is_success() || reply.status == StatusCode::CONFLICT {
            Ok(())
        } else {
            Err(self.error(status_error(&reply, path)))
        }
    }

    pub(super) async fn file_in_category(
        &self,
        info_hash: &str,
        category: Option<&str>,
    ) -> Result<()> {
        let torrent = self.one(info_hash).await?;
        let category = category_name(category);
        if let Some(name) = category {
            self.ensure_category(name).await?;
        }
        self.api
            .text(
                "torrents/setCategory",
                &[
                    ("hashes", &torrent.hash),
                    ("category", category.unwrap_or("")),
                ],
            )
            .await?;
        Ok(())
    }
}
