//! Per-torrent speed limits (`max_download_speed`/`max_upload_speed`, KiB/s,
//! -1 unlimited). Deluge has no per-torrent bandwidth priority (its queue
//! position is not one), so a priority is refused before anything is sent.

use serde_json::{Map, Value, json};

use super::Deluge;
use crate::client::unsupported;
use crate::error::Result;
use crate::model::{TransferChange, TransferSettings, limit_in_units};

const FIELDS: [&str; 2] = ["max_download_speed", "max_upload_speed"];
const KIB: u64 = 1024;

impl Deluge {
    pub(super) async fn read_limits(&self, info_hash: &str) -> Result<TransferSettings> {
        let (_, status) = self.status_of(info_hash, &FIELDS).await?;
        // Deluge keeps KiB/s as a float; below 0 is unlimited.
        let limit = |field: &str| {
            let kib = status.get(field).and_then(Value::as_f64)?;
            (kib > 0.0).then(|| (kib * KIB as f64).round() as u64)
        };
        Ok(TransferSettings {
            download_limit: limit("max_download_speed"),
            upload_limit: limit("max_upload_speed"),
            priority: None,
        })
    }

    pub(super) async fn write_limits(&self, info_hash: &str, change: TransferChange) -> Result<()> {
        if change.priority.is_some() {
            return Err(unsupported(self, "per-torrent bandwidth priority"));
        }
        let hashes = self.existing(&[info_hash.to_owned()]).await?;
        let mut options = Map::new();
        for (field, limit) in FIELDS
            .iter()
            .zip([change.download_limit, change.upload_limit])
        {
            if let Some(limit) = limit {
                let kib = limit.map_or(-1, |bytes| limit_in_units(bytes, KIB) as i64);
                options.insert((*field).into(), json!(kib));
            }
        }
        if !options.is_empty() {
            self.call(
                "core.set_torrent_options",
                vec![json!(hashes), Value::Object(options)],
            )
            .await?;
        }
        Ok(())
    }
}
