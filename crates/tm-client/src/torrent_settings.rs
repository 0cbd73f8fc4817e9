//! A torrent's seeding goals, speed limits and bandwidth priority.

use reqwest::Method;
use tm_api_types::{TorrentSettings, TorrentSettingsUpdate};

use crate::client::on_server;
use crate::{Client, Error};

impl Client {
    /// The torrent's settings: limits and priority as its client reports
    /// them, goals as the manager keeps them, and which the client holds.
    pub async fn torrent_settings(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentSettings, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "settings"])?;
        self.call(on_server(request, server_id)).await
    }

    /// Changes the settings `update` names (`Patch::Clear` lifts a limit or
    /// goal); answers them all afterwards. `ApiError` 422 with code
    /// `client_unsupported` when the client cannot hold a limit or priority.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client, hash: &str) -> Result<(), tm_client::Error> {
    /// use tm_client::{Patch, TorrentSettingsUpdate};
    /// let update = TorrentSettingsUpdate {
    ///     upload_limit: Patch::Set(500_000),
    ///     download_limit: Patch::Clear,
    ///     ..Default::default()
    /// };
    /// let settings = client.set_torrent_settings(hash, None, &update).await?;
    /// assert_eq!(settings.download_limit, None);
    /// # Ok(()) }
    /// ```
    pub async fn set_torrent_settings(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
        update: &TorrentSettingsUpdate,
    ) -> Result<TorrentSettings, Error> {
        let request = self.request(Method::PUT, &["torrents", info_hash, "settings"])?;
        self.call(on_server(request, server_id).json(update)).await
    }
}
