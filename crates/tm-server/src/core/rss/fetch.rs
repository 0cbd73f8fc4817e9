//! Fetching a feed: under the egress policy (as every outbound request),
//! conditional on the validators of the last answer, size-capped while it
//! streams, with a timeout.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use tm_backends::TargetPolicy;
use tm_backends::feed::MAX_FEED_BYTES;

use crate::core::Result;
use crate::core::egress_fetch::{client_for, fetch_error, http_status_failure, read_capped};

const FEED_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest validator kept (they are echoed back in the next request).
const MAX_VALIDATOR_LEN: usize = 512;

/// What a fetch brought.
pub enum Fetched {
    /// 304: the feed is as it was.
    NotModified,
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// GETs the feed, sending `If-None-Match` / `If-Modified-Since` when the
/// last answer had an ETag / Last-Modified.
pub async fn fetch_feed(
    url: &str,
    policy: &TargetPolicy,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> Result<Fetched> {
    let (client, parsed) = client_for(url, policy, FEED_TIMEOUT)?;
    let mut request = client.get(parsed).header(
        reqwest::header::ACCEPT,
        "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    );
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(last_modified) = last_modified {
        request = request.header(IF_MODIFIED_SINCE, last_modified);
    }
    let response = request.send().await.map_err(|e| fetch_error(url, &e))?;
    if response.status() == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !response.status().is_success() {
        return Err(http_status_failure(url, response.status()));
    }
    let validator = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.len() <= MAX_VALIDATOR_LEN)
            .map(str::to_string)
    };
    let (etag, last_modified) = (validator(ETAG), validator(LAST_MODIFIED));
    let bytes = read_capped(url, response, MAX_FEED_BYTES).await?;
    Ok(Fetched::Body {
        bytes,
        etag,
        last_modified,
    })
}
