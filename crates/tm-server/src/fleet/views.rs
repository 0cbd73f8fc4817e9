//! A server's views by info hash. Each is found by its own torrent's hash
//! rather than by a copy of it: 5,000 torrents are 5,000 fewer strings, and
//! the map a poll copies is a table of pointers.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::TorrentView;

#[derive(Debug, Clone)]
struct ByHash(Arc<TorrentView>);

impl ByHash {
    fn hash(&self) -> &str {
        &self.0.torrent.info_hash
    }
}

// Hashes and compares as its hash does, so the set is searched by `&str`.
impl Borrow<str> for ByHash {
    fn borrow(&self) -> &str {
        self.hash()
    }
}

impl Hash for ByHash {
    fn hash<H: Hasher>(&self, state: &mut H) {
        ByHash::hash(self).hash(state);
    }
}

impl PartialEq for ByHash {
    fn eq(&self, other: &Self) -> bool {
        self.hash() == other.hash()
    }
}

impl Eq for ByHash {}

#[derive(Debug, Clone, Default)]
pub struct Views(HashSet<ByHash>);

impl Views {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(HashSet::with_capacity(capacity))
    }

    pub fn get(&self, hash: &str) -> Option<&Arc<TorrentView>> {
        self.0.get(hash).map(|entry| &entry.0)
    }

    pub fn contains_key(&self, hash: &str) -> bool {
        self.0.contains(hash)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Adds `view`, replacing the view of the same torrent.
    pub fn insert(&mut self, view: Arc<TorrentView>) {
        self.0.replace(ByHash(view));
    }

    pub fn remove(&mut self, hash: &str) {
        self.0.remove(hash);
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|entry| &entry.0.torrent.info_hash)
    }

    pub fn values(&self) -> impl Iterator<Item = &Arc<TorrentView>> {
        self.0.iter().map(|entry| &entry.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<TorrentView>)> {
        self.0
            .iter()
            .map(|entry| (&entry.0.torrent.info_hash, &entry.0))
    }
}

#[cfg(test)]
impl std::ops::Index<&str> for Views {
    type Output = Arc<TorrentView>;

    fn index(&self, hash: &str) -> &Arc<TorrentView> {
        self.get(hash).expect("a view of this hash")
    }
}
