//! Deluge. For now only the daemon's own RPC transport; the adapter joins it.

// Until the adapter calls it, only tests and fuzz targets use the transport.
#[allow(dead_code)]
pub(crate) mod native;
pub(crate) mod rencode;

#[cfg(feature = "testkit")]
pub use native::DelugeNative;
