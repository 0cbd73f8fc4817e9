//! The reply decoders, reachable by the fuzz targets in `fuzz/` (feature
//! `fuzzing`). Not an API.

pub mod xmlrpc {
    pub use crate::rtorrent::xmlrpc::{Fault, Value, decode_response, decode_rows};
}

pub mod transmission_reply {
    pub use crate::transmission::reply::decode_reply;
}

pub use crate::transmission::table::TableArguments;

pub mod deluge {
    pub use crate::deluge::mapping::{
        files_from_status, peers_from_status, torrents_from_status, trackers_from_status,
    };
    pub use crate::deluge::reply::decode_reply;
}

pub mod rencode {
    pub use crate::deluge::rencode::{decode, encode};
}
