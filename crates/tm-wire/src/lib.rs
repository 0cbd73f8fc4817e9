//! What torrent clients (and feeds, and web servers) send, decoded, and the
//! normalised [`model`] it maps to. Everything here is a pure function of
//! bytes or values: no I/O, no runtime. The adapters in `tm-backends` move
//! the bytes; the fuzz targets in `fuzz/` exercise every decoder of
//! untrusted bytes here, each with its size and depth limits. No unsafe
//! code, so the fuzz targets run without a sanitizer (see `scripts/fuzz`).

#![forbid(unsafe_code)]

pub mod bencode;
pub mod dir_listing;
pub mod feed;
pub mod magnet;
pub mod model;
pub mod rencode;
pub mod torrent_file;
pub mod tracker_health;
pub mod xmlrpc;

/// Transmission's replies: the JSON envelope and the torrent table.
pub mod transmission {
    pub mod mapping;
    pub mod reply;
    pub mod table;
}

/// Deluge's replies: the JSON-RPC envelope and the status dictionaries.
pub mod deluge {
    pub mod mapping;
    pub mod reply;
}

/// Replies (after decompression) larger than this are refused, over HTTP and
/// SCGI alike: a 5,000-torrent rTorrent list is ~4 MB, so this leaves room
/// for very large lists while a gzip bomb or an endless body stops here (H-6).
pub const MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;
