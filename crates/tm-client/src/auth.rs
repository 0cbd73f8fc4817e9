//! Accounts, sessions, API keys and the health check.

use reqwest::Method;
use tm_api_types::{
    AccountResponse, ApiKeyInfo, ApiKeyList, AuthStatus, ChangePasswordRequest,
    CreateApiKeyRequest, CreateApiKeyResponse, EndSessionsResponse, HealthResponse, LoginRequest,
    MeResponse, MessageResponse, RegisterRequest, RevokeApiKeyResponse, SessionInfo, SessionList,
};

use crate::{Client, Error};

impl Client {
    /// `GET /health`: `status` is `"healthy"` once the server's database answers.
    pub async fn health(&self) -> Result<HealthResponse, Error> {
        self.call(self.request(Method::GET, &["health"])?).await
    }

    /// Creates an account. The first account of a server becomes its admin.
    pub async fn register(&self, username: &str, password: &str) -> Result<AccountResponse, Error> {
        let body = RegisterRequest {
            username: username.to_string(),
            password: password.to_string(),
        };
        self.call(
            self.request(Method::POST, &["auth", "register"])?
                .json(&body),
        )
        .await
    }

    /// Logs in; the client keeps the session cookie for the calls that follow.
    /// With `remember_me` the server also issues a long-lived token that
    /// renews the session when it ends.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), tm_client::Error> {
    /// let client = tm_client::Client::new("http://127.0.0.1:8144")?;
    /// client.login("alice", "correct horse battery", false).await?;
    /// assert_eq!(client.me().await?.username, "alice");
    /// # Ok(()) }
    /// ```
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        remember_me: bool,
    ) -> Result<AccountResponse, Error> {
        let body = LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
            remember_me,
        };
        self.call(self.request(Method::POST, &["auth", "login"])?.json(&body))
            .await
    }

    /// Ends the session (and its remember-me token); the cookies are dropped.
    pub async fn logout(&self) -> Result<MessageResponse, Error> {
        self.call(self.request(Method::POST, &["auth", "logout"])?)
            .await
    }

    /// Changes the logged-in user's password (a password login, not an API
    /// key). This session stays; the user's other sessions and remember-me
    /// tokens end; API keys keep working. A wrong `current_password` is
    /// [`Error::Forbidden`].
    pub async fn change_password(
        &self,
        current_password: &str,
        new_password: &str,
    ) -> Result<MessageResponse, Error> {
        let body = ChangePasswordRequest {
            current_password: current_password.to_string(),
            new_password: new_password.to_string(),
        };
        self.call(
            self.request(Method::POST, &["auth", "password"])?
                .json(&body),
        )
        .await
    }

    /// Who the client is logged in as, and how.
    pub async fn me(&self) -> Result<MeResponse, Error> {
        self.call(self.request(Method::GET, &["auth", "me"])?).await
    }

    /// Creates an API key for scripts; `expires_days` of `None` never expires.
    /// The full key is in this answer only. Needs a password login.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let created = client.create_api_key("backup script", Some(90)).await?;
    /// let scripted = tm_client::Client::builder(client.base_url())
    ///     .api_key(created.api_key)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub async fn create_api_key(
        &self,
        name: &str,
        expires_days: Option<i64>,
    ) -> Result<CreateApiKeyResponse, Error> {
        let body = CreateApiKeyRequest {
            name: name.to_string(),
            expires_days,
        };
        self.call(
            self.request(Method::POST, &["auth", "api-keys"])?
                .json(&body),
        )
        .await
    }

    /// Your API keys (never the keys themselves: their prefixes).
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, Error> {
        let list: ApiKeyList = self
            .call(self.request(Method::GET, &["auth", "api-keys"])?)
            .await?;
        Ok(list.api_keys)
    }

    /// Revokes the key whose prefix (the 8 characters after `tm_`) is `prefix`.
    pub async fn revoke_api_key(&self, prefix: &str) -> Result<RevokeApiKeyResponse, Error> {
        self.call(self.request(Method::DELETE, &["auth", "api-keys", prefix])?)
            .await
    }

    /// Whether the server has any account yet and whether registration is
    /// open; needs no login.
    pub async fn auth_status(&self) -> Result<AuthStatus, Error> {
        self.call(self.request(Method::GET, &["auth", "status"])?)
            .await
    }

    /// Your unexpired browser sessions, newest first; `current` marks this
    /// client's own (none when it uses an API key).
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, Error> {
        let list: SessionList = self
            .call(self.request(Method::GET, &["auth", "sessions"])?)
            .await?;
        Ok(list.sessions)
    }

    /// Ends one of your sessions (and its remember-me token). Needs a
    /// password login; an unknown id is [`Error::NotFound`].
    pub async fn end_session(&self, session_id: &str) -> Result<MessageResponse, Error> {
        self.call(self.request(Method::DELETE, &["auth", "sessions", session_id])?)
            .await
    }

    /// Ends all your sessions except this client's; `ended` says how many.
    /// Needs a password login.
    pub async fn end_other_sessions(&self) -> Result<EndSessionsResponse, Error> {
        self.call(self.request(Method::DELETE, &["auth", "sessions"])?)
            .await
    }
}
