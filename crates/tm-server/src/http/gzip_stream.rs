//! Long-lived streams (`GET /events`) compressed as they go: gzip with a
//! sync flush after every chunk, so the client decodes each event the moment
//! it arrives. The `reset` that opens a stream carries every torrent of the
//! caller (6.7 MB for 10,000); deltas then share the stream's window and
//! shrink too. Only gzip: its state is a few hundred KB per open stream,
//! where zstd's and brotli's windows would cost megabytes each.

use std::io::Write as _;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use flate2::Compression;
use flate2::write::GzEncoder;
use futures::{StreamExt, TryStreamExt};

/// Level 1: the reset is compressed once per stream, while a browser waits.
const LEVEL: u32 = 1;
/// Chunks at least this large are compressed on a blocking thread.
const BLOCKING_CHUNK: usize = 64 * 1024;

/// `response` with its body gzip-compressed as it streams.
pub fn compress(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts.headers.remove(header::CONTENT_LENGTH);
    let chunks = body.into_data_stream().map_err(std::io::Error::other);
    let encoder = GzEncoder::new(Vec::new(), Compression::new(LEVEL));
    let stream = futures::stream::unfold(Some((chunks, encoder)), |state| async move {
        let (mut chunks, encoder) = state?;
        Some(match chunks.next().await {
            Some(Ok(chunk)) => match compress_chunk(encoder, chunk).await {
                Ok((encoder, out)) => (Ok(out), Some((chunks, encoder))),
                Err(error) => (Err(error), None),
            },
            Some(Err(error)) => (Err(error), None),
            // The end: the gzip trailer.
            None => (encoder.finish().map(Bytes::from), None),
        })
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

async fn compress_chunk(
    mut encoder: GzEncoder<Vec<u8>>,
    chunk: Bytes,
) -> std::io::Result<(GzEncoder<Vec<u8>>, Bytes)> {
    if chunk.len() < BLOCKING_CHUNK {
        let out = flush(&mut encoder, &chunk)?;
        return Ok((encoder, out));
    }
    tokio::task::spawn_blocking(move || {
        let out = flush(&mut encoder, &chunk)?;
        Ok((encoder, out))
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Compresses `chunk` and flushes (a sync flush: everything so far can be
/// decoded), returning the bytes to send.
fn flush(encoder: &mut GzEncoder<Vec<u8>>, chunk: &[u8]) -> std::io::Result<Bytes> {
    encoder.write_all(chunk)?;
    encoder.flush()?;
    Ok(Bytes::from(std::mem::take(encoder.get_mut())))
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[tokio::test]
    async fn every_chunk_decodes_as_soon_as_it_is_sent() {
        let (mut sender, receiver) = futures::channel::mpsc::channel::<std::io::Result<Bytes>>(4);
        let response = compress(Response::new(Body::from_stream(receiver)));
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
        let mut body = response.into_body().into_data_stream();
        let big = "x".repeat(200_000);
        let mut sent = Vec::new();
        let mut received = Vec::new();
        for event in [
            "event: reset\ndata: {}\n\n",
            big.as_str(),
            ": keep-alive\n\n",
        ] {
            futures::SinkExt::send(&mut sender, Ok(Bytes::from(event.to_owned())))
                .await
                .unwrap();
            received.extend_from_slice(&body.next().await.unwrap().unwrap());
            sent.extend_from_slice(event.as_bytes());
            // What arrived so far decodes to everything sent so far.
            let mut decoded = Vec::new();
            let mut decoder = flate2::read::GzDecoder::new(&received[..]);
            let _ = decoder.read_to_end(&mut decoded);
            assert_eq!(decoded, sent);
        }
        drop(sender);
        received.extend_from_slice(&body.next().await.unwrap().unwrap());
        assert!(body.next().await.is_none());
        let mut whole = Vec::new();
        flate2::read::GzDecoder::new(&received[..])
            .read_to_end(&mut whole)
            .unwrap();
        assert_eq!(whole, sent);
        assert!(received.len() < sent.len() / 10);
    }
}
