//! Where a new torrent comes from: a magnet link, a bare info hash, the
//! .torrent at a URL (fetched under the egress policy) or uploaded bytes.

use std::time::Duration;

use futures::StreamExt;
use tm_backends::torrent_file::MetaInfo;
use tm_backends::{TargetPolicy, TorrentSource};

use super::targets::{forbidden_target, refusal_in};
use super::{Core, Error, Result, User};

/// Largest .torrent accepted, uploaded or fetched from a URL.
pub const MAX_TORRENT_FILE: usize = 10 * 1024 * 1024;
const URL_FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// Redirect hops followed when fetching a .torrent.
const MAX_REDIRECTS: usize = 5;

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

/// Downloads a .torrent with a size limit and a timeout, and checks it is one.
/// The egress policy applies to the URL and to every redirect hop, after
/// DNS resolution; no byte of the answer is echoed in errors.
pub(super) async fn fetch_torrent(url: &str, policy: TargetPolicy) -> Result<Vec<u8>> {
    let failed = |reason: String| Error::BadRequest(format!("Could not fetch {url}: {reason}"));
    let parsed = url::Url::parse(url).map_err(|e| failed(format!("not a valid URL ({e})")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| failed("the URL has no host".into()))?;
    policy.check_host_literal(host).map_err(forbidden_target)?;
    let client = reqwest::Client::builder()
        .timeout(URL_FETCH_TIMEOUT)
        .dns_resolver(policy.resolver())
        .redirect(policy.redirects(MAX_REDIRECTS))
        .build()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let response = client
        .get(parsed)
        .send()
        .await
        .map_err(|e| fetch_error(url, &e))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_TORRENT_FILE as u64)
    {
        return Err(failed("larger than 10 MiB".into()));
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| fetch_error(url, &e))?;
        if body.len() + chunk.len() > MAX_TORRENT_FILE {
            return Err(failed("larger than 10 MiB".into()));
        }
        body.extend_from_slice(&chunk);
    }
    match parse_torrent(body).await {
        Ok((_, body)) => Ok(body),
        Err(Error::BadRequest(reason)) => Err(failed(format!("not a .torrent file ({reason})"))),
        Err(other) => Err(other),
    }
}

/// Names the cause of a failed fetch: a refused target, a timeout, a
/// refused connection, TLS — never text from the far side.
fn fetch_error(url: &str, error: &reqwest::Error) -> Error {
    if let Some(refusal) = refusal_in(error) {
        return forbidden_target(refusal);
    }
    let reason = if error.is_timeout() {
        "no answer in time"
    } else if error.is_redirect() {
        "too many redirects"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the download broke off"
    } else {
        "the request failed"
    };
    Error::BadRequest(format!("Could not fetch {url}: {reason}"))
}
