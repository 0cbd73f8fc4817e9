//! The "This machine" server: the row through which the embedded engine is
//! used like any other client. Made once per engine, for the first admin
//! (at start, or when the first account registers): an admin who deletes
//! it keeps it deleted. Its `host` is the engine's id, so with several
//! instances on one database each engine's row is polled by its own
//! instance only.

use tm_api_types::{ServerType, Transport};
use tm_backends::embedded::EngineHandle;

use super::{Core, Result, now_millis};
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
    /// The handle for `row` when it is this process's engine's server.
    pub(super) fn engine_of(&self, row: &ServerRow) -> Option<EngineHandle> {
        let local = self.local_engine()?;
        (row.server_type == ServerType::Embedded.as_str() && row.host == local.id)
            .then(|| local.handle.clone())
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
        let has_default = self
            .store()
            .servers_of(&admin.id)
            .await?
            .iter()
            .any(|server| server.is_default);
        let now = now_millis();
        let row = ServerRow {
            id,
            user_id: admin.id.clone(),
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
        let policy = self.target_policy_of(&admin.id).await?;
        self.follow(&stored, policy)?;
        self.announce_servers_changed().await;
        tracing::info!(admin = %crate::logsafe::text(&admin.username), "made the \"This machine\" server for the embedded engine");
        Ok(())
    }
}
