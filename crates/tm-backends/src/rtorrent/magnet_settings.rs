//! A magnet's download directory and labels.
//!
//! rTorrent re-creates a magnet's download once the metadata arrives,
//! replaying only the post-load commands and the start flag given to
//! `load.*`; whatever is set later by XML-RPC is lost. Post-load commands are
//! parsed (and `$…` evaluated), so user text must not be in them: each value
//! goes into a global variable set by XML-RPC (never parsed), and a fixed
//! command naming only the validated hash reads it. The variables live in
//! rTorrent's memory until the torrent is removed through this adapter.

use super::Rtorrent;
use super::xmlrpc::Value;
use crate::error::Result;

/// What each variable feeds, in the order the commands run.
const SETTERS: [&str; 2] = ["d.directory.set", "d.custom1.set"];

/// The variable holding the value `setter` applies to the magnet `target`
/// (the validated upper-case hash).
fn variable(setter: &str, target: &str) -> String {
    let what = if setter == "d.directory.set" {
        "directory"
    } else {
        "labels"
    };
    format!("tm.{what}.{target}")
}

impl Rtorrent {
    /// Stores the directory and labels (empty: not set) and answers the
    /// post-load commands that apply them.
    pub(super) async fn magnet_settings(
        &self,
        target: &str,
        directory: Option<&str>,
        labels: &str,
    ) -> Result<Vec<Value>> {
        // Left over from an add that failed half-way, if any.
        self.forget_magnet_settings(target).await;
        let mut commands = Vec::new();
        let values = [directory.unwrap_or_default(), labels];
        for (setter, value) in SETTERS.into_iter().zip(values) {
            if value.is_empty() {
                continue;
            }
            let name = variable(setter, target);
            let params = [
                Value::from(""),
                Value::from(name.as_str()),
                Value::from("string"),
                Value::from(value),
            ];
            self.rpc.call("method.insert", &params).await?;
            commands.push(Value::from(format!("{setter}=${name}=")));
        }
        Ok(commands)
    }

    /// Drops a magnet's variables. Best effort: most torrents have none.
    pub(super) async fn forget_magnet_settings(&self, target: &str) {
        for setter in SETTERS {
            let name = Value::from(variable(setter, target));
            let _ = self
                .rpc
                .call("method.erase", &[Value::from(""), name])
                .await;
        }
    }
}
