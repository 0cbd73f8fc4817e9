//! Reading .torrent metainfo: name, size, files, private flag, trackers and
//! the info hashes (v1 SHA-1 and v2 SHA-256 of the exact raw `info` bytes).

use std::collections::HashSet;

use sha1::{Digest, Sha1};
use sha2::Sha256;

use crate::bencode::{self, DecodeError, Spanned};

/// More files than this is refused (real torrents stay in the thousands).
pub const MAX_FILES: usize = 100_000;
/// More distinct trackers than this is refused.
pub const MAX_TRACKERS: usize = 10_000;
/// A file path with more components than this is refused.
pub const MAX_PATH_DEPTH: usize = 256;
/// All file paths together may take at most this many bytes…
pub const MAX_PATH_BYTES: usize = 64 * 1024 * 1024;
/// …and at most this many times the size of the .torrent (plus a little):
/// v2 file trees share directory names between files, so paths can be longer
/// than the input, but not by much in real torrents. Without this bound, one
/// 5 MiB directory name over 350k files asked for 1.7 TiB (H-5).
pub const PATH_BYTES_PER_INPUT_BYTE: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaInfo {
    pub name: String,
    /// Lower-case hex SHA-1 of the `info` dictionary, absent for v2-only torrents.
    pub info_hash_v1: Option<String>,
    /// Lower-case hex SHA-256 of the `info` dictionary for v2 and hybrid torrents.
    pub info_hash_v2: Option<String>,
    pub total_size: u64,
    pub files: Vec<MetaFile>,
    pub private: bool,
    /// `announce` followed by every `announce-list` URL, without duplicates.
    pub trackers: Vec<String>,
}

impl MetaInfo {
    /// The hash clients key the torrent by: v1, or the v2 hash truncated to 40
    /// hex digits (what trackers and DHT see) for v2-only torrents.
    pub fn info_hash(&self) -> &str {
        match (&self.info_hash_v1, &self.info_hash_v2) {
            (Some(v1), _) => v1,
            (None, Some(v2)) => &v2[..40],
            // `parse` always sets at least one of the two.
            (None, None) => "",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaFile {
    /// Path inside the torrent, `/`-separated (for single-file torrents: the name).
    pub path: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TorrentFileError {
    #[error("not a bencoded dictionary ({0})")]
    NotBencode(#[from] DecodeError),
    #[error("not a bencoded dictionary")]
    NotADictionary,
    #[error("missing info dictionary")]
    MissingInfo,
    #[error("info is not a dictionary")]
    InfoNotADictionary,
    #[error("info dictionary has no name")]
    MissingName,
    #[error("info dictionary lists no files (neither length, files nor file tree)")]
    MissingFiles,
    #[error("invalid file entry: {0}")]
    InvalidFile(&'static str),
    /// Over one of the limits above: hostile, or not a torrent we can handle.
    #[error("too large: {0}")]
    TooLarge(String),
}

/// The bytes all file paths of one torrent may take, given its size.
fn path_budget(input_len: usize) -> usize {
    input_len
        .saturating_mul(PATH_BYTES_PER_INPUT_BYTE)
        .saturating_add(64 * 1024)
        .min(MAX_PATH_BYTES)
}

/// Parses a .torrent file.
pub fn parse(bytes: &[u8]) -> Result<MetaInfo, TorrentFileError> {
    let root = bencode::decode(bytes)?;
    if !root.is_dict() {
        return Err(TorrentFileError::NotADictionary);
    }
    let info = root.get("info").ok_or(TorrentFileError::MissingInfo)?;
    if !info.is_dict() {
        return Err(TorrentFileError::InfoNotADictionary);
    }
    let raw_info = &bytes[info.span.clone()];

    let name = info
        .get("name.utf-8")
        .or_else(|| info.get("name"))
        .and_then(Spanned::as_text)
        .ok_or(TorrentFileError::MissingName)?;
    let is_v2 = info.get("meta version").and_then(Spanned::as_int) == Some(2);
    let has_v1_layout = info.get("length").is_some() || info.get("files").is_some();

    let mut budget = path_budget(bytes.len());
    let files = if has_v1_layout {
        v1_files(info, &name, &mut budget)?
    } else if let Some(tree) = info.get("file tree") {
        let mut walk = TreeWalk {
            path: String::new(),
            depth: 0,
            budget,
            files: Vec::new(),
        };
        walk.node(tree)?;
        walk.files
    } else {
        return Err(TorrentFileError::MissingFiles);
    };
    // A v2 file tree under a v1 layout is a hybrid torrent: hash it both ways.
    let info_hash_v1 = (has_v1_layout || !is_v2).then(|| hex(&Sha1::digest(raw_info)));
    let info_hash_v2 = is_v2.then(|| hex(&Sha256::digest(raw_info)));

    let trackers = trackers(&root)?;

    Ok(MetaInfo {
        name,
        info_hash_v1,
        info_hash_v2,
        total_size: files.iter().map(|f| f.size).sum(),
        files,
        private: info.get("private").and_then(Spanned::as_int) == Some(1),
        trackers,
    })
}

/// `announce` then every `announce-list` URL, in order, without duplicates
/// (a set: a list search made 1.7M URLs quadratic, H-5).
fn trackers(root: &Spanned<'_>) -> Result<Vec<String>, TorrentFileError> {
    let announce_list = root.get("announce-list").and_then(Spanned::as_list);
    let tier_urls = announce_list
        .into_iter()
        .flatten()
        .filter_map(Spanned::as_list)
        .flatten();
    let mut trackers = Vec::new();
    let mut seen = HashSet::new();
    for url in root.get("announce").into_iter().chain(tier_urls) {
        if let Some(url) = url.as_text()
            && !url.is_empty()
            && seen.insert(url.clone())
        {
            if trackers.len() == MAX_TRACKERS {
                return Err(TorrentFileError::TooLarge(format!(
                    "more than {MAX_TRACKERS} trackers"
                )));
            }
            trackers.push(url);
        }
    }
    Ok(trackers)
}

/// Takes `len` path bytes from `budget`.
fn spend(budget: &mut usize, len: usize) -> Result<(), TorrentFileError> {
    *budget = budget.checked_sub(len).ok_or_else(|| {
        TorrentFileError::TooLarge("file paths longer than the torrent can justify".to_owned())
    })?;
    Ok(())
}

fn too_many_files() -> TorrentFileError {
    TorrentFileError::TooLarge(format!("more than {MAX_FILES} files"))
}

fn too_deep() -> TorrentFileError {
    TorrentFileError::TooLarge(format!(
        "a file path with more than {MAX_PATH_DEPTH} components"
    ))
}

fn v1_files(
    info: &Spanned<'_>,
    name: &str,
    budget: &mut usize,
) -> Result<Vec<MetaFile>, TorrentFileError> {
    if let Some(length) = info.get("length") {
        return Ok(vec![MetaFile {
            path: name.to_owned(),
            size: file_size(length)?,
        }]);
    }
    let entries = info
        .get("files")
        .and_then(Spanned::as_list)
        .ok_or(TorrentFileError::InvalidFile("files is not a list"))?;
    if entries.len() > MAX_FILES {
        return Err(too_many_files());
    }
    entries
        .iter()
        .map(|entry| {
            let length = entry
                .get("length")
                .ok_or(TorrentFileError::InvalidFile("file without length"))?;
            let components = entry
                .get("path.utf-8")
                .or_else(|| entry.get("path"))
                .and_then(Spanned::as_list)
                .ok_or(TorrentFileError::InvalidFile("file without path list"))?;
            if components.len() > MAX_PATH_DEPTH {
                return Err(too_deep());
            }
            let parts = components
                .iter()
                .map(|c| {
                    c.as_text().ok_or(TorrentFileError::InvalidFile(
                        "path component is not a string",
                    ))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let path = parts.join("/");
            spend(budget, path.len())?;
            Ok(MetaFile {
                path,
                size: file_size(length)?,
            })
        })
        .collect()
}

/// BEP 52 file tree: nested dictionaries whose leaves are `"" => {length, pieces root}`.
struct TreeWalk {
    /// The directory being walked, `/`-separated; one buffer for the whole
    /// walk (joining a prefix per leaf was quadratic in the depth).
    path: String,
    depth: usize,
    /// Path bytes left (see `path_budget`).
    budget: usize,
    files: Vec<MetaFile>,
}

impl TreeWalk {
    fn node(&mut self, node: &Spanned<'_>) -> Result<(), TorrentFileError> {
        let bencode::Value::Dict(entries) = &node.value else {
            return Err(TorrentFileError::InvalidFile(
                "file tree node is not a dictionary",
            ));
        };
        for (key, child) in entries {
            if key.is_empty() {
                let length = child.get("length").ok_or(TorrentFileError::InvalidFile(
                    "file tree leaf without length",
                ))?;
                if self.files.len() == MAX_FILES {
                    return Err(too_many_files());
                }
                spend(&mut self.budget, self.path.len())?;
                self.files.push(MetaFile {
                    path: self.path.clone(),
                    size: file_size(length)?,
                });
            } else {
                if self.depth == MAX_PATH_DEPTH {
                    return Err(too_deep());
                }
                let parent_len = self.path.len();
                if parent_len > 0 {
                    self.path.push('/');
                }
                self.path.push_str(&String::from_utf8_lossy(key));
                self.depth += 1;
                self.node(child)?;
                self.depth -= 1;
                self.path.truncate(parent_len);
            }
        }
        Ok(())
    }
}

fn file_size(value: &Spanned<'_>) -> Result<u64, TorrentFileError> {
    value
        .as_int()
        .and_then(|n| u64::try_from(n).ok())
        .ok_or(TorrentFileError::InvalidFile(
            "length is not a non-negative integer",
        ))
}

pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha1_hex(bytes: &[u8]) -> String {
        hex(&Sha1::digest(bytes))
    }

    #[test]
    fn single_file_torrent() {
        let info = b"d6:lengthi1000e4:name5:a.bin12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaa7:privatei1ee";
        let mut torrent = b"d8:announce25:http://t.example/announce4:info".to_vec();
        torrent.extend_from_slice(info);
        torrent.push(b'e');
        let meta = parse(&torrent).unwrap();
        assert_eq!(meta.name, "a.bin");
        assert_eq!(meta.total_size, 1000);
        assert!(meta.private);
        assert_eq!(meta.trackers, vec!["http://t.example/announce"]);
        assert_eq!(meta.info_hash(), sha1_hex(info));
        assert_eq!(meta.info_hash_v2, None);
    }

    #[test]
    fn non_canonical_torrent_hashes_raw_bytes() {
        // Keys deliberately unsorted: re-encoding would produce a different hash.
        let info = b"d4:name3:dir12:piece lengthi16384e6:pieces0:5:filesld4:pathl1:b5:c.txte6:lengthi7eed6:lengthi5e4:pathl1:aeeee";
        let mut torrent = b"d4:info".to_vec();
        torrent.extend_from_slice(info);
        torrent.extend_from_slice(b"13:announce-listll5:udp:xel5:udp:x5:http:eee");
        let meta = parse(&torrent).unwrap();
        assert_eq!(meta.info_hash(), sha1_hex(info));
        assert_eq!(meta.total_size, 12);
        assert_eq!(meta.files[0].path, "b/c.txt");
        assert_eq!(meta.files[1].path, "a");
        assert_eq!(meta.trackers, vec!["udp:x", "http:"]);
    }

    #[test]
    fn v2_only_and_hybrid_torrents() {
        let tree = b"9:file treed5:x.bind0:d6:lengthi9e11:pieces root32:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbeee";
        let mut v2_info = b"d".to_vec();
        v2_info.extend_from_slice(tree);
        v2_info.extend_from_slice(b"12:meta versioni2e4:name5:x.bin12:piece lengthi16384ee");
        let torrent = [&b"d4:info"[..], &v2_info, b"e"].concat();
        let meta = parse(&torrent).unwrap();
        let v2 = hex(&Sha256::digest(&v2_info));
        assert_eq!(meta.info_hash_v1, None);
        assert_eq!(meta.info_hash_v2.as_deref(), Some(v2.as_str()));
        assert_eq!(meta.info_hash(), &v2[..40]);
        assert_eq!(
            meta.files,
            vec![MetaFile {
                path: "x.bin".into(),
                size: 9
            }]
        );

        let mut hybrid_info = b"d".to_vec();
        hybrid_info.extend_from_slice(tree);
        hybrid_info.extend_from_slice(
            b"6:lengthi9e12:meta versioni2e4:name5:x.bin12:piece lengthi16384e6:pieces0:e",
        );
        let torrent = [&b"d4:info"[..], &hybrid_info, b"e"].concat();
        let meta = parse(&torrent).unwrap();
        assert_eq!(
            meta.info_hash_v1.as_deref(),
            Some(sha1_hex(&hybrid_info).as_str())
        );
        assert_eq!(meta.info_hash_v2, Some(hex(&Sha256::digest(&hybrid_info))));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let cases: [(&[u8], &str); 5] = [
            (b"<html>", "not a bencoded dictionary"),
            (b"li1ee", "not a bencoded dictionary"),
            (b"d8:announce1:xe", "missing info dictionary"),
            (b"d4:infoi1ee", "info is not a dictionary"),
            (b"d4:infod4:name1:xee", "lists no files"),
        ];
        for (input, expected) in cases {
            let message = parse(input).unwrap_err().to_string();
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
    }

    /// `d4:info<info>…e` with `announce-list` holding `urls` (one tier each).
    fn with_trackers(urls: impl Iterator<Item = String>) -> Vec<u8> {
        let mut torrent = b"d13:announce-listl".to_vec();
        for url in urls {
            torrent.extend(format!("l{}:{url}e", url.len()).bytes());
        }
        torrent.extend(b"e4:infod6:lengthi1e4:name1:xee");
        torrent
    }

    #[test]
    fn tracker_dedup_is_linear_and_capped() {
        // 200k announce entries, 10k distinct: a list search is 10⁹ comparisons.
        let torrent = with_trackers((0..200_000).map(|i| format!("u{}", i % MAX_TRACKERS)));
        let started = std::time::Instant::now();
        let meta = parse(&torrent).unwrap();
        assert_eq!(meta.trackers.len(), MAX_TRACKERS);
        assert_eq!(meta.trackers[7], "u7");
        // 200k distinct ones: refused, not 2·10¹⁰ comparisons.
        let torrent = with_trackers((0..200_000).map(|i| format!("u{i}")));
        let err = parse(&torrent).unwrap_err();
        assert!(matches!(err, TorrentFileError::TooLarge(_)), "{err}");
        let elapsed = started.elapsed();
        assert!(elapsed < std::time::Duration::from_secs(3), "{elapsed:?}");
    }

    /// H-5's hostile v2 tree: one 5 MiB directory name over 350k leaves.
    #[test]
    fn hostile_v2_tree_stays_within_its_path_budget() {
        let mut torrent = b"d4:infod9:file treed".to_vec();
        let key = vec![b'a'; 5 * 1024 * 1024];
        torrent.extend(format!("{}:", key.len()).bytes());
        torrent.extend(&key);
        torrent.push(b'd');
        torrent.extend(b"0:d6:lengthi0ee".repeat(350_000));
        torrent.extend(b"ee12:meta versioni2e4:name1:xee");
        let started = std::time::Instant::now();
        match parse(&torrent) {
            Err(TorrentFileError::TooLarge(_)) => {}
            Ok(meta) => {
                let path_bytes: usize = meta.files.iter().map(|f| f.path.len()).sum();
                assert!(path_bytes <= PATH_BYTES_PER_INPUT_BYTE * torrent.len());
            }
            Err(other) => panic!("{other}"),
        }
        let elapsed = started.elapsed();
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
    }

    #[test]
    fn shared_v2_directories_within_the_budget_are_kept() {
        let mut torrent = b"d4:infod9:file treed3:dird".to_vec();
        for i in 0..1000 {
            let name = format!("f{i}");
            torrent.extend(format!("{}:{name}d0:d6:lengthi1eee", name.len()).bytes());
        }
        torrent.extend(b"ee12:meta versioni2e4:name1:xee");
        let meta = parse(&torrent).unwrap();
        assert_eq!(meta.files.len(), 1000);
        assert_eq!(meta.files[999].path, "dir/f999");
        assert_eq!(meta.total_size, 1000);
    }

    #[test]
    fn too_many_files_or_components_are_refused() {
        let mut torrent = b"d4:infod4:name1:x5:filesl".to_vec();
        torrent.extend(b"d6:lengthi1e4:pathl1:aee".repeat(MAX_FILES + 1));
        torrent.extend(b"eee");
        let err = parse(&torrent).unwrap_err();
        assert!(err.to_string().contains("files"), "{err}");

        let mut torrent = b"d4:infod4:name1:x5:filesld6:lengthi1e4:pathl".to_vec();
        torrent.extend(b"1:a".repeat(MAX_PATH_DEPTH + 1));
        torrent.extend(b"eeeee");
        let err = parse(&torrent).unwrap_err();
        assert!(err.to_string().contains("components"), "{err}");
    }
}
