//! The reply decoders, compiled once more as public modules for the fuzz
//! targets in `fuzz/` (feature `fuzzing`). Not an API: the adapters keep
//! their own private copies.
// Loading the files twice is the point: the adapters' modules stay private.
#![allow(dead_code, unreachable_pub, clippy::duplicate_mod)]

#[path = "rtorrent/xmlrpc.rs"]
pub mod xmlrpc;

#[path = "transmission/reply.rs"]
pub mod transmission_reply;

pub use crate::transmission::mapping::TableArguments;
