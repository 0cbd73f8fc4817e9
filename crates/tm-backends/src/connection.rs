//! Where and how to reach a client, tagged per kind and transport: each
//! variant carries exactly the fields its adapter uses, so the kind and the
//! transport cannot disagree and no field means nothing. The API and the
//! database keep one flat record ([`ServerSettings`]); the one constructor
//! from it, per kind, is [`Connection::from_settings`].

use std::fmt;

use crate::config::{ClientKind, Secret, Transport};
use crate::embedded::EngineHandle;
use crate::relay::Relay;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Transmission's RPC over HTTP, with basic auth when there is a login.
    Transmission {
        endpoint: HttpEndpoint,
        login: Option<Login>,
    },
    Rtorrent(RtorrentConnection),
    /// qBittorrent's WebAPI under the WebUI's root (`<path>/api/v2/`).
    Qbittorrent {
        endpoint: HttpEndpoint,
        auth: QbittorrentAuth,
    },
    Deluge(DelugeConnection),
    /// The torrent engine running in this process (no address).
    Embedded(EngineHandle),
    /// An rqbit server's HTTP API, with basic auth when there is a login
    /// (`--http-basic-auth-usr`/`--http-basic-auth-pwd`).
    Rqbit {
        endpoint: HttpEndpoint,
        login: Option<Login>,
    },
    /// An adapter the embedding program supplies (see [`Relay`]).
    Relay(Relay),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtorrentConnection {
    /// Behind a web server (`/RPC2`), with basic auth when there is a login.
    Http {
        endpoint: HttpEndpoint,
        login: Option<Login>,
    },
    /// The raw SCGI port (`network.scgi.open_port`); no auth.
    Scgi { host: String, port: u16 },
    /// The SCGI unix socket (`network.scgi.open_local`).
    ScgiUnix { path: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DelugeConnection {
    /// deluge-web's JSON-RPC: one password, no user.
    Web {
        endpoint: HttpEndpoint,
        password: Secret,
    },
    /// The daemon's own RPC (TLS with deluged's self-signed certificate,
    /// zlib + rencode), with one of its accounts.
    Rpc {
        host: String,
        port: u16,
        login: Login,
    },
}

/// How the manager proves itself to qBittorrent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QbittorrentAuth {
    /// None: the WebUI lets this address in (its whitelist or localhost bypass).
    None,
    /// Cookie login (`auth/login`), with basic auth on every call as Sonarr does.
    Login(Login),
    /// `Authorization: Bearer <key>` on every call and no login (WebAPI 2.14+,
    /// qBittorrent 5.2).
    ApiKey(Secret),
}

/// A user and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub username: String,
    pub password: Secret,
}

/// An HTTP(S) address: `host:port` and the path of the RPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpEndpoint {
    pub host: String,
    pub port: u16,
    /// `None`: the kind's default from the table of kinds.
    pub path: Option<String>,
    pub tls: Tls,
}

/// Whether HTTP goes over TLS, and whether the certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    Off,
    Verified,
    /// Self-signed or otherwise invalid certificates are accepted (home seedboxes).
    AcceptInvalidCerts,
}

impl HttpEndpoint {
    /// The URL, with `kind`'s default path when none is set.
    pub(crate) fn url(&self, kind: ClientKind) -> String {
        let scheme = if self.tls == Tls::Off {
            "http"
        } else {
            "https"
        };
        let default_path = kind.transport(Transport::Http).and_then(|way| way.path);
        let path = self.path.as_deref().or(default_path).unwrap_or("/");
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("{scheme}://{}:{}{slash}{path}", self.host, self.port)
    }
}

impl Connection {
    pub fn kind(&self) -> ClientKind {
        match self {
            Connection::Transmission { .. } => ClientKind::Transmission,
            Connection::Rtorrent(_) => ClientKind::Rtorrent,
            Connection::Qbittorrent { .. } => ClientKind::Qbittorrent,
            Connection::Deluge(_) => ClientKind::Deluge,
            Connection::Embedded(_) => ClientKind::Embedded,
            Connection::Rqbit { .. } => ClientKind::Rqbit,
            Connection::Relay(relay) => relay.client().kind(),
        }
    }

    pub fn transport(&self) -> Transport {
        match self {
            Connection::Rtorrent(RtorrentConnection::Scgi { .. }) => Transport::Scgi,
            Connection::Rtorrent(RtorrentConnection::ScgiUnix { .. }) => Transport::ScgiUnix,
            Connection::Deluge(DelugeConnection::Rpc { .. }) => Transport::DelugeRpc,
            Connection::Embedded(_) => Transport::InProcess,
            Connection::Relay(relay) => relay.transport(),
            _ => Transport::Http,
        }
    }

    /// Where requests go, without credentials (for messages).
    pub fn endpoint(&self) -> String {
        match self {
            Connection::Transmission { endpoint, .. }
            | Connection::Qbittorrent { endpoint, .. }
            | Connection::Rqbit { endpoint, .. }
            | Connection::Rtorrent(RtorrentConnection::Http { endpoint, .. })
            | Connection::Deluge(DelugeConnection::Web { endpoint, .. }) => {
                endpoint.url(self.kind())
            }
            Connection::Rtorrent(RtorrentConnection::Scgi { host, port }) => {
                format!("scgi://{host}:{port}")
            }
            Connection::Rtorrent(RtorrentConnection::ScgiUnix { path }) => format!("unix:{path}"),
            Connection::Deluge(DelugeConnection::Rpc { host, port, .. }) => {
                format!("deluge://{host}:{port}")
            }
            Connection::Embedded(_) => "this process".to_owned(),
            Connection::Relay(relay) => relay.endpoint().to_owned(),
        }
    }

    /// The connection a flat record describes, per kind and transport: the
    /// one place where each kind says which of the flat fields it uses; the
    /// others are ignored. Fails only when the kind is not reached over the
    /// transport (the table of kinds says the same, a test checks), or when
    /// the embedded engine is asked for and this instance runs none.
    pub fn from_settings(settings: ServerSettings) -> Result<Self, NotReachedOver> {
        let endpoint = settings.http_endpoint();
        let login = settings.login();
        let ServerSettings {
            kind,
            transport,
            host,
            port,
            username,
            password,
            socket_path,
            engine,
            ..
        } = settings;
        Ok(match (kind, transport) {
            (ClientKind::Transmission, Transport::Http) => {
                Connection::Transmission { endpoint, login }
            }
            (ClientKind::Rtorrent, Transport::Http) => {
                Connection::Rtorrent(RtorrentConnection::Http { endpoint, login })
            }
            (ClientKind::Rtorrent, Transport::Scgi) => {
                Connection::Rtorrent(RtorrentConnection::Scgi { host, port })
            }
            (ClientKind::Rtorrent, Transport::ScgiUnix) => {
                Connection::Rtorrent(RtorrentConnection::ScgiUnix {
                    path: socket_path.unwrap_or_default(),
                })
            }
            // The API's form is flat: a password alone is an API key.
            (ClientKind::Qbittorrent, Transport::Http) => Connection::Qbittorrent {
                endpoint,
                auth: match (login, password) {
                    (Some(login), _) => QbittorrentAuth::Login(login),
                    (None, Some(key)) if !key.expose().is_empty() => QbittorrentAuth::ApiKey(key),
                    (None, _) => QbittorrentAuth::None,
                },
            },
            (ClientKind::Deluge, Transport::Http) => Connection::Deluge(DelugeConnection::Web {
                endpoint,
                password: password.unwrap_or_default(),
            }),
            // deluged has no anonymous access: no user logs in as "" and is refused.
            (ClientKind::Deluge, Transport::DelugeRpc) => {
                Connection::Deluge(DelugeConnection::Rpc {
                    host,
                    port,
                    login: Login {
                        username: username.unwrap_or_default(),
                        password: password.unwrap_or_default(),
                    },
                })
            }
            (ClientKind::Rqbit, Transport::Http) => Connection::Rqbit { endpoint, login },
            (ClientKind::Embedded, Transport::InProcess) => match engine {
                Some(engine) => Connection::Embedded(engine),
                None => {
                    return Err(NotReachedOver {
                        kind,
                        transport,
                        engine_off: true,
                    });
                }
            },
            _ => {
                return Err(NotReachedOver {
                    kind,
                    transport,
                    engine_off: false,
                });
            }
        })
    }
}

/// A server's settings as the API and the database hold them: one flat
/// record with the fields of every kind.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub kind: ClientKind,
    pub transport: Transport,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub rpc_path: Option<String>,
    pub use_ssl: bool,
    pub accept_invalid_certs: bool,
    /// The unix socket, for rTorrent's `scgi_unix`.
    pub socket_path: Option<String>,
    /// The engine of this process, for the `embedded` kind (the server
    /// fills it from its state); `None` when the instance runs none.
    pub engine: Option<EngineHandle>,
}

impl ServerSettings {
    fn http_endpoint(&self) -> HttpEndpoint {
        HttpEndpoint {
            host: self.host.clone(),
            port: self.port,
            path: self.rpc_path.clone(),
            tls: match (self.use_ssl, self.accept_invalid_certs) {
                (false, _) => Tls::Off,
                (true, false) => Tls::Verified,
                (true, true) => Tls::AcceptInvalidCerts,
            },
        }
    }

    /// A user and password, when a user is set.
    fn login(&self) -> Option<Login> {
        let username = self.username.as_deref().filter(|u| !u.is_empty())?;
        Some(Login {
            username: username.to_owned(),
            password: self.password.clone().unwrap_or_default(),
        })
    }
}

/// A kind asked for over a transport it does not speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReachedOver {
    pub kind: ClientKind,
    pub transport: Transport,
    /// The kind is the embedded engine, and this instance runs none.
    pub engine_off: bool,
}

impl fmt::Display for NotReachedOver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.engine_off {
            return f.write_str("the embedded engine is turned off on this instance");
        }
        write!(
            f,
            "{} is not reached over {}",
            self.kind,
            self.transport.as_str()
        )
    }
}

impl std::error::Error for NotReachedOver {}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kind: ClientKind, transport: Transport) -> ServerSettings {
        ServerSettings {
            kind,
            transport,
            host: "127.0.0.1".into(),
            port: 8080,
            username: None,
            password: None,
            rpc_path: None,
            use_ssl: false,
            accept_invalid_certs: false,
            socket_path: Some("/run/rtorrent.sock".into()),
            engine: None,
        }
    }

    #[test]
    fn builds_exactly_what_the_table_of_kinds_accepts() {
        for kind in ClientKind::ALL {
            for transport in Transport::ALL {
                // The engine needs a running engine: its own test below.
                let accepted = kind.transport(transport).is_some() && kind != ClientKind::Embedded;
                match Connection::from_settings(settings(kind, transport)) {
                    Ok(connection) => {
                        assert!(accepted, "{kind} over {transport:?}");
                        assert_eq!(connection.kind(), kind);
                        assert_eq!(connection.transport(), transport);
                    }
                    Err(refused) if refused.engine_off => {
                        assert_eq!(
                            (kind, transport),
                            (ClientKind::Embedded, Transport::InProcess)
                        );
                    }
                    Err(refused) => {
                        assert!(!accepted, "{kind} over {transport:?}");
                        assert_eq!(
                            refused.to_string(),
                            format!("{kind} is not reached over {}", transport.as_str())
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_embedded_kind_needs_the_engine_of_this_instance() {
        let refused =
            Connection::from_settings(settings(ClientKind::Embedded, Transport::InProcess))
                .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "the embedded engine is turned off on this instance"
        );
    }

    #[test]
    fn a_qbittorrent_password_without_a_user_is_an_api_key() {
        let with = |username: Option<&str>, password: Option<&str>| {
            let mut flat = settings(ClientKind::Qbittorrent, Transport::Http);
            flat.username = username.map(str::to_owned);
            flat.password = password.map(Secret::new);
            match Connection::from_settings(flat) {
                Ok(Connection::Qbittorrent { auth, .. }) => auth,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            with(None, Some("key")),
            QbittorrentAuth::ApiKey(Secret::new("key"))
        );
        assert_eq!(
            with(Some("admin"), Some("pw")),
            QbittorrentAuth::Login(Login {
                username: "admin".into(),
                password: Secret::new("pw"),
            })
        );
        assert_eq!(with(None, None), QbittorrentAuth::None);
        assert_eq!(with(Some(""), Some("")), QbittorrentAuth::None);
    }

    #[test]
    fn fields_a_transport_does_not_use_are_ignored() {
        let mut flat = settings(ClientKind::Rtorrent, Transport::Scgi);
        flat.username = Some("user".into());
        flat.rpc_path = Some("/RPC2".into());
        flat.use_ssl = true;
        let scgi = Connection::from_settings(flat).unwrap();
        assert_eq!(
            scgi,
            Connection::Rtorrent(RtorrentConnection::Scgi {
                host: "127.0.0.1".into(),
                port: 8080
            })
        );
        assert_eq!(scgi.endpoint(), "scgi://127.0.0.1:8080");

        let mut flat = settings(ClientKind::Deluge, Transport::Http);
        flat.username = Some("ignored".into());
        flat.password = Some(Secret::new("pw"));
        flat.use_ssl = true;
        flat.accept_invalid_certs = true;
        let web = Connection::from_settings(flat).unwrap();
        assert_eq!(web.endpoint(), "https://127.0.0.1:8080/json");
        let Connection::Deluge(DelugeConnection::Web { endpoint, password }) = web else {
            panic!("{web:?}");
        };
        assert_eq!(endpoint.tls, Tls::AcceptInvalidCerts);
        assert_eq!(password, Secret::new("pw"));
    }
}
