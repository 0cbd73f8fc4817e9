//! The torrent clients (servers) a user manages.

use reqwest::Method;
use tm_api_types::{
    ClientKindInfo, CreateServerRequest, DeleteServerResponse, ServerInfo, TestServerResponse,
    UpdateServerRequest,
};

use crate::{Client, Error};

impl Client {
    /// Registers a torrent client. Its password is stored encrypted and never returned.
    pub async fn add_server(&self, server: &CreateServerRequest) -> Result<ServerInfo, Error> {
        self.call(self.request(Method::POST, &["servers"])?.json(server))
            .await
    }

    /// The client kinds a server can run, with their transports and the
    /// default port and path of each.
    pub async fn client_kinds(&self) -> Result<Vec<ClientKindInfo>, Error> {
        self.call(self.request(Method::GET, &["clients"])?).await
    }

    pub async fn list_servers(&self) -> Result<Vec<ServerInfo>, Error> {
        self.call(self.request(Method::GET, &["servers"])?).await
    }

    pub async fn get_server(&self, server_id: &str) -> Result<ServerInfo, Error> {
        self.call(self.request(Method::GET, &["servers", server_id])?)
            .await
    }

    /// Changes the fields set in `changes`; [`Patch::Clear`](crate::Patch::Clear)
    /// empties a nullable one.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// use tm_client::{Patch, UpdateServerRequest};
    /// let changes = UpdateServerRequest {
    ///     name: Patch::Set("seedbox".into()),
    ///     username: Patch::Clear,
    ///     ..Default::default()
    /// };
    /// client.update_server("0190c1d2-…", &changes).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_server(
        &self,
        server_id: &str,
        changes: &UpdateServerRequest,
    ) -> Result<ServerInfo, Error> {
        self.call(
            self.request(Method::PUT, &["servers", server_id])?
                .json(changes),
        )
        .await
    }

    /// Forgets the server (its torrents stay on the client).
    pub async fn delete_server(&self, server_id: &str) -> Result<DeleteServerResponse, Error> {
        self.call(self.request(Method::DELETE, &["servers", server_id])?)
            .await
    }

    /// Connects to the client now; a failure is an answer (`status: failed`), not an error.
    pub async fn test_server(&self, server_id: &str) -> Result<TestServerResponse, Error> {
        self.call(self.request(Method::POST, &["servers", server_id, "test"])?)
            .await
    }

    /// Tries `changes` over the server's stored settings without saving
    /// them: the same checks as [`update_server`](Self::update_server)
    /// (invalid settings and forbidden targets are errors); a password the
    /// changes leave out is the stored one. A failed connection is an
    /// answer (`status: failed`, with the reason), not an error.
    pub async fn test_server_changes(
        &self,
        server_id: &str,
        changes: &UpdateServerRequest,
    ) -> Result<TestServerResponse, Error> {
        self.call(
            self.request(Method::POST, &["servers", server_id, "test"])?
                .json(changes),
        )
        .await
    }

    /// Tries settings without saving them: the same checks as
    /// [`add_server`](Self::add_server) (invalid settings and forbidden
    /// targets are errors), then one connection attempt, whose failure is an
    /// answer (`status: failed`, with the reason), not an error.
    pub async fn test_server_settings(
        &self,
        server: &CreateServerRequest,
    ) -> Result<TestServerResponse, Error> {
        self.call(
            self.request(Method::POST, &["servers", "test"])?
                .json(server),
        )
        .await
    }
}
