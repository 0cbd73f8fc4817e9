//! Tiny distinct single-file .torrent files, built in memory.

/// Every torrent names a tracker: rTorrent with DHT off silently drops
/// torrents without one. Nothing listens there, and nothing is started.
pub const ANNOUNCE: &str = "http://127.0.0.1:1/announce";

const PIECE_LENGTH: u64 = 16 * 1024;

/// `n` distinct .torrent files (1–4 pieces each, random-looking piece
/// hashes, distinct names), seeded so that two runs differ.
pub fn generate(n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut state = seed | 1;
    (0..n)
        .map(|i| {
            let pieces = 1 + (i % 4) as u64;
            let mut hashes = Vec::with_capacity(20 * pieces as usize);
            while hashes.len() < 20 * pieces as usize {
                // xorshift64: only needs to make the info hashes distinct.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                hashes.extend_from_slice(&state.to_le_bytes());
            }
            hashes.truncate(20 * pieces as usize);
            encode(
                &format!("bench-{i:06}.bin"),
                PIECE_LENGTH * pieces - 100,
                &hashes,
            )
        })
        .collect()
}

/// `{announce, created by, info: {length, name, piece length, pieces}}`,
/// keys in bencode's sorted order.
fn encode(name: &str, length: u64, pieces: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(200 + pieces.len());
    out.push(b'd');
    bytes(&mut out, b"announce");
    bytes(&mut out, ANNOUNCE.as_bytes());
    bytes(&mut out, b"created by");
    bytes(&mut out, b"tm-bench");
    bytes(&mut out, b"info");
    out.push(b'd');
    bytes(&mut out, b"length");
    out.extend_from_slice(format!("i{length}e").as_bytes());
    bytes(&mut out, b"name");
    bytes(&mut out, name.as_bytes());
    bytes(&mut out, b"piece length");
    out.extend_from_slice(format!("i{PIECE_LENGTH}e").as_bytes());
    bytes(&mut out, b"pieces");
    bytes(&mut out, pieces);
    out.extend_from_slice(b"ee");
    out
}

fn bytes(out: &mut Vec<u8>, value: &[u8]) {
    out.extend_from_slice(format!("{}:", value.len()).as_bytes());
    out.extend_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torrents_parse_and_are_distinct() {
        let torrents = generate(50, 42);
        let mut hashes: Vec<String> = torrents
            .iter()
            .map(|t| {
                let meta = tm_backends::torrent_file::parse(t).expect("valid torrent");
                meta.info_hash().to_owned()
            })
            .collect();
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), 50);
    }
}
