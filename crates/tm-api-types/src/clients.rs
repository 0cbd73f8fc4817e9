//! Every client kind the manager speaks, in one table: its name, and the
//! transports it accepts with their default ports and paths. The server's
//! validation, `GET /clients`, the CLI and the web UI all read it; the
//! adapters are built from it in `tm-backends`. A new client is one entry.

use crate::Transport;

/// The kind of torrent client a server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServerType {
    Rtorrent,
    Transmission,
    Qbittorrent,
    Deluge,
    /// The torrent engine inside this process (librqbit).
    Embedded,
    /// An rqbit server run elsewhere, over its HTTP API.
    Rqbit,
}

/// One way of reaching a client kind, with what a form should prefill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportDefaults {
    pub transport: Transport,
    /// `None` where there is no port (a unix socket).
    pub port: Option<u16>,
    /// The HTTP path of the RPC endpoint, for HTTP transports.
    pub path: Option<&'static str>,
}

const fn way(
    transport: Transport,
    port: Option<u16>,
    path: Option<&'static str>,
) -> TransportDefaults {
    TransportDefaults {
        transport,
        port,
        path,
    }
}

impl ServerType {
    pub const ALL: [ServerType; 6] = [
        ServerType::Rtorrent,
        ServerType::Transmission,
        ServerType::Qbittorrent,
        ServerType::Deluge,
        ServerType::Embedded,
        ServerType::Rqbit,
    ];

    /// The id used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerType::Rtorrent => "rtorrent",
            ServerType::Transmission => "transmission",
            ServerType::Qbittorrent => "qbittorrent",
            ServerType::Deluge => "deluge",
            ServerType::Embedded => "embedded",
            ServerType::Rqbit => "rqbit",
        }
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            ServerType::Rtorrent => "rTorrent",
            ServerType::Transmission => "Transmission",
            ServerType::Qbittorrent => "qBittorrent",
            ServerType::Deluge => "Deluge",
            ServerType::Embedded => "Embedded engine",
            ServerType::Rqbit => "rqbit",
        }
    }

    /// The transports it accepts, the default first.
    pub fn transports(self) -> &'static [TransportDefaults] {
        const RTORRENT: &[TransportDefaults] = &[
            way(Transport::Scgi, Some(5000), None),
            way(Transport::Http, Some(80), Some("/RPC2")),
            way(Transport::ScgiUnix, None, None),
        ];
        const TRANSMISSION: &[TransportDefaults] =
            &[way(Transport::Http, Some(9091), Some("/transmission/rpc"))];
        // The WebUI's root: the API is under `<path>/api/v2/`.
        const QBITTORRENT: &[TransportDefaults] = &[way(Transport::Http, Some(8080), Some("/"))];
        const DELUGE: &[TransportDefaults] = &[
            way(Transport::DelugeRpc, Some(58846), None),
            way(Transport::Http, Some(8112), Some("/json")),
        ];
        // No address: the engine runs in the server's own process.
        const EMBEDDED: &[TransportDefaults] = &[way(Transport::InProcess, None, None)];
        // `rqbit server start` serves its HTTP API at the root, port 3030.
        const RQBIT: &[TransportDefaults] = &[way(Transport::Http, Some(3030), Some("/"))];
        match self {
            ServerType::Rtorrent => RTORRENT,
            ServerType::Transmission => TRANSMISSION,
            ServerType::Qbittorrent => QBITTORRENT,
            ServerType::Deluge => DELUGE,
            ServerType::Embedded => EMBEDDED,
            ServerType::Rqbit => RQBIT,
        }
    }

    /// How `transport` reaches this kind, `None` when it does not.
    pub fn transport(self, transport: Transport) -> Option<TransportDefaults> {
        self.transports()
            .iter()
            .copied()
            .find(|t| t.transport == transport)
    }

    /// The transport the other settings imply when none is given: a socket
    /// path means the unix socket, an RPC path means HTTP, else the default.
    pub fn implied_transport(self, socket_path: bool, rpc_path: bool) -> Transport {
        let wanted = if socket_path {
            Some(Transport::ScgiUnix)
        } else if rpc_path {
            Some(Transport::Http)
        } else {
            None
        };
        wanted
            .filter(|t| self.transport(*t).is_some())
            .unwrap_or(self.transports()[0].transport)
    }
}

impl std::fmt::Display for ServerType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.display_name())
    }
}

impl std::str::FromStr for ServerType {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        ServerType::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
            .ok_or_else(|| {
                let names: Vec<String> = ServerType::ALL
                    .iter()
                    .map(|k| format!("'{}'", k.as_str()))
                    .collect();
                format!(
                    "server_type must be one of {}, not '{value}'",
                    names.join(", ")
                )
            })
    }
}

/// `GET /clients`: one client kind and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientKindInfo {
    /// The `server_type` value.
    pub server_type: ServerType,
    pub name: String,
    /// The transports it accepts, the default first.
    pub transports: Vec<ClientTransportInfo>,
    /// Whether users add servers of this kind (`POST /servers`); the
    /// embedded engine's server is made by torrent-manager.
    pub addable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientTransportInfo {
    pub transport: Transport,
    pub default_port: Option<u16>,
    pub default_path: Option<String>,
}

impl From<ServerType> for ClientKindInfo {
    fn from(kind: ServerType) -> Self {
        Self {
            server_type: kind,
            name: kind.display_name().to_string(),
            addable: kind != ServerType::Embedded,
            transports: kind
                .transports()
                .iter()
                .map(|t| ClientTransportInfo {
                    transport: t.transport,
                    default_port: t.port,
                    default_path: t.path.map(str::to_string),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_transports_are_implied() {
        for kind in ServerType::ALL {
            assert_eq!(kind.as_str().parse::<ServerType>(), Ok(kind));
            assert!(!kind.transports().is_empty());
        }
        assert!(
            "utorrent"
                .parse::<ServerType>()
                .unwrap_err()
                .contains("'deluge'")
        );
        let rtorrent = ServerType::Rtorrent;
        assert_eq!(rtorrent.implied_transport(true, false), Transport::ScgiUnix);
        assert_eq!(rtorrent.implied_transport(false, true), Transport::Http);
        assert_eq!(rtorrent.implied_transport(false, false), Transport::Scgi);
        assert_eq!(
            ServerType::Deluge.implied_transport(false, true),
            Transport::Http
        );
        assert_eq!(
            ServerType::Deluge.implied_transport(false, false),
            Transport::DelugeRpc
        );
        assert_eq!(
            ServerType::Transmission.implied_transport(true, false),
            Transport::Http
        );
        assert_eq!(ServerType::Qbittorrent.transport(Transport::Scgi), None);
    }
}
