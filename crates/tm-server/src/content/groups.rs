//! `GET /torrents/duplicates` and `GET /torrents/cross-seed`: groups built
//! from the snapshots of the user's servers (and the cached file lists); no
//! client is asked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use tm_api_types::{
    CrossSeedGroup, CrossSeedResponse, CrossSeedTorrent, DuplicateCopy, DuplicateGroup,
    DuplicatesResponse, TorrentInfo, TorrentState,
};

use super::index::{FleetIndex, Wants};
use super::key::has_metadata;
use crate::core::{Core, Result, User};
use crate::fleet::TorrentView;

impl Core {
    /// Torrents present on more than one of the user's servers.
    pub async fn duplicates(&self, user: &User) -> Result<DuplicatesResponse> {
        // One pass over the snapshots: counts and copies agree.
        let wants = Wants {
            copies: false,
            content: false,
        };
        let index = FleetIndex::load(self, &user.id, wants).await?;
        let mut by_hash: BTreeMap<String, Vec<Arc<TorrentView>>> = BTreeMap::new();
        for view in views(&index) {
            by_hash
                .entry(view.torrent.info_hash.clone())
                .or_default()
                .push(view);
        }
        let mut groups: Vec<DuplicateGroup> = by_hash
            .into_iter()
            .filter(|(_, copies)| copies.len() > 1)
            .filter_map(|(info_hash, copies)| {
                let mut copies = infos(&copies);
                copies.sort_by(by_server);
                let first = copies.first()?;
                Some(DuplicateGroup {
                    info_hash,
                    name: first.name.clone(),
                    size: first.size,
                    copies: copies.iter().map(copy_of).collect(),
                })
            })
            .collect();
        groups.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
        Ok(DuplicatesResponse {
            total: groups.len(),
            groups,
        })
    }

    /// Torrents of different info hashes holding the same files.
    pub async fn cross_seed_groups(&self, user: &User) -> Result<CrossSeedResponse> {
        let wants = Wants {
            copies: false,
            content: true,
        };
        let index = FleetIndex::load(self, &user.id, wants).await?;
        let mut pending = 0;
        let mut by_content: HashMap<Arc<str>, Vec<Arc<TorrentView>>> = HashMap::new();
        for view in views(&index) {
            let torrent = &view.torrent;
            if !has_metadata(view.state() == TorrentState::Metadata, torrent.size) {
                continue;
            }
            match index.content_of(&view.server.id, &torrent.info_hash) {
                Some(digest) => by_content.entry(Arc::clone(digest)).or_default().push(view),
                None => pending += 1,
            }
        }
        let mut groups: Vec<CrossSeedGroup> = by_content
            .into_iter()
            .filter_map(|(digest, views)| {
                // Counted over the listed torrents: a stored list of a torrent
                // that just left makes no group.
                let distinct: HashSet<&String> =
                    views.iter().map(|v| &v.torrent.info_hash).collect();
                if distinct.len() < 2 {
                    return None;
                }
                let content = index.content_size(&digest)?;
                let mut torrents = infos(&views);
                torrents.sort_by(|a, b| {
                    a.name
                        .to_lowercase()
                        .cmp(&b.name.to_lowercase())
                        .then_with(|| by_server(a, b))
                });
                Some(CrossSeedGroup {
                    size: content.size,
                    files: content.file_count,
                    torrents: torrents.iter().map(cross_seed_of).collect(),
                })
            })
            .collect();
        groups.sort_by(|a, b| {
            b.size
                .cmp(&a.size)
                .then_with(|| first_name(a).cmp(&first_name(b)))
        });
        Ok(CrossSeedResponse { groups, pending })
    }
}

/// The API's view of each of `views`.
fn infos(views: &[Arc<TorrentView>]) -> Vec<TorrentInfo> {
    views.iter().map(|view| view.info()).collect()
}

/// Every torrent view of the index's servers.
fn views(index: &FleetIndex) -> Vec<Arc<TorrentView>> {
    index
        .pollers()
        .iter()
        .flat_map(|p| p.snapshot().views.values().cloned().collect::<Vec<_>>())
        .collect()
}

fn first_name(group: &CrossSeedGroup) -> Option<&str> {
    group.torrents.first().map(|t| t.name.as_str())
}

fn by_server(a: &TorrentInfo, b: &TorrentInfo) -> std::cmp::Ordering {
    (&a.server_name, &a.server_id).cmp(&(&b.server_name, &b.server_id))
}

fn copy_of(t: &TorrentInfo) -> DuplicateCopy {
    DuplicateCopy {
        server_id: t.server_id.clone(),
        server_name: t.server_name.clone(),
        server_type: t.server_type,
        state: t.state,
        progress: t.progress,
        save_path: t.save_path.clone(),
    }
}

fn cross_seed_of(t: &TorrentInfo) -> CrossSeedTorrent {
    CrossSeedTorrent {
        server_id: t.server_id.clone(),
        server_name: t.server_name.clone(),
        info_hash: t.info_hash.clone(),
        name: t.name.clone(),
        tracker: t.tracker.clone(),
        state: t.state,
        progress: t.progress,
    }
}
