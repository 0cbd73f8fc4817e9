//! Placement on add: your placement rules (where `server_id: "auto"` puts a
//! new torrent) and adds to several servers at once.

use reqwest::Method;
use reqwest::multipart::Form;
use tm_api_types::{AddTorrentRequest, MultiAddResponse, PlacementRule, PlacementRules};

use crate::torrents::{UploadQuery, with_save_path};
use crate::{Client, Error, TorrentUpload, UploadOptions};

impl Client {
    /// Your placement rules, in order (the first that matches decides).
    pub async fn placement(&self) -> Result<Vec<PlacementRule>, Error> {
        let rules: PlacementRules = self
            .call(self.request(Method::GET, &["placement"])?)
            .await?;
        Ok(rules.rules)
    }

    /// Replaces your placement rules; answers them as stored.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// use tm_client::{PlacementMatch, PlacementRule, PlacementTarget, ServerTarget};
    /// let tv = PlacementRule {
    ///     name: "tv".into(),
    ///     matches: PlacementMatch { labels: Some(vec!["tv".into()]), ..Default::default() },
    ///     target: PlacementTarget::Server(ServerTarget { server_id: "0190c1d2-…".into() }),
    /// };
    /// client.set_placement(vec![tv]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_placement(
        &self,
        rules: Vec<PlacementRule>,
    ) -> Result<Vec<PlacementRule>, Error> {
        let body = PlacementRules { rules };
        let stored: PlacementRules = self
            .call(self.request(Method::PUT, &["placement"])?.json(&body))
            .await?;
        Ok(stored.rules)
    }

    /// Adds the magnet, hash or URL to each of `request.server_ids`; each
    /// server has its own outcome (one failing does not stop the others).
    pub async fn add_torrent_to_servers(
        &self,
        request: &AddTorrentRequest,
    ) -> Result<MultiAddResponse, Error> {
        self.call(self.request(Method::POST, &["torrents"])?.json(request))
            .await
    }

    /// Uploads a .torrent to each of `server_ids` (`options.server_id` is
    /// not used); one outcome per server.
    pub async fn upload_torrent_to_servers(
        &self,
        file: TorrentUpload,
        options: &UploadOptions,
        server_ids: &[String],
    ) -> Result<MultiAddResponse, Error> {
        let form = with_save_path(Form::new().part("file", file.into_part()?), options);
        let mut query = UploadQuery::from(options);
        query.server_id = None;
        query.server_ids = Some(server_ids.join(","));
        let request = self
            .request(Method::POST, &["torrents", "upload"])?
            .query(&query)
            .multipart(form);
        self.call(request).await
    }
}
