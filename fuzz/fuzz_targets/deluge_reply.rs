//! deluge-web replies, and the status dictionaries they carry: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::deluge::mapping::{
    files_from_status, peers_from_status, torrents_from_status, trackers_from_status,
};
use tm_wire::deluge::reply::decode_reply;

fuzz_target!(|data: &[u8]| {
    let Ok(result) = decode_reply(data) else {
        return;
    };
    if let Ok(torrents) = torrents_from_status(&result) {
        assert!(torrents.iter().all(|t| (0.0..=100.0).contains(&t.progress)));
    }
    let _ = files_from_status(&result);
    let _ = peers_from_status(&result);
    let _ = trackers_from_status(&result);
});
