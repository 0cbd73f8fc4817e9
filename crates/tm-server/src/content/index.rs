//! Who holds what across one user's servers: copies of each info hash (from
//! the snapshots) and, when asked, the content of each torrent (from the
//! cached file lists).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::core::{Core, Result};
use crate::fleet::Poller;

/// One content, as stored: its size and file count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentSize {
    pub size: u64,
    pub file_count: usize,
}

/// What a [`FleetIndex`] is built with: each part costs a pass over every
/// torrent (copies) or a read of the stored file lists (content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wants {
    pub copies: bool,
    pub content: bool,
}

/// The fleet of one user, indexed by info hash and by content.
pub struct FleetIndex {
    pollers: Vec<Arc<Poller>>,
    /// Info hash → how many servers hold it.
    copies: HashMap<String, u32>,
    /// (server id, info hash) → content digest, for fetched lists only.
    content_of: HashMap<(String, String), Arc<str>>,
    /// Content digest → the distinct info hashes holding it, and its size.
    by_content: HashMap<Arc<str>, (HashSet<String>, ContentSize)>,
}

impl FleetIndex {
    /// The user's servers, with the copies of every torrent and the
    /// stored file lists as `wants` asks.
    pub async fn load(core: &Core, user_id: &str, wants: Wants) -> Result<FleetIndex> {
        let pollers = core.fleet().of_user(user_id);
        let mut copies: HashMap<String, u32> = HashMap::new();
        if wants.copies {
            for poller in &pollers {
                for hash in poller.snapshot().views.keys() {
                    *copies.entry(hash.clone()).or_default() += 1;
                }
            }
        }
        let mut index = FleetIndex {
            pollers,
            copies,
            content_of: HashMap::new(),
            by_content: HashMap::new(),
        };
        if wants.content {
            for row in core.store().file_lists_of_user(user_id).await? {
                let digest: Arc<str> = Arc::from(row.content);
                let size = ContentSize {
                    size: u64::try_from(row.size).unwrap_or(0),
                    file_count: usize::try_from(row.file_count).unwrap_or(0),
                };
                let holders = index
                    .by_content
                    .entry(Arc::clone(&digest))
                    .or_insert_with(|| (HashSet::new(), size));
                holders.0.insert(row.info_hash.clone());
                index
                    .content_of
                    .insert((row.server_id, row.info_hash), digest);
            }
        }
        Ok(index)
    }

    /// The user's pollers the index was built from.
    pub fn pollers(&self) -> &[Arc<Poller>] {
        &self.pollers
    }

    /// How many of the user's servers hold `info_hash` (0 unless `copies`
    /// was wanted).
    pub fn copies(&self, info_hash: &str) -> u32 {
        self.copies.get(info_hash).copied().unwrap_or(0)
    }

    /// The content digest of a torrent on a server, once its list is fetched.
    pub fn content_of(&self, server_id: &str, info_hash: &str) -> Option<&Arc<str>> {
        self.content_of
            .get(&(server_id.to_string(), info_hash.to_string()))
    }

    /// How many other torrents (distinct info hashes) hold the same content;
    /// `None` while the torrent's file list is not fetched.
    pub fn cross_seeds(&self, server_id: &str, info_hash: &str) -> Option<u32> {
        let digest = self.content_of(server_id, info_hash)?;
        let (hashes, _) = self.by_content.get(digest)?;
        Some(hashes.len().saturating_sub(1) as u32)
    }

    /// The size and file count of a stored content.
    pub fn content_size(&self, digest: &str) -> Option<ContentSize> {
        self.by_content.get(digest).map(|(_, size)| *size)
    }
}
