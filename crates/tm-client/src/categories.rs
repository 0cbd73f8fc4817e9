//! Categories of the qBittorrent-compatible API: where the torrents Sonarr
//! or Radarr add in each one go.

use reqwest::Method;
use tm_api_types::{Category, CategoryList, CategoryRequest, MessageResponse};

use crate::{Client, Error};

impl Client {
    /// Your categories, by name; a `server_id` of `None` is your default server.
    pub async fn categories(&self) -> Result<Vec<Category>, Error> {
        let list: CategoryList = self
            .call(self.request(Method::GET, &["categories"])?)
            .await?;
        Ok(list.categories)
    }

    /// Creates the category `name`, or replaces its server and save path
    /// (`None`: the default server; the server's own download directory).
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// use tm_client::CategoryRequest;
    /// let route = CategoryRequest {
    ///     save_path: Some("/data/tv".into()),
    ///     server_id: Some("0190c1d2-…".into()),
    /// };
    /// client.put_category("tv-sonarr", &route).await?;
    /// # Ok(()) }
    /// ```
    pub async fn put_category(
        &self,
        name: &str,
        category: &CategoryRequest,
    ) -> Result<Category, Error> {
        self.call(
            self.request(Method::PUT, &["categories", name])?
                .json(category),
        )
        .await
    }

    /// Removes the category; its torrents stay where they are.
    pub async fn delete_category(&self, name: &str) -> Result<MessageResponse, Error> {
        self.call(self.request(Method::DELETE, &["categories", name])?)
            .await
    }
}
