//! What the fleet holds across a user's servers: the same torrent on several
//! servers (duplicates, from the snapshots) and the same content under
//! different torrents (cross-seed candidates, from file lists fetched once
//! per torrent in the background and cached in the database).

mod fetcher;
mod groups;
mod index;
mod key;

pub use fetcher::run_fetcher;
pub use index::{FleetIndex, Wants};
