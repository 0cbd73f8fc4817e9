//! A client the program embedding this crate supplies for a server it
//! reaches its own way (torrent-manager: an embedded engine that another
//! instance runs, reached through their shared database).

use std::fmt;
use std::sync::Arc;

use crate::client::TorrentClient;
use crate::config::Transport;

/// The supplied adapter, with what messages say of where it goes. Two
/// relays with one `key` are the same connection (a poller is not rebuilt
/// when its server's settings are read again).
#[derive(Clone)]
pub struct Relay {
    key: String,
    transport: Transport,
    endpoint: String,
    client: Arc<dyn TorrentClient>,
}

impl Relay {
    pub fn new(
        key: impl Into<String>,
        transport: Transport,
        endpoint: impl Into<String>,
        client: Arc<dyn TorrentClient>,
    ) -> Self {
        Self {
            key: key.into(),
            transport,
            endpoint: endpoint.into(),
            client,
        }
    }

    pub fn client(&self) -> Arc<dyn TorrentClient> {
        Arc::clone(&self.client)
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl PartialEq for Relay {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Relay {}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Relay")
            .field("key", &self.key)
            .field("endpoint", &self.endpoint)
            .finish()
    }
}
