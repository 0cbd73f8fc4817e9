//! Tiny .torrent files with real data, built with a minimal bencode encoder.

use std::io;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

const PIECE_LENGTH: usize = 16 * 1024;

/// A bencode value to encode (dictionary keys are sorted on output).
enum Bencode {
    Int(i64),
    Bytes(Vec<u8>),
    List(Vec<Bencode>),
    Dict(Vec<(&'static str, Bencode)>),
}

impl Bencode {
    fn text(s: &str) -> Self {
        Bencode::Bytes(s.as_bytes().to_vec())
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Bencode::Int(i) => out.extend_from_slice(format!("i{i}e").as_bytes()),
            Bencode::Bytes(b) => {
                out.extend_from_slice(format!("{}:", b.len()).as_bytes());
                out.extend_from_slice(b);
            }
            Bencode::List(items) => {
                out.push(b'l');
                items.iter().for_each(|item| item.encode(out));
                out.push(b'e');
            }
            Bencode::Dict(entries) => {
                let mut sorted: Vec<_> = entries.iter().collect();
                sorted.sort_by_key(|(key, _)| *key);
                out.push(b'd');
                for (key, value) in sorted {
                    Bencode::text(key).encode(out);
                    value.encode(out);
                }
                out.push(b'e');
            }
        }
    }
}

/// A .torrent made by the test, with its data written to disk.
#[derive(Debug, Clone)]
pub struct TestTorrent {
    pub name: String,
    /// The .torrent file.
    pub bytes: Vec<u8>,
    /// Lower-case hex v1 info hash.
    pub info_hash: String,
    /// The data: the file (single-file) or the folder (multi-file).
    pub data_path: PathBuf,
    pub total_size: u64,
    /// The encoded `info` dictionary (the hash does not depend on trackers).
    info: Vec<u8>,
}

impl TestTorrent {
    /// Writes `dir/name` (`size` pseudo-random bytes, distinct per name) and
    /// builds its single-file torrent.
    pub fn single_file(
        dir: &Path,
        name: &str,
        size: usize,
        announce: Option<&str>,
    ) -> io::Result<Self> {
        let data = pseudo_random(name, size);
        let data_path = dir.join(name);
        std::fs::write(&data_path, &data)?;
        let info = vec![
            ("length", Bencode::Int(size as i64)),
            ("name", Bencode::text(name)),
            ("piece length", Bencode::Int(PIECE_LENGTH as i64)),
            ("pieces", Bencode::Bytes(piece_hashes(&data))),
        ];
        Ok(Self::build(name, info, announce, data_path, size as u64))
    }

    /// Writes the folder `dir/name` with `files` (relative path, size) and
    /// builds its multi-file torrent.
    pub fn multi_file(
        dir: &Path,
        name: &str,
        files: &[(&str, usize)],
        announce: Option<&str>,
    ) -> io::Result<Self> {
        let data_path = dir.join(name);
        let mut all = Vec::new();
        let mut entries = Vec::new();
        for (path, size) in files {
            let data = pseudo_random(&format!("{name}/{path}"), *size);
            let file_path = data_path.join(path);
            if let Some(parent) = file_path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&file_path, &data)?;
            all.extend_from_slice(&data);
            entries.push(Bencode::Dict(vec![
                ("length", Bencode::Int(*size as i64)),
                (
                    "path",
                    Bencode::List(path.split('/').map(Bencode::text).collect()),
                ),
            ]));
        }
        let info = vec![
            ("files", Bencode::List(entries)),
            ("name", Bencode::text(name)),
            ("piece length", Bencode::Int(PIECE_LENGTH as i64)),
            ("pieces", Bencode::Bytes(piece_hashes(&all))),
        ];
        let total = all.len() as u64;
        Ok(Self::build(name, info, announce, data_path, total))
    }

    fn build(
        name: &str,
        info: Vec<(&'static str, Bencode)>,
        announce: Option<&str>,
        data_path: PathBuf,
        total_size: u64,
    ) -> Self {
        let mut info_bytes = Vec::new();
        Bencode::Dict(info).encode(&mut info_bytes);
        let info_hash = data_encoding::HEXLOWER.encode(&Sha1::digest(&info_bytes));
        Self {
            name: name.to_owned(),
            bytes: metainfo(&info_bytes, announce),
            info_hash,
            data_path,
            total_size,
            info: info_bytes,
        }
    }

    /// The same torrent (same data and info hash) announcing to `url`.
    pub fn with_tracker(&self, url: &str) -> Self {
        Self {
            bytes: metainfo(&self.info, Some(url)),
            ..self.clone()
        }
    }

    /// The same data as another torrent, the way a private tracker re-issues
    /// it: a `source` tag in the info dictionary gives a new info hash, and
    /// it announces to `announce`.
    pub fn with_source(&self, source: &str, announce: Option<&str>) -> Self {
        // "source" sorts after every other key of the info dictionary, so it
        // goes last, before the dictionary's closing 'e'.
        let mut info = self.info[..self.info.len() - 1].to_vec();
        Bencode::text("source").encode(&mut info);
        Bencode::text(source).encode(&mut info);
        info.push(b'e');
        Self {
            bytes: metainfo(&info, announce),
            info_hash: data_encoding::HEXLOWER.encode(&Sha1::digest(&info)),
            info,
            ..self.clone()
        }
    }

    /// A magnet link for this torrent.
    pub fn magnet(&self, tracker: Option<&str>) -> String {
        let mut link = format!("magnet:?xt=urn:btih:{}&dn={}", self.info_hash, self.name);
        if let Some(url) = tracker {
            let encoded: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
            link.push_str("&tr=");
            link.push_str(&encoded);
        }
        link
    }
}

/// `{announce, info}` around an encoded info dictionary.
fn metainfo(info: &[u8], announce: Option<&str>) -> Vec<u8> {
    let mut bytes = b"d".to_vec();
    if let Some(url) = announce {
        Bencode::text("announce").encode(&mut bytes);
        Bencode::text(url).encode(&mut bytes);
    }
    Bencode::text("info").encode(&mut bytes);
    bytes.extend_from_slice(info);
    bytes.push(b'e');
    bytes
}

fn piece_hashes(data: &[u8]) -> Vec<u8> {
    data.chunks(PIECE_LENGTH)
        .flat_map(|piece| Sha1::digest(piece).to_vec())
        .collect()
}

/// Deterministic bytes seeded by `seed` (xorshift), so names give distinct hashes.
fn pseudo_random(seed: &str, size: usize) -> Vec<u8> {
    let mut state = seed.bytes().fold(0x9E37_79B9_7F4A_7C15_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    }) | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}
