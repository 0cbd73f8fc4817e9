//! Magnet links and bare info hashes: no panic, well-formed hashes out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::magnet;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(link) = magnet::parse_magnet(text) {
        assert_eq!(link.info_hash().len(), 40);
        assert!(link.trackers.len() <= magnet::MAX_VALUES);
    }
    if let Ok(hash) = magnet::parse_info_hash(text) {
        assert_eq!(hash.len(), 40);
    }
});
