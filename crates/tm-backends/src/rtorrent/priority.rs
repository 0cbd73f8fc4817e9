//! The torrent's bandwidth priority, `d.priority` (0 off, 1 low, 2 normal,
//! 3 high). rTorrent has no per-torrent rate limit (only throttle groups),
//! so a limit is refused before anything is sent.

use super::Rtorrent;
use super::xmlrpc::Value;
use crate::client::unsupported;
use crate::error::Result;
use crate::model::{BandwidthPriority, TransferChange, TransferSettings};

impl Rtorrent {
    pub(super) async fn read_priority(&self, info_hash: &str) -> Result<TransferSettings> {
        let target = self.target(info_hash)?;
        let answer = self.rpc.call("d.priority", &[Value::from(target)]).await?;
        let level = answer
            .as_i64()
            .ok_or_else(|| self.malformed("d.priority", format!("not a number: {answer:?}")))?;
        let priority = match level {
            ..=1 => BandwidthPriority::Low,
            2 => BandwidthPriority::Normal,
            _ => BandwidthPriority::High,
        };
        Ok(TransferSettings {
            download_limit: None,
            upload_limit: None,
            priority: Some(priority),
        })
    }

    pub(super) async fn write_priority(
        &self,
        info_hash: &str,
        change: TransferChange,
    ) -> Result<()> {
        if change.changes_limits() {
            return Err(unsupported(self, "per-torrent speed limits"));
        }
        let target = self.target(info_hash)?;
        let Some(priority) = change.priority else {
            return Ok(());
        };
        let level: i64 = match priority {
            BandwidthPriority::Low => 1,
            BandwidthPriority::Normal => 2,
            BandwidthPriority::High => 3,
        };
        self.rpc
            .call("d.priority.set", &[Value::from(target), Value::from(level)])
            .await?;
        Ok(())
    }
}
