//! A body's compressed forms, each made once and kept with it: a large
//! torrent list polled by many clients is compressed once per change, not
//! once per request.

use std::io::Write;
use std::sync::OnceLock;

use bytes::Bytes;

/// The content codings kept, in the order they are preferred.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Zstd,
    Brotli,
    Gzip,
}

impl Coding {
    pub const PREFERRED: [Coding; 3] = [Coding::Zstd, Coding::Brotli, Coding::Gzip];

    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Zstd => "zstd",
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }
}

/// Levels that compress a few MB of JSON in tens of milliseconds: the
/// result is reused, but the first request after a change waits for it.
const GZIP_LEVEL: u32 = 6;
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW: u32 = 22;
const ZSTD_LEVEL: i32 = 3;

#[derive(Default)]
pub struct EncodedBody {
    zstd: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl EncodedBody {
    /// The body (made by `body` when needed) in `coding`, compressed on
    /// first use. Blocking: call it off the async workers (or try `made`
    /// first).
    pub fn get(&self, coding: Coding, body: impl FnOnce() -> Bytes) -> Bytes {
        self.slot(coding)
            .get_or_init(|| compress(coding, &body()))
            .clone()
    }

    /// The compressed form if it was already made: no blocking.
    pub fn made(&self, coding: Coding) -> Option<Bytes> {
        self.slot(coding).get().cloned()
    }

    fn slot(&self, coding: Coding) -> &OnceLock<Bytes> {
        match coding {
            Coding::Zstd => &self.zstd,
            Coding::Brotli => &self.brotli,
            Coding::Gzip => &self.gzip,
        }
    }
}

fn compress(coding: Coding, body: &[u8]) -> Bytes {
    // Writing into a Vec cannot fail.
    let mut out = Vec::with_capacity(body.len() / 8);
    match coding {
        Coding::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(&mut out, flate2::Compression::new(GZIP_LEVEL));
            let _ = encoder.write_all(body);
            let _ = encoder.finish();
        }
        Coding::Brotli => {
            let mut encoder =
                brotli::CompressorWriter::new(&mut out, 64 * 1024, BROTLI_QUALITY, BROTLI_WINDOW);
            let _ = encoder.write_all(body);
            let _ = encoder.flush();
        }
        Coding::Zstd => {
            if let Ok(compressed) = zstd::bulk::compress(body, ZSTD_LEVEL) {
                out = compressed;
            }
        }
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn sample() -> Vec<u8> {
        (0..5000)
            .map(|n| format!("{{\"name\":\"torrent {n}\",\"progress\":0.5}},"))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn each_coding_round_trips_and_is_made_once() {
        let body = sample();
        let encoded = EncodedBody::default();
        for coding in Coding::PREFERRED {
            let first = encoded.get(coding, || Bytes::from(body.clone()));
            assert!(first.len() < body.len() / 4, "{coding:?} compresses");
            let mut decoded = Vec::new();
            match coding {
                Coding::Gzip => {
                    flate2::read::GzDecoder::new(&first[..])
                        .read_to_end(&mut decoded)
                        .unwrap();
                }
                Coding::Brotli => {
                    brotli::Decompressor::new(&first[..], 4096)
                        .read_to_end(&mut decoded)
                        .unwrap();
                }
                Coding::Zstd => decoded = zstd::decode_all(&first[..]).unwrap(),
            }
            assert_eq!(decoded, body, "{coding:?}");
            // The same allocation again: kept, not compressed anew.
            let again = encoded.get(coding, || unreachable!("made once"));
            assert_eq!(again.as_ptr(), first.as_ptr());
            assert_eq!(encoded.made(coding).unwrap().as_ptr(), first.as_ptr());
        }
    }
}
