//! Transmission replies, into the torrent table and into a loose JSON value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::transmission::table::TableArguments;
use tm_wire::transmission::reply::decode_reply;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(table)) = decode_reply::<TableArguments>(data)
        && let Some(torrents) = table.torrents
    {
        assert_eq!(torrents.ids.len(), torrents.torrents.len());
    }
    let _ = decode_reply::<serde_json::Value>(data);
});
