//! RSS and Atom feeds: no panic, no stack overflow; what comes out is
//! bounded and only ever an addable URI.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::feed;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = feed::parse_feed(data) {
        for entry in entries {
            assert!(!entry.guid.is_empty());
            assert!(entry.title.chars().count() <= 500);
            if let Some(uri) = entry.uri {
                let lower = uri.to_ascii_lowercase();
                assert!(
                    lower.starts_with("magnet:")
                        || lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || uri.len() == 40
                        || uri.len() == 32,
                    "{uri}"
                );
            }
        }
    }
});
