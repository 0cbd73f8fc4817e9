//! Web servers' directory listings: no panic, only plain names out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::dir_listing;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(entries) = dir_listing::parse(text) {
        assert!(entries.len() <= dir_listing::MAX_ENTRIES);
        for entry in entries {
            assert!(!entry.name.is_empty() && entry.name != "." && entry.name != "..");
            assert!(!entry.name.contains(['/', '\\', '\0']));
        }
    }
});
