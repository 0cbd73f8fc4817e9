//! User administration, instance settings and metrics (admins only).

use reqwest::Method;
use tm_api_types::{
    CreateUserRequest, CreateUserResponse, InstanceSettings, MessageResponse, SetUserEngineRequest,
    SetUserTargetsRequest, UpdateUserRequest, UserEngine, UserInfo, UserTargets,
};

use crate::{Client, Error};

impl Client {
    pub async fn list_users(&self) -> Result<Vec<UserInfo>, Error> {
        self.call(self.request(Method::GET, &["admin", "users"])?)
            .await
    }

    /// Creates an account (also while registration is closed).
    pub async fn create_user(&self, user: &CreateUserRequest) -> Result<CreateUserResponse, Error> {
        self.call(self.request(Method::POST, &["admin", "users"])?.json(user))
            .await
    }

    /// Sets a new password and/or the admin flag.
    pub async fn update_user(
        &self,
        user_id: &str,
        changes: &UpdateUserRequest,
    ) -> Result<UserInfo, Error> {
        self.call(
            self.request(Method::PUT, &["admin", "users", user_id])?
                .json(changes),
        )
        .await
    }

    pub async fn delete_user(&self, user_id: &str) -> Result<MessageResponse, Error> {
        self.call(self.request(Method::DELETE, &["admin", "users", user_id])?)
            .await
    }

    /// Whether a user may make the service contact private targets.
    pub async fn user_targets(&self, user_id: &str) -> Result<UserTargets, Error> {
        self.call(self.request(Method::GET, &["admin", "users", user_id, "targets"])?)
            .await
    }

    /// Lets a user (or stops letting them) reach loopback, private and
    /// link-local addresses and unix sockets through the service.
    pub async fn set_user_targets(
        &self,
        user_id: &str,
        allow_private_targets: bool,
    ) -> Result<UserTargets, Error> {
        self.call(
            self.request(Method::PUT, &["admin", "users", user_id, "targets"])?
                .json(&SetUserTargetsRequest {
                    allow_private_targets,
                }),
        )
        .await
    }

    /// Whether a user has a "This machine" server on the embedded engine.
    pub async fn user_engine(&self, user_id: &str) -> Result<UserEngine, Error> {
        self.call(self.request(Method::GET, &["admin", "users", user_id, "engine"])?)
            .await
    }

    /// Gives a user a "This machine" server (their own share of the
    /// embedded engine: only the torrents they add, in their own folder),
    /// or takes it away.
    pub async fn set_user_engine(
        &self,
        user_id: &str,
        engine_access: bool,
    ) -> Result<UserEngine, Error> {
        self.call(
            self.request(Method::PUT, &["admin", "users", user_id, "engine"])?
                .json(&SetUserEngineRequest { engine_access }),
        )
        .await
    }

    pub async fn settings(&self) -> Result<InstanceSettings, Error> {
        self.call(self.request(Method::GET, &["admin", "settings"])?)
            .await
    }

    /// `GET /metrics`: the Prometheus text exposition (admins, or anyone
    /// when the server runs with `--metrics-public`).
    pub async fn metrics(&self) -> Result<String, Error> {
        let response = self.send(self.request(Method::GET, &["metrics"])?).await?;
        response
            .text()
            .await
            .map_err(|e| Error::from_transport(self.base_url(), e))
    }

    pub async fn update_settings(
        &self,
        settings: &InstanceSettings,
    ) -> Result<InstanceSettings, Error> {
        self.call(
            self.request(Method::PUT, &["admin", "settings"])?
                .json(settings),
        )
        .await
    }
}
