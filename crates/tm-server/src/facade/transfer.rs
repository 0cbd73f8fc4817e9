//! `transfer/info`: the fleet's rates summed.

use serde_json::{Value, json};

use super::Facade;
use crate::fleet::PollerState;

impl Facade<'_> {
    pub fn transfer_info(&self) -> Value {
        let pollers = self.core.fleet().of_user(&self.user.id);
        let snapshots: Vec<_> = pollers.iter().map(|p| p.snapshot()).collect();
        let sum = |of: fn(&crate::fleet::Snapshot) -> u64| {
            snapshots.iter().map(of).fold(0u64, u64::saturating_add)
        };
        let connected = pollers
            .iter()
            .any(|p| p.health().state == PollerState::Connected);
        json!({
            "dl_info_speed": sum(|s| s.download_rate),
            "up_info_speed": sum(|s| s.upload_rate),
            "connection_status": if connected { "connected" } else { "disconnected" },
        })
    }
}
