//! Normalising and checking a server's settings before they are saved or
//! used: text, transports, targets, and what an engine's server keeps.

use tm_api_types::{ServerType, Transport};
use tm_backends::TargetPolicy;

use super::targets::forbidden_target;
use super::{Error, Result, seedbox_path, validate};
use crate::db::ServerRow;

/// Trims text, turns empty optional text into None, and checks that the
/// server can be reached as configured.
pub(super) fn normalise_and_check(row: &mut ServerRow) -> Result<()> {
    row.name = validate::required_text("name", &row.name, 100)?;
    row.host = row.host.trim().to_string();
    for field in [
        &mut row.username,
        &mut row.rpc_path,
        &mut row.transport,
        &mut row.socket_path,
        &mut row.http_host,
        &mut row.http_path,
        &mut row.http_username,
        &mut row.http_download_root,
    ] {
        *field = field
            .take()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
    }
    let server_type: ServerType = row.server_type.parse().map_err(Error::Invalid)?;
    let transport = effective_transport(row)?;
    if server_type.transport(transport).is_none() {
        let accepted: Vec<&str> = server_type
            .transports()
            .iter()
            .map(|way| way.transport.as_str())
            .collect();
        return Err(Error::Invalid(format!(
            "{server_type} is reached over {}, not {}",
            accepted.join(" or "),
            transport.as_str()
        )));
    }
    if transport == Transport::ScgiUnix {
        match &row.socket_path {
            Some(path) if path.starts_with('/') => {}
            Some(_) => {
                return Err(Error::Invalid(
                    "socket_path must be an absolute path".into(),
                ));
            }
            None => {
                return Err(Error::Invalid(
                    "socket_path is required for the scgi_unix transport".into(),
                ));
            }
        }
    } else if transport != Transport::InProcess {
        check_host("host", &row.host)?;
        if !(1..=65535).contains(&row.port) {
            return Err(Error::Invalid("port must be between 1 and 65535".into()));
        }
    }
    if let Some(path) = &row.rpc_path
        && !path.starts_with('/')
    {
        return Err(Error::Invalid("rpc_path must start with '/'".into()));
    }
    if let Some(host) = &row.http_host {
        check_host("http_host", host)?;
    }
    if let Some(root) = &row.http_download_root {
        seedbox_path::check_download_root(root)?;
    }
    if let Some(port) = row.http_port
        && !(1..=65535).contains(&port)
    {
        return Err(Error::Invalid(
            "http_port must be between 1 and 65535".into(),
        ));
    }
    Ok(())
}

/// Refuses at once what the egress policy would refuse on every connection
/// (an IP literal, a local name, a unix socket); names are checked again
/// each time they are resolved.
pub(super) fn check_target(row: &ServerRow, policy: TargetPolicy) -> Result<()> {
    let transport = effective_transport(row)?;
    if transport == Transport::ScgiUnix {
        policy.check_unix_socket().map_err(forbidden_target)?;
    } else if transport != Transport::InProcess {
        policy
            .check_host_literal(&row.host)
            .map_err(forbidden_target)?;
    }
    if let Some(host) = &row.http_host {
        policy.check_host_literal(host).map_err(forbidden_target)?;
    }
    Ok(())
}

pub(super) fn engine_made_not_added() -> Error {
    Error::Invalid(
        "an embedded engine's server is made by torrent-manager (\"This machine\", for the first \
         admin); it cannot be added or made by hand"
            .into(),
    )
}

/// An engine's server keeps its kind and engine whatever an update says
/// (its name, default and enabled flags change); no other server becomes one.
pub(super) fn keep_engine_connection(stored: &ServerRow, row: &mut ServerRow) -> Result<()> {
    let embedded = ServerType::Embedded.as_str();
    if stored.server_type != embedded {
        return if row.server_type == embedded {
            Err(engine_made_not_added())
        } else {
            Ok(())
        };
    }
    row.server_type = stored.server_type.clone();
    row.transport = stored.transport.clone();
    row.host = stored.host.clone();
    row.port = stored.port;
    row.username = None;
    row.password_enc = None;
    row.rpc_path = None;
    row.use_ssl = false;
    row.socket_path = None;
    row.tls_accept_invalid_certs = false;
    Ok(())
}

fn check_host(field: &str, host: &str) -> Result<()> {
    if host.is_empty() {
        return Err(Error::Invalid(format!("{field} is required")));
    }
    if host.len() > 253 || host.contains(|c: char| c.is_whitespace() || c == '/' || c == '@') {
        return Err(Error::Invalid(format!(
            "{field} must be a host name or an IP address"
        )));
    }
    Ok(())
}

/// The explicit transport, or the one the other fields imply.
pub(super) fn effective_transport(row: &ServerRow) -> Result<Transport> {
    if let Some(explicit) = &row.transport {
        return explicit.parse().map_err(Error::Invalid);
    }
    let server_type: ServerType = row.server_type.parse().map_err(Error::Invalid)?;
    Ok(server_type.implied_transport(row.socket_path.is_some(), row.rpc_path.is_some()))
}
