//! GETs of URLs users give (.torrent files, RSS feeds): the egress policy
//! applies to the URL and to every redirect hop, after DNS resolution; the
//! answer has a timeout and a size cap counted while it streams; failures
//! are named without echoing a byte of the far side.

use std::time::Duration;

use futures::StreamExt;
use tm_backends::TargetPolicy;

use super::targets::{forbidden_target, refusal_in};
use super::{Error, Result};

/// Redirect hops followed.
const MAX_REDIRECTS: usize = 5;

/// "Could not fetch {url}: {reason}", as a 400.
pub(super) fn fetch_failed(url: &str, reason: impl std::fmt::Display) -> Error {
    Error::BadRequest(format!("Could not fetch {url}: {reason}"))
}

/// A client for one GET of `url` under `policy`, and the URL parsed; a
/// host the policy refuses outright fails here, before any lookup.
pub(super) fn client_for(
    url: &str,
    policy: &TargetPolicy,
    timeout: Duration,
) -> Result<(reqwest::Client, url::Url)> {
    let parsed =
        url::Url::parse(url).map_err(|e| fetch_failed(url, format!("not a valid URL ({e})")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| fetch_failed(url, "the URL has no host"))?;
    policy.check_host_literal(host).map_err(forbidden_target)?;
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .dns_resolver(policy.resolver())
        .redirect(policy.redirects(MAX_REDIRECTS))
        .build()
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok((client, parsed))
}

/// The whole body, refused as soon as it passes `cap` bytes (announced or
/// counted).
pub(super) async fn read_capped(
    url: &str,
    response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>> {
    let too_large = || fetch_failed(url, format!("larger than {} MiB", cap / (1024 * 1024)));
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| fetch_error(url, &e))?;
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Names the cause of a failed fetch: a refused target, a timeout, a
/// refused connection, TLS — never text from the far side.
pub(super) fn fetch_error(url: &str, error: &reqwest::Error) -> Error {
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
    fetch_failed(url, reason)
}

/// The HTTP status a fetch failed with, as [`http_status_failure`] words it.
pub(super) fn failed_status(error: &Error) -> Option<u16> {
    let Error::BadRequest(message) = error else {
        return None;
    };
    let (_, rest) = message.rsplit_once(": HTTP ")?;
    rest.get(..3)?.parse().ok()
}

/// The error of an answer that is not a success.
pub(super) fn http_status_failure(url: &str, status: reqwest::StatusCode) -> Error {
    fetch_failed(url, format!("HTTP {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_of_a_failed_fetch_is_read_back() {
        let error = http_status_failure("http://x/a.torrent", reqwest::StatusCode::NOT_FOUND);
        assert_eq!(failed_status(&error), Some(404));
        assert_eq!(
            failed_status(&fetch_failed("http://x/", "could not connect")),
            None
        );
        assert_eq!(failed_status(&Error::Invalid("HTTP 404".into())), None);
    }
}
