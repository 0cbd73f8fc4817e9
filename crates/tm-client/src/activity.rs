//! The activity log: who changed which torrent, server or account.

use reqwest::Method;
use tm_api_types::{ActivityPage, ActivityQuery};

use crate::{Client, Error};

impl Client {
    /// One page of the activity log, newest first: your torrents', servers'
    /// and account's changes (an admin's also everyone's account and server
    /// changes).
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let query = tm_client::ActivityQuery {
    ///     actor: Some("nightly-script".into()),
    ///     limit: Some(20),
    ///     ..Default::default()
    /// };
    /// for entry in client.activity(&query).await?.items {
    ///     println!("{} {} {} {}", entry.at, entry.actor.name, entry.action, entry.message);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn activity(&self, query: &ActivityQuery) -> Result<ActivityPage, Error> {
        self.call(self.request(Method::GET, &["activity"])?.query(query))
            .await
    }
}
