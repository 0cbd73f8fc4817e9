//! Where a new torrent comes from: a magnet link, a bare info hash, the
//! .torrent at a URL (fetched under the egress policy) or uploaded bytes.

use std::time::Duration;

use tm_backends::torrent_file::MetaInfo;
use tm_backends::{TargetPolicy, TorrentSource};

use super::egress_fetch::{
    client_for, fetch_error, fetch_failed, http_status_failure, read_capped,
};
use super::{Core, Error, Result, User};

/// Largest .torrent accepted, uploaded or fetched from a URL.
pub const MAX_TORRENT_FILE: usize = 10 * 1024 * 1024;
const URL_FETCH_TIMEOUT: Duration = Duration::from_secs(30);

impl Core {
    /// What the user typed, as a source to add and the URI as understood.
    pub(super) async fn resolve_uri(
        &self,
        user: &User,
        uri: &str,
    ) -> Result<(TorrentSource, String)> {
        let uri = uri.trim();
        let lower = uri.to_ascii_lowercase();
        if lower.starts_with("magnet:") {
            tm_backends::magnet::parse_magnet(uri)
                .map_err(|e| Error::BadRequest(format!("Invalid magnet link: {e}")))?;
            return Ok((TorrentSource::Magnet(uri.to_string()), uri.to_string()));
        }
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let bytes = fetch_torrent(uri, self.target_policy_of(&user.id).await?).await?;
            return Ok((TorrentSource::File(bytes), uri.to_string()));
        }
        if let Ok(hash) = tm_backends::magnet::parse_info_hash(uri) {
            let magnet = format!("magnet:?xt=urn:btih:{hash}");
            return Ok((TorrentSource::Magnet(magnet.clone()), magnet));
        }
        Err(Error::BadRequest(
            "Input must be a magnet link, an info hash (40 hex or 32 base32 characters) or an http(s) URL of a .torrent file".into(),
        ))
    }
}

/// Parses a .torrent off the async workers (a hostile file must not stall
/// them), mapping errors to a 400 that says what is wrong. Gives the bytes
/// back with what they say.
pub(super) async fn parse_torrent(bytes: Vec<u8>) -> Result<(MetaInfo, Vec<u8>)> {
    if bytes.len() > MAX_TORRENT_FILE {
        return Err(Error::TooLarge(format!(
            "a .torrent file may be at most {} MiB",
            MAX_TORRENT_FILE / (1024 * 1024)
        )));
    }
    tokio::task::spawn_blocking(move || {
        tm_backends::torrent_file::parse(&bytes)
            .map(|meta| (meta, bytes))
            .map_err(|e| Error::BadRequest(format!("Not a valid .torrent file: {e}")))
    })
    .await?
}

/// Downloads a .torrent under the egress policy with a size limit and a
/// timeout, and checks it is one.
pub(super) async fn fetch_torrent(url: &str, policy: TargetPolicy) -> Result<Vec<u8>> {
    let (client, parsed) = client_for(url, &policy, URL_FETCH_TIMEOUT)?;
    let response = client
        .get(parsed)
        .send()
        .await
        .map_err(|e| fetch_error(url, &e))?;
    if !response.status().is_success() {
        return Err(http_status_failure(url, response.status()));
    }
    let body = read_capped(url, response, MAX_TORRENT_FILE).await?;
    match parse_torrent(body).await {
        Ok((_, body)) => Ok(body),
        Err(Error::BadRequest(reason)) => {
            Err(fetch_failed(url, format!("not a .torrent file ({reason})")))
        }
        Err(other) => Err(other),
    }
}
