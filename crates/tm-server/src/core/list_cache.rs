//! Rendered `GET /torrents` answers, reused while none of the snapshots they
//! were built from has changed: a client polling an idle fleet costs a
//! lookup, not a sort and a 3 MB concatenation.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use bytes::Bytes;

/// Which snapshot each server was at: (server id, configuration version, revision).
pub type Sources = Vec<(String, i64, u64)>;

/// A rendered list and what it was rendered from.
#[derive(Clone)]
pub struct RenderedList {
    pub sources: Sources,
    /// The JSON array.
    pub body: Bytes,
    /// Matches before paging.
    pub total: usize,
    /// A validator for conditional requests: changes with the query or any source.
    pub etag: String,
}

impl RenderedList {
    pub fn new(query_key: &str, sources: Sources, body: Bytes, total: usize) -> Self {
        let mut hasher = DefaultHasher::new();
        query_key.hash(&mut hasher);
        sources.hash(&mut hasher);
        Self {
            etag: format!("\"{:016x}\"", hasher.finish()),
            sources,
            body,
            total,
        }
    }
}

/// Bounded: past this many (user, query) pairs the cache starts over.
const MAX_ENTRIES: usize = 256;

#[derive(Default)]
pub struct ListCache {
    entries: Mutex<HashMap<(String, String), RenderedList>>,
}

impl ListCache {
    /// The cached answer for this user and query, if its sources are current.
    pub fn get(&self, user_id: &str, query_key: &str, sources: &Sources) -> Option<RenderedList> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&(user_id.to_string(), query_key.to_string()))
            .filter(|cached| cached.sources == *sources)
            .cloned()
    }

    pub fn put(&self, user_id: &str, query_key: &str, list: RenderedList) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert((user_id.to_string(), query_key.to_string()), list);
    }
}
