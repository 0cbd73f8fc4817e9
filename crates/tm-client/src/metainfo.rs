//! The metainfo store: a torrent's .torrent file as the manager keeps it.

use reqwest::Method;

use crate::client::on_server;
use crate::{Client, Error};

impl Client {
    /// The torrent's .torrent file, byte for byte as stored (uploaded,
    /// fetched from its URL, or exported by its client once a magnet's
    /// metadata arrived). `ApiError` with status 404 when none is stored.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client, hash: &str) -> Result<(), tm_client::Error> {
    /// let bytes = client.torrent_metainfo(hash, None).await?;
    /// std::fs::write("backup.torrent", bytes).expect("written");
    /// # Ok(()) }
    /// ```
    pub async fn torrent_metainfo(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<Vec<u8>, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "metainfo"])?;
        let response = self.send(on_server(request, server_id)).await?;
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::from_transport(self.base_url(), e))?;
        Ok(body.to_vec())
    }
}
