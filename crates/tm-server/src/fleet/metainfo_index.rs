//! Which torrents' metainfo the store holds, in memory: lists say
//! `has_metainfo` for thousands of torrents without asking the database.

use std::collections::HashSet;
use std::sync::{RwLock, RwLockReadGuard};

/// The stored info hashes (lower-case hex). Loaded once at start, then
/// added to as files are stored; nothing is ever removed from the store.
#[derive(Debug, Default)]
pub struct MetainfoIndex {
    hashes: RwLock<HashSet<String>>,
}

impl MetainfoIndex {
    /// Adds the hashes now stored.
    pub fn extend(&self, hashes: impl IntoIterator<Item = String>) {
        self.hashes
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(hashes);
    }

    /// The set, for many lookups under one lock.
    pub fn read(&self) -> RwLockReadGuard<'_, HashSet<String>> {
        self.hashes.read().unwrap_or_else(|e| e.into_inner())
    }
}
