//! Rendered `GET /torrents` answers, reused while none of the snapshots they
//! were built from has changed: a client polling an idle fleet costs a
//! lookup, not a filter and a sort, and a compressed answer is compressed
//! once per change.
//!
//! The plain JSON is not kept: it is as large as the torrents' serialized
//! forms, which the snapshots hold already (4 MB for 5,000 torrents), and
//! concatenating them again costs about a millisecond. What is kept is the
//! page (shared views, 8 bytes a torrent) and its compressed forms.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use super::encoded_body::EncodedBody;
use crate::fleet::{TorrentView, json_array};

/// Which snapshot each server was at: (server id, configuration version, revision).
pub type Sources = Vec<(String, i64, u64)>;

/// A rendered list and what it was rendered from.
#[derive(Clone)]
pub struct RenderedList {
    pub sources: Sources,
    /// The page's torrents, in order.
    pub torrents: Arc<[Arc<TorrentView>]>,
    /// The length of the JSON array.
    pub len: usize,
    /// Matches before paging.
    pub total: usize,
    /// A validator for conditional requests: changes with the query or any source.
    pub etag: String,
    /// The body's compressed forms, made on demand and shared by every
    /// clone of this entry.
    pub encoded: Arc<EncodedBody>,
}

impl RenderedList {
    pub fn new(
        query_key: &str,
        sources: Sources,
        torrents: Vec<Arc<TorrentView>>,
        total: usize,
    ) -> Self {
        let mut hasher = DefaultHasher::new();
        query_key.hash(&mut hasher);
        sources.hash(&mut hasher);
        Self {
            etag: format!("\"{:016x}\"", hasher.finish()),
            sources,
            len: 2 + torrents.iter().map(|v| v.json_len() + 1).sum::<usize>(),
            torrents: torrents.into(),
            total,
            encoded: Arc::default(),
        }
    }

    /// The JSON array, concatenated anew.
    pub fn body(&self) -> Bytes {
        json_array(self.torrents.iter()).into()
    }

    /// The body in `coding`: kept, or compressed now. Blocking (see
    /// `EncodedBody::get`).
    pub fn encoded(&self, coding: super::Coding) -> Bytes {
        self.encoded.get(coding, || self.body())
    }
}

/// Bounded in entries and bytes, in total and per user, so that one user
/// asking for many different pages cannot pin memory for everyone. The
/// bytes counted are the JSON bodies' (their views are mostly shared with
/// the snapshots); their compressed forms add a fifth at most.
const MAX_ENTRIES: usize = 256;
const MAX_ENTRIES_PER_USER: usize = 16;
const MAX_BYTES: usize = 256 * 1024 * 1024;
const MAX_BYTES_PER_USER: usize = 64 * 1024 * 1024;

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
        if list.len > MAX_BYTES_PER_USER {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = (user_id.to_string(), query_key.to_string());
        entries.remove(&key);
        let (mine, my_bytes) = usage_of(&entries, user_id);
        if mine >= MAX_ENTRIES_PER_USER || my_bytes + list.len > MAX_BYTES_PER_USER {
            entries.retain(|(user, _), _| user != user_id);
        }
        let total: usize = entries.values().map(|cached| cached.len).sum();
        if entries.len() >= MAX_ENTRIES || total + list.len > MAX_BYTES {
            entries.clear();
        }
        entries.insert(key, list);
    }

    #[cfg(test)]
    fn bytes_of(&self, user_id: &str) -> (usize, usize) {
        usage_of(
            &self.entries.lock().unwrap_or_else(|e| e.into_inner()),
            user_id,
        )
    }
}

/// How many entries and body bytes `user_id` holds.
fn usage_of(entries: &HashMap<(String, String), RenderedList>, user_id: &str) -> (usize, usize) {
    entries
        .iter()
        .filter(|((user, _), _)| user == user_id)
        .fold((0, 0), |(n, bytes), (_, cached)| {
            (n + 1, bytes + cached.len)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(bytes: usize) -> RenderedList {
        let mut list = RenderedList::new("q", Vec::new(), Vec::new(), 0);
        list.len = bytes;
        list
    }

    #[test]
    fn one_user_cannot_fill_the_cache() {
        let cache = ListCache::default();
        cache.put("bob", "first", list(10));
        for page in 0..1000 {
            cache.put("mallory", &format!("limit={page}"), list(8 * 1024 * 1024));
            let (entries, bytes) = cache.bytes_of("mallory");
            assert!(entries <= MAX_ENTRIES_PER_USER && bytes <= MAX_BYTES_PER_USER);
        }
        assert!(
            cache.get("bob", "first", &Vec::new()).is_some(),
            "others' entries stay"
        );
        cache.put("mallory", "huge", list(MAX_BYTES_PER_USER + 1));
        assert!(
            cache.get("mallory", "huge", &Vec::new()).is_none(),
            "too large to keep"
        );
    }
}
