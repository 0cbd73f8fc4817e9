//! The "This machine" servers: the rows through which the embedded engine
//! is used like any other client. The first admin's is made once per
//! engine (at start, or when the first account registers): an admin who
//! deletes it keeps it deleted. An admin gives other users theirs
//! (`set_engine_access`); an admin's row sees the whole engine, anyone
//! else's only the torrents they added, in their own folder. A row's
//! `host` is the engine's id, so with several instances on one database
//! each engine's rows are polled by its own instance only; the others
//! mirror them and relay calls to that instance (`fleet::engine_relay`).

use std::collections::HashSet;

use tm_api_types::{ServerType, Transport, UserEngine};
use tm_backends::embedded::EngineHandle;
use tm_backends::{ClientKind, Connection, Relay};

use super::{Core, Error, Result, now_millis};
use crate::db::ServerRow;

/// The setting that says an engine's row was made (the value: its id).
fn made_marker(engine_id: &str) -> String {
    format!("engine_server:{engine_id}")
}

/// The engine this process runs, as the core holds it.
#[derive(Clone)]
pub struct LocalEngine {
    pub id: String,
    pub handle: EngineHandle,
}

impl Core {
    /// The handle for `row` when it is this process's engine's server: the
    /// whole engine for an admin's row, the owner's share otherwise.
    pub(super) fn engine_of(&self, row: &ServerRow, owner_is_admin: bool) -> Option<EngineHandle> {
        let local = self.local_engine()?;
        if row.server_type != ServerType::Embedded.as_str() || row.host != local.id {
            return None;
        }
        if owner_is_admin {
            return Some(local.handle.clone());
        }
        match local.handle.for_user(&row.user_id) {
            Ok(share) => Some(share),
            Err(error) => {
                tracing::warn!(%error, "no share of the engine for this server's owner");
                None
            }
        }
    }

    /// How this instance reaches `row` when it is the server of an engine
    /// another instance sharing the database runs: through that instance.
    pub(super) fn relayed_engine(&self, row: &ServerRow) -> Option<Connection> {
        let embedded = row.server_type == ServerType::Embedded.as_str();
        if !embedded
            || self
                .local_engine()
                .is_some_and(|local| local.id == row.host)
        {
            return None;
        }
        let endpoint = "the instance running it";
        let label = format!("{} ({} at {endpoint})", row.name, ClientKind::Embedded);
        let timeout = self.config().client_timeout;
        let client = crate::fleet::engine_relay::client_for(
            self.fleet(),
            &row.host,
            &row.id,
            label,
            timeout,
        )?;
        let key = format!("{}/{}", row.host, row.id);
        Some(Connection::Relay(Relay::new(
            key,
            Transport::InProcess,
            endpoint,
            client,
        )))
    }

    /// Makes the engine's server for the first admin, unless it was made
    /// before (then deleted, maybe) or there is no admin yet.
    pub async fn ensure_engine_server(&self) -> Result<()> {
        let Some(local) = self.local_engine() else {
            return Ok(());
        };
        let marker = made_marker(&local.id);
        if self.store().setting(&marker).await?.is_some() {
            return Ok(());
        }
        let Some(admin) = self
            .store()
            .list_users()
            .await?
            .into_iter()
            .filter(|user| user.is_admin)
            .min_by_key(|user| user.created_at)
        else {
            return Ok(());
        };
        let id = uuid::Uuid::now_v7().to_string();
        // Whoever marks first makes the row (a start and a registration,
        // or two instances, may race here).
        self.store().set_setting_if_absent(&marker, &id).await?;
        if self.store().setting(&marker).await?.as_deref() != Some(id.as_str()) {
            return Ok(());
        }
        self.make_engine_server(local, id, &admin.id).await?;
        tracing::info!(admin = %crate::logsafe::text(&admin.username), "made the \"This machine\" server for the embedded engine");
        Ok(())
    }

    /// Whether `user_id` has a "This machine" server.
    pub async fn user_engine(&self, user_id: &str) -> Result<UserEngine> {
        self.target_grant_of(user_id).await?;
        Ok(UserEngine {
            user_id: user_id.to_owned(),
            engine_access: self.engine_users().await?.contains(user_id),
        })
    }

    /// The users with a "This machine" server.
    pub(super) async fn engine_users(&self) -> Result<HashSet<String>> {
        Ok(self
            .store()
            .servers_of_kind(ServerType::Embedded.as_str())
            .await?
            .into_iter()
            .map(|row| row.user_id)
            .collect())
    }

    /// Gives `user_id` a "This machine" server on this instance's engine,
    /// or takes every one they have away (the torrents stay in the engine,
    /// where admins still see them).
    pub async fn set_engine_access(&self, user_id: &str, allowed: bool) -> Result<UserEngine> {
        self.target_grant_of(user_id).await?;
        let theirs: Vec<ServerRow> = self
            .store()
            .servers_of(user_id)
            .await?
            .into_iter()
            .filter(|row| row.server_type == ServerType::Embedded.as_str())
            .collect();
        if allowed {
            let local = self.local_engine().ok_or_else(|| {
                Error::Conflict("the embedded engine is turned off on this instance".into())
            })?;
            if !theirs.iter().any(|row| row.host == local.id) {
                let id = uuid::Uuid::now_v7().to_string();
                self.make_engine_server(local, id, user_id).await?;
            }
        } else {
            for row in &theirs {
                self.store().delete_server(&row.id, user_id).await?;
                self.fleet().remove(&row.id);
            }
            self.announce_servers_changed().await;
        }
        self.user_engine(user_id).await
    }

    async fn make_engine_server(
        &self,
        local: &LocalEngine,
        id: String,
        user_id: &str,
    ) -> Result<()> {
        let has_default = self
            .store()
            .servers_of(user_id)
            .await?
            .iter()
            .any(|server| server.is_default);
        let now = now_millis();
        let row = ServerRow {
            id,
            user_id: user_id.to_owned(),
            name: "This machine".to_owned(),
            server_type: ServerType::Embedded.as_str().to_owned(),
            host: local.id.clone(),
            port: 0,
            username: None,
            password_enc: None,
            rpc_path: None,
            use_ssl: false,
            transport: Some(Transport::InProcess.as_str().to_owned()),
            socket_path: None,
            tls_accept_invalid_certs: false,
            enabled: true,
            is_default: !has_default,
            http_host: None,
            http_port: None,
            http_path: None,
            http_username: None,
            http_password_enc: None,
            http_use_ssl: false,
            http_download_root: None,
            created_at: now,
            updated_at: now,
        };
        let stored = self.store().insert_server(&row).await?;
        let grant = self.target_grant_of(user_id).await?;
        self.follow(&stored, grant)?;
        self.announce_servers_changed().await;
        Ok(())
    }
}
