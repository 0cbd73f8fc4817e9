//! Bencode and .torrent parsing: no panic, and the H-5 limits hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::{bencode, torrent_file};

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = bencode::decode(data) {
        assert_eq!(value.span, 0..data.len());
    }
    if let Ok(meta) = torrent_file::parse(data) {
        assert!(meta.files.len() <= torrent_file::MAX_FILES);
        assert!(meta.trackers.len() <= torrent_file::MAX_TRACKERS);
        let path_bytes: usize = meta.files.iter().map(|f| f.path.len()).sum();
        assert!(path_bytes <= torrent_file::PATH_BYTES_PER_INPUT_BYTE * data.len() + 64 * 1024);
        assert!(meta.info_hash().len() == 40);
    }
});
