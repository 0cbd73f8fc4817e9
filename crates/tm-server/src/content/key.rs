//! A torrent's content as one comparable value: the digest of its file list.

use tm_backends::TorrentFile;

/// What identifies a torrent's content, whatever its name or trackers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentKey {
    /// Hex SHA-256 of the sorted `(path, size)` list.
    pub digest: String,
    pub file_count: usize,
    pub size: u64,
}

impl ContentKey {
    /// The key of a file list (paths below the torrent's top folder, as
    /// every adapter gives them; a single file is its name); `None` for an
    /// empty list (no metadata yet).
    pub fn of(files: &[TorrentFile]) -> Option<ContentKey> {
        if files.is_empty() {
            return None;
        }
        let mut entries: Vec<(&str, u64)> =
            files.iter().map(|f| (f.path.as_str(), f.size)).collect();
        entries.sort_unstable();
        // Length-prefixed, so no path can imitate a separator.
        let mut canonical = Vec::new();
        for (path, size) in &entries {
            canonical.extend_from_slice(&(path.len() as u64).to_be_bytes());
            canonical.extend_from_slice(path.as_bytes());
            canonical.extend_from_slice(&size.to_be_bytes());
        }
        use sha2::Digest;
        Some(ContentKey {
            digest: crate::crypto::hex(&sha2::Sha256::digest(&canonical)),
            file_count: entries.len(),
            size: entries
                .iter()
                .map(|(_, size)| *size)
                .fold(0, u64::saturating_add),
        })
    }
}

/// Whether the client knows the torrent's files (a magnet does not until
/// its metadata arrived).
pub fn has_metadata(is_magnet: bool, size: u64) -> bool {
    !is_magnet && size > 0
}

#[cfg(test)]
mod tests {
    use tm_backends::{FilePriority, TorrentFile};

    use super::ContentKey;

    fn file(path: &str, size: u64) -> TorrentFile {
        TorrentFile {
            index: 0,
            path: path.into(),
            size,
            progress: 0.0,
            priority: FilePriority::Normal,
        }
    }

    #[test]
    fn equal_lists_in_any_order_have_one_key() {
        let a = ContentKey::of(&[file("e01.mkv", 10), file("sub/e01.srt", 2)]).unwrap();
        let b = ContentKey::of(&[file("sub/e01.srt", 2), file("e01.mkv", 10)]).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.file_count, a.size), (2, 12));
        assert_eq!(a.digest.len(), 64);
    }

    #[test]
    fn a_different_size_path_or_file_changes_the_key() {
        let base = ContentKey::of(&[file("a.bin", 10)]).unwrap();
        assert_ne!(base, ContentKey::of(&[file("a.bin", 11)]).unwrap());
        assert_ne!(base, ContentKey::of(&[file("b.bin", 10)]).unwrap());
        assert_ne!(
            base,
            ContentKey::of(&[file("a.bin", 10), file("b.bin", 0)]).unwrap()
        );
        assert_eq!(ContentKey::of(&[]), None);
    }
}
