//! Per-torrent speed limits (`torrents/setDownloadLimit`, `setUploadLimit`,
//! bytes per second, read back as `dl_limit`/`up_limit`). qBittorrent has
//! no per-torrent bandwidth priority (its queue position is not one), so a
//! priority is refused before anything is sent.

use super::Qbittorrent;
use crate::client::unsupported;
use crate::error::Result;
use crate::model::{TransferChange, TransferSettings};

/// A limit as `torrents/info` reports it: 0 or -1 is unlimited.
fn limit_of(value: i64) -> Option<u64> {
    u64::try_from(value).ok().filter(|bytes| *bytes > 0)
}

impl Qbittorrent {
    pub(super) async fn read_limits(&self, info_hash: &str) -> Result<TransferSettings> {
        let torrent = self.one(info_hash).await?;
        Ok(TransferSettings {
            download_limit: limit_of(torrent.dl_limit),
            upload_limit: limit_of(torrent.up_limit),
            priority: None,
        })
    }

    pub(super) async fn write_limits(&self, info_hash: &str, change: TransferChange) -> Result<()> {
        if change.priority.is_some() {
            return Err(unsupported(self, "per-torrent bandwidth priority"));
        }
        let torrent = self.one(info_hash).await?;
        for (path, limit) in [
            ("torrents/setDownloadLimit", change.download_limit),
            ("torrents/setUploadLimit", change.upload_limit),
        ] {
            if let Some(limit) = limit {
                // 0 lifts the limit.
                let bytes = limit.unwrap_or(0).to_string();
                self.api
                    .text(path, &[("hashes", &torrent.hash), ("limit", &bytes)])
                    .await?;
            }
        }
        Ok(())
    }
}
