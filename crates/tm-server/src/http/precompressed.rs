//! Answers whose compressed forms are kept with them (the rendered torrent
//! list): the coding the client prefers is chosen here, and the response
//! carries `Content-Encoding`, so the compression layer leaves it alone.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

use crate::core::{Coding, Error, RenderedList};

/// Below this, compressing saves too little to be worth keeping.
const MIN_SIZE: usize = 1024;

/// The list's body for a client that sent `request` headers: a kept
/// compressed form when it accepts one (made now if this is the first
/// request for it, off the async workers), else the JSON. Sets
/// `Content-Encoding` and `Vary` in `headers`.
pub async fn body_for(
    list: &RenderedList,
    request: &HeaderMap,
    headers: &mut HeaderMap,
) -> Result<Bytes, Error> {
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let coding = match accepted_coding(request, &Coding::PREFERRED) {
        Some(coding) if list.len >= MIN_SIZE => coding,
        _ => return Ok(list.body()),
    };
    // Kept: served at once; only the first request after a change waits
    // for a blocking thread to compress.
    let compressed = match list.encoded.made(coding) {
        Some(kept) => kept,
        None => {
            let list = list.clone();
            tokio::task::spawn_blocking(move || list.encoded(coding))
                .await
                .map_err(|e| Error::Internal(format!("compressing the list: {e}")))?
        }
    };
    headers.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static(coding.token()),
    );
    Ok(compressed)
}

/// Of the `offered` codings (in order of preference), the one the client
/// ranks highest in `Accept-Encoding`; ties go to the earlier offered (for
/// the list the smaller output: zstd, then br, then gzip). `None` without one.
pub fn accepted_coding(request: &HeaderMap, offered: &[Coding]) -> Option<Coding> {
    let mut best: Option<(f32, Coding)> = None;
    for value in request.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let token = parts.next().unwrap_or_default().trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            let candidates: &[Coding] = match token.to_ascii_lowercase().as_str() {
                "*" => offered,
                "zstd" => &[Coding::Zstd],
                "br" => &[Coding::Brotli],
                "gzip" | "x-gzip" => &[Coding::Gzip],
                _ => &[],
            };
            for &coding in candidates.iter().filter(|c| offered.contains(c)) {
                let rank = |c: Coding| offered.iter().position(|p| *p == c);
                let better = match best {
                    None => true,
                    Some((q, current)) => {
                        quality > q || (quality == q && rank(coding) < rank(current))
                    }
                };
                if better {
                    best = Some((quality, coding));
                }
            }
        }
    }
    best.map(|(_, coding)| coding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> Option<Coding> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        accepted_coding(&headers, &Coding::PREFERRED)
    }

    #[test]
    fn the_clients_ranking_decides_then_the_smaller_output() {
        assert_eq!(accepting("gzip, deflate"), Some(Coding::Gzip));
        assert_eq!(accepting("gzip, deflate, br, zstd"), Some(Coding::Zstd));
        assert_eq!(accepting("gzip;q=1.0, br;q=0.8"), Some(Coding::Gzip));
        assert_eq!(accepting("br;q=0.5, gzip;q=0"), Some(Coding::Brotli));
        assert_eq!(accepting("*"), Some(Coding::Zstd));
        assert_eq!(accepting("identity"), None);
        assert_eq!(accepting("gzip;q=0"), None);
        assert_eq!(accepting("deflate"), None);
        assert_eq!(accepting(""), None);
    }

    #[test]
    fn only_an_offered_coding_is_chosen() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("zstd, br, gzip;q=0.5"),
        );
        assert_eq!(
            accepted_coding(&headers, &[Coding::Gzip]),
            Some(Coding::Gzip)
        );
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("zstd, *;q=0.1"),
        );
        assert_eq!(
            accepted_coding(&headers, &[Coding::Gzip]),
            Some(Coding::Gzip)
        );
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("zstd, br"),
        );
        assert_eq!(accepted_coding(&headers, &[Coding::Gzip]), None);
    }
}
