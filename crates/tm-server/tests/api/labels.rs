//! What the clients make of labels, for assertions that follow each client.

use serde_json::{Value, json};
pub use tm_api_types::LabelSupport;
use tm_backends::ClientKind;

use crate::daemons::ClientUnderTest;

/// How many labels a torrent can have on the server, as `GET /servers/{id}`
/// reports it in `capabilities.labels`.
pub fn label_support(server: &Value) -> LabelSupport {
    serde_json::from_value(server["capabilities"]["labels"].clone())
        .unwrap_or_else(|e| panic!("capabilities.labels ({e}): {server}"))
}

/// `labels` as the client holds them: qBittorrent keeps a torrent's tags
/// sorted, the others keep the order they were given.
pub fn held(client: ClientUnderTest, labels: &[&str]) -> Value {
    let mut labels = labels.to_vec();
    if client.kind() == ClientKind::Qbittorrent {
        labels.sort_unstable();
    }
    json!(labels)
}
