//! The qBittorrent WebAPI v2 over a user's whole fleet, without HTTP: the
//! shapes and units qBittorrent's clients (Sonarr, Radarr, autobrr,
//! cross-seed) read, routing by category, and what the facade stores
//! (categories, share limits). Torrent operations go through the core.

mod actions;
mod categories;
mod filter;
mod limits;
mod routing;
mod shape;
mod state;
mod sync;
mod tags;
mod trackers;
mod transfer;

use std::collections::HashMap;

use crate::core::{Core, Result, User};
use crate::db::{CategoryRow, ShareLimitRow};

pub use actions::AddRequest;
pub use categories::CategoryUpdate;
pub use filter::{InfoQuery, is_true};
pub use limits::{ShareLimits, preferences, set_torrent_share_limits};
pub use routing::Entry;
pub use shape::{file_object, is_single_file, properties, torrent_object, tracker_object};
pub use sync::SyncStates;
pub use tags::split_tags;

/// One user's view of the fleet through the facade, for one call: their
/// categories, share limits and default server are read once.
pub struct Facade<'a> {
    core: &'a Core,
    user: &'a User,
    categories: Vec<CategoryRow>,
    /// Keyed by (server id, info hash).
    limits: HashMap<(String, String), ShareLimitRow>,
    default_server: Option<String>,
}

impl<'a> Facade<'a> {
    pub async fn load(core: &'a Core, user: &'a User) -> Result<Self> {
        let store = core.store();
        let categories = store.facade_categories(&user.id).await?;
        let limits = store
            .share_limits_of(&user.id)
            .await?
            .into_iter()
            .map(|row| ((row.server_id.clone(), row.info_hash.clone()), row))
            .collect();
        let default_server = store
            .servers_of(&user.id)
            .await?
            .into_iter()
            .find(|s| s.is_default)
            .map(|s| s.id);
        Ok(Self {
            core,
            user,
            categories,
            limits,
            default_server,
        })
    }
}
