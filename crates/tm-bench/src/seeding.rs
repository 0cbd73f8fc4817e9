//! Loading the generated torrents into the daemons.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tm_backends::{AddTorrent, BackendConfig, TorrentSource, connect};

use crate::raw;
use crate::{RTORRENT_LOAD_BATCH, Result, TRANSMISSION_LOAD_CONCURRENCY};

/// Adds every torrent paused through the adapter, a few at a time.
pub(crate) async fn load_with_adapter(
    config: &BackendConfig,
    torrents: &[Vec<u8>],
) -> Result<Duration> {
    let client = connect(config)?;
    client.probe().await?;
    let start = Instant::now();
    let failures = futures::stream::iter(torrents.iter().cloned())
        .map(|bytes| {
            let client = Arc::clone(&client);
            async move {
                client
                    .add(AddTorrent::plain(TorrentSource::File(bytes), false))
                    .await
            }
        })
        .buffer_unordered(TRANSMISSION_LOAD_CONCURRENCY)
        .filter_map(|r| async move { r.err() })
        .collect::<Vec<_>>()
        .await;
    let elapsed = start.elapsed();
    if let Some(first) = failures.first() {
        return Err(format!("{} adds failed, the first: {first}", failures.len()).into());
    }
    Ok(elapsed)
}

pub(crate) async fn load_rtorrent(address: &str, torrents: &[Vec<u8>]) -> Result<Duration> {
    let start = Instant::now();
    for batch in torrents.chunks(RTORRENT_LOAD_BATCH) {
        let (_, reply) = raw::scgi(address, &raw::rtorrent_load_body(batch)).await?;
        if reply.windows(9).any(|w| w == b"faultCode") {
            let text = String::from_utf8_lossy(&reply);
            return Err(format!("load.raw failed: {}", &text[..text.len().min(400)]).into());
        }
    }
    // load.raw answers before the torrent is in the list: wait for all of them.
    let view_size = raw::rtorrent_call_body("view.size", &["", "main"]);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, reply) = raw::scgi(address, &view_size).await?;
        let count = raw::first_int(&reply).ok_or("view.size: no integer in the reply")?;
        if count as usize >= torrents.len() {
            return Ok(start.elapsed());
        }
        if Instant::now() > deadline {
            return Err(format!("rTorrent holds {count} of {} torrents", torrents.len()).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn named(config: &BackendConfig, name: String) -> BackendConfig {
    BackendConfig {
        name,
        ..config.clone()
    }
}

// ------------------------------------------------------------------- tm-server
