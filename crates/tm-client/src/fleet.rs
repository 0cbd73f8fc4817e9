//! Across your servers: the same torrent on several of them, and the same
//! content under different torrents (cross-seed candidates).

use reqwest::Method;
use tm_api_types::{CrossSeedResponse, DuplicatesResponse};

use crate::{Client, Error};

impl Client {
    /// Torrents present on more than one of your servers (same info hash),
    /// with where each copy is.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// for group in client.duplicates().await?.groups {
    ///     let servers: Vec<&str> = group.copies.iter().map(|c| c.server_name.as_str()).collect();
    ///     println!("{} is on {}", group.name, servers.join(", "));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn duplicates(&self) -> Result<DuplicatesResponse, Error> {
        self.call(self.request(Method::GET, &["torrents", "duplicates"])?)
            .await
    }

    /// Groups of torrents with different info hashes whose files are the
    /// same; `pending` counts torrents whose file list the server has not
    /// fetched yet.
    pub async fn cross_seed_groups(&self) -> Result<CrossSeedResponse, Error> {
        self.call(self.request(Method::GET, &["torrents", "cross-seed"])?)
            .await
    }
}
