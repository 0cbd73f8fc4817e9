//! The registry of torrent-client servers each user manages.

use tm_api_types::{
    ActivityScope, ConnectionStatus, CreateServerRequest, Patch, ServerInfo, ServerStatus,
    ServerType, TestServerResponse, Transport, UpdateServerRequest,
};
use tm_backends::{BackendConfig, Connection, Secret, ServerSettings};

use super::activity::Change;
use super::activity_record::changed_fields;
use super::server_checks::{
    check_target, effective_transport, engine_made_not_added, keep_engine_connection,
    normalise_and_check,
};
use super::{Core, Error, Result, User, from_millis, now_millis};
use crate::db::{ServerRow, TargetGrant};
use crate::fleet::{PollerState, ServerSpec};

impl Core {
    pub async fn create_server(
        &self,
        user: &User,
        request: CreateServerRequest,
    ) -> Result<ServerInfo> {
        let name = request.name.clone();
        let result = self.insert_server(user, request).await;
        let change = match &result {
            Ok(info) => Change::server(&user.id, "server_create", &info.id, &info.name),
            Err(_) => Change::new(ActivityScope::Server, "server_create", &user.id),
        };
        let change = Change {
            server_name: Some(name),
            ..change
        };
        self.recorded(change, result, |_| "server added".into())
            .await
    }

    async fn insert_server(&self, user: &User, request: CreateServerRequest) -> Result<ServerInfo> {
        let (row, grant) = self.new_server_row(user, request).await?;
        self.check_server_quota(user).await?;
        let stored = self.store().insert_server(&row).await?;
        self.follow(&stored, grant)?;
        self.announce_servers_changed().await;
        Ok(self.server_info(stored))
    }

    /// A row for new server settings, normalised and checked against the
    /// user's egress policy (their grant is returned too); not saved.
    async fn new_server_row(
        &self,
        user: &User,
        request: CreateServerRequest,
    ) -> Result<(ServerRow, TargetGrant)> {
        if request.server_type == ServerType::Embedded {
            return Err(engine_made_not_added());
        }
        let now = now_millis();
        let id = uuid::Uuid::now_v7().to_string();
        let mut row = ServerRow {
            password_enc: self.seal(&id, "password", request.password.as_deref())?,
            http_password_enc: self.seal(&id, "http_password", request.http_password.as_deref())?,
            id,
            user_id: user.id.clone(),
            name: request.name,
            server_type: request.server_type.as_str().to_string(),
            host: request.host,
            port: i64::from(request.port),
            username: request.username,
            rpc_path: request.rpc_path,
            use_ssl: request.use_ssl,
            transport: request.transport.map(|t| t.as_str().to_string()),
            socket_path: request.socket_path,
            tls_accept_invalid_certs: request.tls_accept_invalid_certs,
            enabled: request.enabled,
            is_default: request.is_default,
            http_host: request.http_host,
            http_port: request.http_port.map(i64::from),
            http_path: request.http_path,
            http_username: request.http_username,
            http_use_ssl: request.http_use_ssl,
            http_download_root: request.http_download_root,
            created_at: now,
            updated_at: now,
        };
        normalise_and_check(&mut row)?;
        let grant = self.target_grant_of(&user.id).await?;
        check_target(&row, self.policy_for(grant))?;
        self.check_usable(&row, grant)?;
        Ok((row, grant))
    }

    pub async fn list_servers(&self, user: &User) -> Result<Vec<ServerInfo>> {
        self.store()
            .servers_of(&user.id)
            .await?
            .into_iter()
            .map(|row| Ok(self.server_info(row)))
            .collect()
    }

    pub async fn get_server(&self, user: &User, id: &str) -> Result<ServerInfo> {
        Ok(self.server_info(self.server_row(user, id).await?))
    }

    pub async fn update_server(
        &self,
        user: &User,
        id: &str,
        update: UpdateServerRequest,
    ) -> Result<ServerInfo> {
        let change = self.server_change(user, "server_update", id).await;
        // The fields sent, never their values (passwords).
        let fields = changed_fields(&update);
        let result = self.apply_server_update(user, id, update).await;
        self.recorded(change, result, |_| format!("changed: {fields}"))
            .await
    }

    async fn apply_server_update(
        &self,
        user: &User,
        id: &str,
        update: UpdateServerRequest,
    ) -> Result<ServerInfo> {
        let (row, grant) = self.updated_server_row(user, id, update).await?;
        if !self.store().update_server(&row).await? {
            return Err(Error::ServerNotFound);
        }
        let updated = self.server_row(user, id).await?;
        self.follow(&updated, grant)?;
        self.announce_servers_changed().await;
        Ok(self.server_info(updated))
    }

    /// The stored row with `update` applied (secrets the patch leaves out
    /// stay the stored ones), normalised and checked against the user's
    /// egress policy (their grant is returned too); not saved.
    async fn updated_server_row(
        &self,
        user: &User,
        id: &str,
        update: UpdateServerRequest,
    ) -> Result<(ServerRow, TargetGrant)> {
        let mut row = self.server_row(user, id).await?;
        let stored = row.clone();
        row.name = required(update.name, row.name, "name")?;
        row.server_type = required(
            update.server_type.map_set(|t| t.as_str().to_string()),
            row.server_type,
            "server_type",
        )?;
        row.host = update.host.apply_to(Some(row.host)).unwrap_or_default();
        row.port = update
            .port
            .map_set(i64::from)
            .apply_to(Some(row.port))
            .unwrap_or_default();
        row.username = update.username.apply_to(row.username);
        row.rpc_path = update.rpc_path.apply_to(row.rpc_path);
        row.use_ssl = required(update.use_ssl, row.use_ssl, "use_ssl")?;
        row.transport = update
            .transport
            .map_set(|t| t.as_str().to_string())
            .apply_to(row.transport);
        row.socket_path = update.socket_path.apply_to(row.socket_path);
        row.tls_accept_invalid_certs = required(
            update.tls_accept_invalid_certs,
            row.tls_accept_invalid_certs,
            "tls_accept_invalid_certs",
        )?;
        row.enabled = required(update.enabled, row.enabled, "enabled")?;
        row.is_default = required(update.is_default, row.is_default, "is_default")?;
        row.http_host = update.http_host.apply_to(row.http_host);
        row.http_port = update.http_port.map_set(i64::from).apply_to(row.http_port);
        row.http_path = update.http_path.apply_to(row.http_path);
        row.http_username = update.http_username.apply_to(row.http_username);
        row.http_use_ssl = required(update.http_use_ssl, row.http_use_ssl, "http_use_ssl")?;
        row.http_download_root = update.http_download_root.apply_to(row.http_download_root);
        row.password_enc = self.reseal(&row.id, "password", update.password, row.password_enc)?;
        row.http_password_enc = self.reseal(
            &row.id,
            "http_password",
            update.http_password,
            row.http_password_enc,
        )?;
        row.updated_at = now_millis();
        keep_engine_connection(&stored, &mut row)?;
        normalise_and_check(&mut row)?;
        let grant = self.target_grant_of(&user.id).await?;
        check_target(&row, self.policy_for(grant))?;
        self.check_usable(&row, grant)?;
        Ok((row, grant))
    }

    pub async fn delete_server(&self, user: &User, id: &str) -> Result<String> {
        let change = self.server_change(user, "server_delete", id).await;
        let result = self.apply_server_delete(user, id).await;
        self.recorded(change, result, |_| "server removed".into())
            .await
    }

    async fn apply_server_delete(&self, user: &User, id: &str) -> Result<String> {
        let row = self.server_row(user, id).await?;
        if !self.store().delete_server(id, &user.id).await? {
            return Err(Error::ServerNotFound);
        }
        self.fleet().remove(id);
        self.announce_servers_changed().await;
        Ok(row.name)
    }

    /// Asks the client who it is, with a fresh connection: with the stored
    /// settings, or with `changes` applied over them as `update_server`
    /// would (same checks and egress policy), without saving anything.
    /// Changes that change nothing try the stored settings as they are, so
    /// a target the policy no longer allows is a failed answer, as before.
    pub async fn test_server(
        &self,
        user: &User,
        id: &str,
        changes: Option<UpdateServerRequest>,
    ) -> Result<TestServerResponse> {
        let changes = changes.filter(|c| *c != UpdateServerRequest::default());
        let (row, grant) = match changes {
            Some(update) => self.updated_server_row(user, id, update).await?,
            None => {
                let row = self.server_row(user, id).await?;
                let grant = self.target_grant_of(&user.id).await?;
                (row, grant)
            }
        };
        Ok(self.probe(&self.server_spec(&row, grant)?).await)
    }

    /// Tries settings as `create_server` would take them (same checks and
    /// egress policy), without saving anything.
    pub async fn test_server_settings(
        &self,
        user: &User,
        request: CreateServerRequest,
    ) -> Result<TestServerResponse> {
        let (row, grant) = self.new_server_row(user, request).await?;
        Ok(self.probe(&self.server_spec(&row, grant)?).await)
    }

    /// Asks the client who it is, with a fresh connection. A client that
    /// accepts the connection but never answers is given up on.
    async fn probe(&self, spec: &ServerSpec) -> TestServerResponse {
        let limit = self.config().client_timeout * 2;
        let probe = async {
            match tm_backends::connect(&spec.backend) {
                Ok(client) => client.probe().await.map_err(|error| error.kind),
                Err(error) => Err(error.kind),
            }
        };
        let outcome = tokio::time::timeout(limit, probe)
            .await
            .unwrap_or(Err(tm_backends::ErrorKind::Timeout(limit)));
        match outcome {
            Ok(info) => TestServerResponse {
                status: ConnectionStatus::Connected,
                message: format!(
                    "Successfully connected to {}: {} {}",
                    spec.name, info.client, info.version
                ),
            },
            Err(kind) => TestServerResponse {
                status: ConnectionStatus::Failed,
                message: format!("Could not connect to {}: {kind}", spec.name),
            },
        }
    }

    /// Each server costs a poller and its snapshot: ordinary users get a
    /// bounded number of them.
    async fn check_server_quota(&self, user: &User) -> Result<()> {
        let max = self.config().max_servers_per_user;
        if !user.is_admin && self.store().servers_of(&user.id).await?.len() >= max {
            return Err(Error::QuotaExceeded(format!(
                "you have {max} servers, the most an account may register"
            )));
        }
        Ok(())
    }

    /// Makes every instance sharing the database reload the servers now
    /// (their periodic reload bounds a lost word).
    pub(super) async fn announce_servers_changed(&self) {
        if let Err(error) = self.store().announce_servers_changed().await {
            tracing::warn!(%error, "could not tell other instances of a server change");
        }
    }

    /// Starts all enabled servers' pollers (at start, and to pick up changes
    /// other instances made to the shared database).
    pub async fn sync_fleet(&self) -> Result<()> {
        let grants: std::collections::HashMap<String, TargetGrant> =
            self.store().target_grants().await?.into_iter().collect();
        let mut specs = Vec::new();
        for row in self.store().enabled_servers().await? {
            let Some(grant) = grants.get(&row.user_id) else {
                continue; // its owner was just deleted
            };
            match self.server_spec(&row, *grant) {
                Ok(spec) => specs.push(spec),
                Err(error) => {
                    tracing::warn!(server = %crate::logsafe::text(&row.name), %error, "cannot poll server")
                }
            }
        }
        self.fleet().retain_only(specs);
        Ok(())
    }

    /// Makes the fleet poll `row` when enabled, and stop otherwise.
    /// Refuses, before anything is saved, settings no adapter can be built
    /// from (a host no URL can carry, say): saved, they would leave an
    /// enabled server that is never polled.
    fn check_usable(&self, row: &ServerRow, grant: TargetGrant) -> Result<()> {
        // An engine's server is made by torrent-manager, maybe for an
        // engine another instance runs: nothing a user sent to check.
        if effective_transport(row)? == Transport::InProcess {
            return Ok(());
        }
        let spec = self.server_spec(row, grant)?;
        tm_backends::connect(&spec.backend)
            .map(|_| ())
            .map_err(|error| match error.kind {
                tm_backends::ErrorKind::Forbidden(reason) => {
                    Error::ForbiddenTarget(format!("Target not allowed: {reason}"))
                }
                kind => Error::Invalid(format!("these settings cannot be used: {kind}")),
            })
    }

    pub(super) fn follow(&self, row: &ServerRow, grant: TargetGrant) -> Result<()> {
        if row.enabled {
            self.fleet()
                .upsert(self.server_spec(row, grant)?)
                .map_err(|e| Error::Invalid(e.to_string()))
        } else {
            self.fleet().remove(&row.id);
            Ok(())
        }
    }

    /// How to reach the server, with its password decrypted, on behalf of
    /// its owner (`grant`: what they may target, whether they are admin).
    pub(super) fn server_spec(&self, row: &ServerRow, grant: TargetGrant) -> Result<ServerSpec> {
        let server_type: ServerType = row.server_type.parse().map_err(Error::Internal)?;
        let password = match &row.password_enc {
            Some(sealed) => Some(Secret::new(
                self.secrets()
                    .decrypt(sealed, &secret_context(&row.id, "password"))?
                    .as_str(),
            )),
            None => None,
        };
        let connection = match self.relayed_engine(row) {
            Some(relayed) => relayed,
            None => self.connection_of(row, server_type, password, grant)?,
        };
        Ok(ServerSpec {
            id: row.id.clone(),
            user_id: row.user_id.clone(),
            name: row.name.clone(),
            server_type,
            version: row.updated_at,
            backend: BackendConfig {
                name: row.name.clone(),
                connection,
                timeout: self.config().client_timeout,
                egress: self.policy_for(grant),
            },
        })
    }

    fn connection_of(
        &self,
        row: &ServerRow,
        kind: ServerType,
        password: Option<Secret>,
        grant: TargetGrant,
    ) -> Result<Connection> {
        // Validated on the way in: a kind and transport that disagree are
        // refused by `normalise_and_check` with the same words.
        Connection::from_settings(ServerSettings {
            kind,
            transport: effective_transport(row)?,
            host: row.host.clone(),
            port: u16::try_from(row.port).unwrap_or_default(),
            username: row.username.clone(),
            password,
            rpc_path: row.rpc_path.clone(),
            use_ssl: row.use_ssl,
            accept_invalid_certs: row.tls_accept_invalid_certs,
            socket_path: row.socket_path.clone(),
            engine: self.engine_of(row, grant.is_admin),
        })
        .map_err(|e| Error::Invalid(e.to_string()))
    }

    fn server_info(&self, row: ServerRow) -> ServerInfo {
        let live = self.fleet().get(&row.id).filter(|_| row.enabled);
        let health = live.as_ref().map(|poller| poller.health());
        let status = match health.as_ref().map(|h| h.state) {
            None => ServerStatus::Disabled,
            Some(PollerState::Connecting) => ServerStatus::Connecting,
            Some(PollerState::Connected) => ServerStatus::Connected,
            Some(PollerState::Failing) => ServerStatus::Failing,
        };
        let snapshot = live.as_ref().map(|p| p.snapshot()).unwrap_or_default();
        // The type and transport were validated on the way in.
        let server_type = row.server_type.parse().unwrap_or(ServerType::Transmission);
        let transport = effective_transport(&row).unwrap_or(Transport::Http);
        let (last_error, last_success_at, client, free_space) = match health {
            Some(h) => (
                h.last_error,
                h.last_success_at.map(from_millis),
                h.client,
                h.free_space,
            ),
            None => (None, None, None, None),
        };
        ServerInfo {
            server_type,
            transport,
            status,
            last_error,
            last_success_at,
            client_version: client
                .as_ref()
                .map(|c| format!("{} {}", c.client, c.version)),
            api_version: client.as_ref().and_then(|c| c.api_version.clone()),
            capabilities: client.map(|c| c.capabilities),
            torrent_count: snapshot.views.len(),
            download_rate: snapshot.download_rate,
            upload_rate: snapshot.upload_rate,
            free_space,
            port: u16::try_from(row.port).unwrap_or_default(),
            http_port: row.http_port.and_then(|p| u16::try_from(p).ok()),
            http_enabled: row.http_port.is_some(),
            has_password: row.password_enc.is_some(),
            has_http_password: row.http_password_enc.is_some(),
            created_at: from_millis(row.created_at),
            updated_at: from_millis(row.updated_at),
            id: row.id,
            user_id: row.user_id,
            name: row.name,
            host: row.host,
            username: row.username,
            rpc_path: row.rpc_path,
            use_ssl: row.use_ssl,
            socket_path: row.socket_path,
            tls_accept_invalid_certs: row.tls_accept_invalid_certs,
            enabled: row.enabled,
            is_default: row.is_default,
            http_host: row.http_host,
            http_path: row.http_path,
            http_username: row.http_username,
            http_use_ssl: row.http_use_ssl,
            http_download_root: row.http_download_root,
        }
    }

    pub(super) async fn server_row(&self, user: &User, id: &str) -> Result<ServerRow> {
        self.store()
            .server_of(id, &user.id)
            .await?
            .ok_or(Error::ServerNotFound)
    }

    /// Encrypts a password for a field of a server row (None stays None).
    fn seal(
        &self,
        server_id: &str,
        field: &str,
        plaintext: Option<&str>,
    ) -> Result<Option<String>> {
        match plaintext {
            Some(secret) if !secret.is_empty() => Ok(Some(
                self.secrets()
                    .encrypt(secret, &secret_context(server_id, field))?,
            )),
            _ => Ok(None),
        }
    }

    fn reseal(
        &self,
        server_id: &str,
        field: &str,
        patch: Patch<String>,
        current: Option<String>,
    ) -> Result<Option<String>> {
        match patch {
            Patch::Unchanged => Ok(current),
            Patch::Clear => Ok(None),
            Patch::Set(secret) => self.seal(server_id, field, Some(&secret)),
        }
    }
}

/// Associated data of an encrypted server secret: binds it to its row and field.
pub(super) fn secret_context(server_id: &str, field: &str) -> String {
    format!("server:{server_id}:{field}")
}

/// A patch of a field that cannot be null.
fn required<T>(patch: Patch<T>, current: T, field: &str) -> Result<T> {
    match patch {
        Patch::Unchanged => Ok(current),
        Patch::Set(value) => Ok(value),
        Patch::Clear => Err(Error::Invalid(format!("{field} cannot be null"))),
    }
}

trait PatchExt<T> {
    fn map_set<U>(self, f: impl FnOnce(T) -> U) -> Patch<U>;
}

impl<T> PatchExt<T> for Patch<T> {
    fn map_set<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Unchanged => Patch::Unchanged,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(f(value)),
        }
    }
}
