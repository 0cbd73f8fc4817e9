//! What may be stored: a .torrent within the upload limit that the bencode
//! decoder (with its limits) reads, and whose `info` hashes to the torrent's
//! hash when that is known. Blocking work: callers run it off the async
//! workers.

use super::super::{Error, Result};
use super::within_limit;

/// A .torrent ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTorrent {
    /// Lower-case hex, as the clients key the torrent.
    pub info_hash: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Checks `bytes`; with `expected`, that they are the metainfo of that
/// torrent (a client's export is not trusted to be).
pub fn checked_metainfo(bytes: Vec<u8>, expected: Option<&str>) -> Result<StoredTorrent> {
    within_limit(&bytes)?;
    let meta = tm_backends::torrent_file::parse(&bytes)
        .map_err(|e| Error::BadRequest(format!("Not a valid .torrent file: {e}")))?;
    let info_hash = meta.info_hash().to_ascii_lowercase();
    if let Some(expected) = expected
        && !expected.eq_ignore_ascii_case(&info_hash)
    {
        return Err(Error::BadRequest(format!(
            "the metainfo's info dictionary hashes to {info_hash}, not {expected}"
        )));
    }
    Ok(StoredTorrent {
        info_hash,
        name: meta.name,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use sha1::{Digest, Sha1};

    use super::*;

    fn torrent(name: &str) -> (Vec<u8>, String) {
        let info = format!(
            "d6:lengthi3e4:name{}:{name}12:piece lengthi16384e6:pieces20:{}e",
            name.len(),
            "a".repeat(20)
        );
        let hash: String = Sha1::digest(info.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let bytes = format!("d8:announce20:http://127.0.0.1:1/a4:info{info}e");
        (bytes.into_bytes(), hash)
    }

    #[test]
    fn keeps_a_torrent_whose_info_hashes_to_its_hash() {
        let (bytes, hash) = torrent("x.bin");
        let stored = checked_metainfo(bytes.clone(), Some(&hash.to_uppercase())).unwrap();
        assert_eq!(stored.info_hash, hash);
        assert_eq!(stored.name, "x.bin");
        assert_eq!(stored.bytes, bytes, "stored byte for byte");
        assert_eq!(checked_metainfo(bytes, None).unwrap().info_hash, hash);
    }

    #[test]
    fn refuses_another_torrents_metainfo_and_what_is_not_one() {
        let (bytes, _) = torrent("x.bin");
        let (_, other) = torrent("y.bin");
        assert!(matches!(
            checked_metainfo(bytes, Some(&other)),
            Err(Error::BadRequest(_))
        ));
        assert!(matches!(
            checked_metainfo(b"d4:infoi1ee".to_vec(), None),
            Err(Error::BadRequest(_))
        ));
        let nested = [vec![b'l'; 100], vec![b'e'; 100]].concat();
        assert!(
            checked_metainfo(nested, None).is_err(),
            "decoder depth limit"
        );
        let huge = vec![b'0'; super::super::super::torrent_source::MAX_TORRENT_FILE + 1];
        assert!(matches!(
            checked_metainfo(huge, None),
            Err(Error::TooLarge(_))
        ));
    }
}
