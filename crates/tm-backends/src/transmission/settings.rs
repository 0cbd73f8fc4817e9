//! Per-torrent speed limits (`downloadLimit`/`downloadLimited`, in the
//! daemon's speed unit), `bandwidthPriority` (-1, 0, 1), and the seeding
//! goals Transmission has of its own (`seedRatioLimit`/`seedRatioMode`,
//! `seedIdleLimit`/`seedIdleMode` in minutes; mode 1 is this torrent's
//! goal, 2 none).

use serde_json::{Map, Value, json};

use super::Transmission;
use crate::error::Result;
use crate::model::{BandwidthPriority, TransferChange, TransferSettings, limit_in_units};

/// The fields `transfer_settings` reads.
const FIELDS: [&str; 5] = [
    "downloadLimit",
    "downloadLimited",
    "uploadLimit",
    "uploadLimited",
    "bandwidthPriority",
];

/// Transmission's speed unit when the daemon does not say (kB = 1000 bytes).
const DEFAULT_SPEED_UNIT: u64 = 1000;

/// `seedRatioMode`/`seedIdleMode`: the torrent's own goal, or none.
const OWN_GOAL: i64 = 1;
const NO_GOAL: i64 = 2;

/// `mode` and `limit` for a goal: its own when set, none when lifted.
fn goal<T: serde::Serialize>(
    arguments: &mut Map<String, Value>,
    goal: Option<Option<T>>,
    mode: &str,
    limit: &str,
) {
    match goal {
        None => {}
        Some(None) => {
            arguments.insert(mode.into(), json!(NO_GOAL));
        }
        Some(Some(value)) => {
            arguments.insert(mode.into(), json!(OWN_GOAL));
            arguments.insert(limit.into(), json!(value));
        }
    }
}

impl Transmission {
    /// Bytes in the daemon's speed unit, from `session-get`'s `units`.
    async fn speed_unit(&self) -> Result<u64> {
        let answer = self
            .rpc
            .call("session-get", json!({ "fields": ["units"] }))
            .await?;
        Ok(answer
            .pointer("/units/speed-bytes")
            .and_then(Value::as_u64)
            .filter(|unit| *unit > 0)
            .unwrap_or(DEFAULT_SPEED_UNIT))
    }

    pub(super) async fn read_transfer_settings(&self, info_hash: &str) -> Result<TransferSettings> {
        let unit = self.speed_unit().await?;
        let found = self.torrent_fields(info_hash, &FIELDS).await?;
        let limit = |value: &str, limited: &str| {
            let on = found.get(limited).and_then(Value::as_bool).unwrap_or(false);
            let units = found.get(value).and_then(Value::as_u64);
            units.filter(|_| on).map(|units| units * unit)
        };
        let priority = match found.get("bandwidthPriority").and_then(Value::as_i64) {
            Some(p) if p < 0 => BandwidthPriority::Low,
            Some(p) if p > 0 => BandwidthPriority::High,
            _ => BandwidthPriority::Normal,
        };
        Ok(TransferSettings {
            download_limit: limit("downloadLimit", "downloadLimited"),
            upload_limit: limit("uploadLimit", "uploadLimited"),
            priority: Some(priority),
        })
    }

    pub(super) async fn write_transfer_settings(
        &self,
        info_hash: &str,
        change: TransferChange,
    ) -> Result<()> {
        let ids = self.existing(&[info_hash.to_owned()]).await?;
        let mut arguments = Map::new();
        arguments.insert("ids".into(), json!(ids));
        if change.changes_limits() {
            let unit = self.speed_unit().await?;
            let mut limit = |limit: Option<Option<u64>>, value: &str, limited: &str| {
                if let Some(limit) = limit {
                    arguments.insert(limited.into(), json!(limit.is_some()));
                    if let Some(bytes) = limit {
                        arguments.insert(value.into(), json!(limit_in_units(bytes, unit)));
                    }
                }
            };
            limit(change.download_limit, "downloadLimit", "downloadLimited");
            limit(change.upload_limit, "uploadLimit", "uploadLimited");
        }
        if let Some(priority) = change.priority {
            let level = match priority {
                BandwidthPriority::Low => -1,
                BandwidthPriority::Normal => 0,
                BandwidthPriority::High => 1,
            };
            arguments.insert("bandwidthPriority".into(), json!(level));
        }
        goal(
            &mut arguments,
            change.ratio_goal,
            "seedRatioMode",
            "seedRatioLimit",
        );
        goal(
            &mut arguments,
            change.idle_goal,
            "seedIdleMode",
            "seedIdleLimit",
        );
        self.rpc
            .call("torrent-set", Value::Object(arguments))
            .await?;
        Ok(())
    }
}
