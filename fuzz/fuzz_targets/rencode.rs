//! Deluge's rencode: no panic, stack overflow or runaway allocation on any
//! input, and whatever decodes encodes to bytes that decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::rencode::{decode, encode};

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = decode(data) {
        let encoded = encode(&value).expect("a decoded value encodes");
        assert_eq!(decode(&encoded), Ok(value));
    }
});
