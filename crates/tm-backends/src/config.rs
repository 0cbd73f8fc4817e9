//! How to reach one torrent client: its name, its connection (tagged per
//! kind, in `connection.rs`), the timeout and the egress policy.

use std::fmt;
use std::time::Duration;

use crate::connection::Connection;
use crate::egress::TargetPolicy;

/// The kind of client, from the one table of kinds (`tm_api_types::ServerType`):
/// its transports, default ports and paths.
pub use tm_api_types::ServerType as ClientKind;
/// How requests travel; which ones a kind accepts is in its table entry.
pub use tm_api_types::Transport;

/// A password that never shows up in `Debug` output or logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BackendConfig {
    /// Shown in error messages.
    pub name: String,
    /// Where and how: the kind and transport follow from it.
    pub connection: Connection,
    /// Upper bound for every single call, connection included.
    pub timeout: Duration,
    /// Which addresses and sockets may be dialled, checked on every connection.
    pub egress: TargetPolicy,
}

impl BackendConfig {
    pub fn kind(&self) -> ClientKind {
        self.connection.kind()
    }

    pub fn transport(&self) -> Transport {
        self.connection.transport()
    }

    /// Where requests go, without credentials (for messages).
    pub fn endpoint(&self) -> String {
        self.connection.endpoint()
    }

    /// `name (Kind at endpoint)`: the server label used in every error.
    pub(crate) fn server_label(&self) -> String {
        format!("{} ({} at {})", self.name, self.kind(), self.endpoint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{HttpEndpoint, Login, Tls};

    #[test]
    fn debug_hides_the_password() {
        let config = BackendConfig {
            name: "box".into(),
            connection: Connection::Transmission {
                endpoint: HttpEndpoint {
                    host: "127.0.0.1".into(),
                    port: 9091,
                    path: None,
                    tls: Tls::Verified,
                },
                login: Some(Login {
                    username: "u".into(),
                    password: Secret::new("hunter2"),
                }),
            },
            timeout: Duration::from_secs(5),
            egress: TargetPolicy::unrestricted(),
        };
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.kind(), ClientKind::Transmission);
        assert_eq!(config.transport(), Transport::Http);
        assert_eq!(
            config.server_label(),
            "box (Transmission at https://127.0.0.1:9091/transmission/rpc)"
        );
    }
}
