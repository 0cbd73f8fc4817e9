//! Trying a server's settings before saving them, so that a wrong password
//! or port is reported at once instead of as a server that never connects.

use tm_client::{
    Client, ConnectionStatus, CreateServerRequest, Patch, ServerInfo, UpdateServerRequest,
};

/// Asks the server to connect with `settings`; an error (nothing saved)
/// when it cannot. The success goes to stderr, keeping stdout for the result.
pub async fn before_saving(client: &Client, settings: &CreateServerRequest) -> anyhow::Result<()> {
    let tested = client.test_server_settings(settings).await?;
    match tested.status {
        ConnectionStatus::Connected => {
            eprintln!("Connected: {}", tested.message);
            Ok(())
        }
        ConnectionStatus::Failed => anyhow::bail!(
            "could not connect with these settings, nothing saved: {} \
             (--skip-test saves them anyway)",
            tested.message
        ),
    }
}

/// The settings `update` would leave: the current ones with the changes.
/// Passwords are never shown, so only a password being set is known.
pub fn after_update(current: &ServerInfo, update: &UpdateServerRequest) -> CreateServerRequest {
    CreateServerRequest {
        name: or_current(&update.name, &current.name),
        server_type: or_current(&update.server_type, &current.server_type),
        host: or_current(&update.host, &current.host),
        port: or_current(&update.port, &current.port),
        username: update.username.clone().apply_to(current.username.clone()),
        password: update.password.clone().apply_to(None),
        rpc_path: update.rpc_path.clone().apply_to(current.rpc_path.clone()),
        use_ssl: or_current(&update.use_ssl, &current.use_ssl),
        transport: Some(or_current(&update.transport, &current.transport)),
        socket_path: update
            .socket_path
            .clone()
            .apply_to(current.socket_path.clone()),
        tls_accept_invalid_certs: or_current(
            &update.tls_accept_invalid_certs,
            &current.tls_accept_invalid_certs,
        ),
        enabled: or_current(&update.enabled, &current.enabled),
        is_default: or_current(&update.is_default, &current.is_default),
        http_host: update.http_host.clone().apply_to(current.http_host.clone()),
        http_port: update.http_port.clone().apply_to(current.http_port),
        http_path: update.http_path.clone().apply_to(current.http_path.clone()),
        http_username: update
            .http_username
            .clone()
            .apply_to(current.http_username.clone()),
        http_password: update.http_password.clone().apply_to(None),
        http_use_ssl: or_current(&update.http_use_ssl, &current.http_use_ssl),
        http_download_root: update
            .http_download_root
            .clone()
            .apply_to(current.http_download_root.clone()),
    }
}

/// A required setting: the new value, else the current one.
fn or_current<T: Clone>(patch: &Patch<T>, current: &T) -> T {
    match patch {
        Patch::Set(value) => value.clone(),
        Patch::Unchanged | Patch::Clear => current.clone(),
    }
}
