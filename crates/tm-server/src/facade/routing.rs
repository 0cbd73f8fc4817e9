//! Which torrents the facade shows and where it acts on them.
//!
//! Every torrent of the user's servers is visible. A hash held by several
//! servers is shown once: the copy on the server its category routes to,
//! else the copy on the first server (by name). Adds go where their
//! category routes them, or to the user's default server.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use tm_api_types::TorrentInfo;

use super::Facade;
use crate::core::{Error, Result};
use crate::db::CategoryRow;
use crate::fleet::{Poller, TorrentView};

/// One server's copy of a torrent, and whether that server has categories.
type ServerCopy = (Arc<TorrentView>, bool);

/// Whether `poller`'s client has categories of its own, as last probed (a
/// server not probed yet lists nothing).
fn has_categories(poller: &Poller) -> bool {
    poller
        .health()
        .client
        .is_some_and(|c| c.capabilities.category)
}

/// One torrent as the facade shows it.
pub struct Entry {
    view: Arc<TorrentView>,
    /// The API's view of the torrent, made on first use: most entries of a
    /// list are filtered out before anything reads it.
    info: OnceLock<TorrentInfo>,
    /// Its facade category, if any.
    pub category: Option<String>,
    /// Its labels other than the one carrying the category.
    pub tags: Vec<String>,
    /// Whether its server has categories of its own (qBittorrent), which
    /// then are the facade's categories.
    pub native_categories: bool,
}

impl Entry {
    pub fn info(&self) -> &TorrentInfo {
        self.info.get_or_init(|| self.view.info())
    }

    pub fn server_id(&self) -> &str {
        &self.view.server.id
    }

    pub fn hash(&self) -> &str {
        &self.view.torrent.info_hash
    }
}

impl Facade<'_> {
    /// The user's servers, by name then id; each counts as watched from now.
    fn pollers(&self) -> Vec<Arc<Poller>> {
        let mut pollers = self.core.fleet().of_user(&self.user.id);
        pollers.sort_by(|a, b| (&a.spec().name, &a.spec().id).cmp(&(&b.spec().name, &b.spec().id)));
        for poller in &pollers {
            poller.watch();
        }
        pollers
    }

    /// Every torrent of the fleet, each hash once, in server order.
    pub fn entries(&self) -> Vec<Entry> {
        let mut order: Vec<String> = Vec::new();
        let mut copies: HashMap<String, Vec<ServerCopy>> = HashMap::new();
        for poller in self.pollers() {
            let native = has_categories(&poller);
            let snapshot = poller.snapshot();
            let mut hashes: Vec<&String> = snapshot.views.keys().collect();
            hashes.sort();
            for hash in hashes {
                let list = copies.entry(hash.clone()).or_default();
                if list.is_empty() {
                    order.push(hash.clone());
                }
                list.extend(snapshot.views.get(hash).map(|v| (Arc::clone(v), native)));
            }
        }
        order
            .into_iter()
            .filter_map(|hash| copies.remove(&hash))
            .filter_map(|copies| self.routed_copy(copies))
            .collect()
    }

    /// The torrent with `hash` (any case, v1 or truncated v2 hash).
    pub fn entry(&self, hash: &str) -> Result<Entry> {
        let hash = tm_backends::magnet::parse_info_hash(hash.trim())
            .map_err(|_| Error::TorrentNotFound)?;
        let copies: Vec<ServerCopy> = self
            .pollers()
            .iter()
            .filter_map(|p| {
                let view = p.snapshot().views.get(&hash).cloned()?;
                Some((view, has_categories(p)))
            })
            .collect();
        self.routed_copy(copies).ok_or(Error::TorrentNotFound)
    }

    /// The torrents named by a `hashes` parameter: `|`-separated, or `all`.
    /// Unknown hashes are skipped, as qBittorrent does.
    pub fn selected(&self, hashes: &str) -> Vec<Entry> {
        if hashes.trim() == "all" {
            return self.entries();
        }
        hashes
            .split('|')
            .filter(|h| !h.trim().is_empty())
            .filter_map(|h| self.entry(h).ok())
            .collect()
    }

    /// Of the copies of one hash, the one on the server its category routes
    /// to, else the first.
    fn routed_copy(&self, copies: Vec<ServerCopy>) -> Option<Entry> {
        let entries: Vec<Entry> = copies
            .into_iter()
            .map(|(view, native)| self.entry_of(view, native))
            .collect();
        let routed = entries.iter().position(|entry| {
            entry.category.as_deref().is_some_and(|name| {
                self.category(name)
                    .and_then(|c| self.server_of(c))
                    .is_some_and(|server| server == entry.server_id())
            })
        });
        entries.into_iter().nth(routed.unwrap_or(0))
    }

    fn entry_of(&self, view: Arc<TorrentView>, native: bool) -> Entry {
        let torrent = &view.torrent;
        // A server with categories of its own holds the facade's categories
        // there (adds and `setCategory` write them), and every label is a
        // tag. On the others a category is the label named like one of the
        // user's categories: these clients only have labels, and Sonarr
        // needs categories.
        let (category, tags) = if native {
            let category = torrent.category.clone().filter(|c| !c.is_empty());
            (category, torrent.labels.clone())
        } else {
            let category = torrent
                .labels
                .iter()
                .find(|label| self.category(label).is_some())
                .cloned();
            let tags = torrent
                .labels
                .iter()
                .filter(|label| Some(*label) != category.as_ref())
                .cloned()
                .collect();
            (category, tags)
        };
        Entry {
            category,
            tags,
            native_categories: native,
            view,
            info: OnceLock::new(),
        }
    }

    pub fn category(&self, name: &str) -> Option<&CategoryRow> {
        self.categories.iter().find(|c| c.name == name)
    }

    /// The server a category routes to: its own, else the default server.
    pub fn server_of<'c>(&'c self, category: &'c CategoryRow) -> Option<&'c str> {
        category
            .server_id
            .as_deref()
            .or(self.default_server.as_deref())
    }
}
