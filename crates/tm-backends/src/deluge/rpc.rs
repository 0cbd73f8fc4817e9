//! The one seam between the Deluge adapter and its transports: deluge-web's
//! JSON-RPC (`web.rs`) and the daemon's own RPC. Both carry the same
//! `core.*`, `daemon.*` and plugin methods, so the adapter speaks to either.

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::error::Result;

#[async_trait]
pub(crate) trait DelugeRpc: Send + Sync {
    /// Calls `method` with positional `args` and keyword `kwargs`, and
    /// returns its result. The transport logs in (and, for deluge-web,
    /// connects to the daemon) as needed; Deluge's own refusals come back as
    /// [`crate::error::ErrorKind::Rejected`].
    async fn call(
        &self,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value>;
}

#[async_trait]
impl DelugeRpc for super::native::DelugeNative {
    async fn call(
        &self,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value> {
        super::native::DelugeNative::call(self, method, args, kwargs).await
    }
}
