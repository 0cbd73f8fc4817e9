//! The clients (and transports) every conformance test runs on, and the
//! macro that runs a scenario on each of them.

use std::fmt;
use std::io;
use std::path::PathBuf;

use tm_backends::{BackendConfig, ClientKind};

use crate::{
    DelugeDaemon, DelugeWeb, EmbeddedEngine, NginxScgiProxy, QbittorrentDaemon, RqbitServer,
    RtorrentDaemon, ScgiListener, TransmissionDaemon, daemon_available,
};

/// One client kind over one transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientUnderTest {
    Transmission,
    RtorrentScgi,
    RtorrentUnix,
    RtorrentHttp,
    Qbittorrent,
    DelugeWeb,
    DelugeRpc,
    /// librqbit's HTTP API, with basic auth (an rqbit server elsewhere).
    Rqbit,
    /// The engine inside the process: [`ClientUnderTest::start`] starts one
    /// on its own, for the adapter's tests; a server's tests take the
    /// engine their server runs ([`ClientUnderTest::runs_in_server`]).
    Embedded,
}

/// A running client; dropping it stops its processes.
pub struct RunningClient {
    /// How the adapter (and `POST /servers`) reaches it.
    pub config: BackendConfig,
    /// Where the client saves downloads by default.
    pub download_dir: PathBuf,
    _processes: Processes,
}

/// Field order: front ends stop before their daemons.
enum Processes {
    Transmission {
        _daemon: TransmissionDaemon,
    },
    Rtorrent {
        _proxy: Option<NginxScgiProxy>,
        _daemon: RtorrentDaemon,
    },
    Qbittorrent {
        _daemon: QbittorrentDaemon,
    },
    Deluge {
        _web: Option<DelugeWeb>,
        _daemon: DelugeDaemon,
    },
    Embedded {
        _engine: EmbeddedEngine,
    },
    Rqbit {
        _server: RqbitServer,
    },
    /// The engine of the server under test: it stops with its server.
    InServer,
}

impl ClientUnderTest {
    pub const ALL: [ClientUnderTest; 9] = [
        ClientUnderTest::Transmission,
        ClientUnderTest::RtorrentScgi,
        ClientUnderTest::RtorrentUnix,
        ClientUnderTest::RtorrentHttp,
        ClientUnderTest::Qbittorrent,
        ClientUnderTest::DelugeWeb,
        ClientUnderTest::DelugeRpc,
        ClientUnderTest::Rqbit,
        ClientUnderTest::Embedded,
    ];

    /// Whether the server under test runs this client itself (the embedded
    /// engine, as "This machine"); see [`RunningClient::in_server`].
    pub fn runs_in_server(self) -> bool {
        self == ClientUnderTest::Embedded
    }

    pub fn kind(self) -> ClientKind {
        match self {
            ClientUnderTest::Transmission => ClientKind::Transmission,
            ClientUnderTest::RtorrentScgi
            | ClientUnderTest::RtorrentUnix
            | ClientUnderTest::RtorrentHttp => ClientKind::Rtorrent,
            ClientUnderTest::Qbittorrent => ClientKind::Qbittorrent,
            ClientUnderTest::DelugeWeb | ClientUnderTest::DelugeRpc => ClientKind::Deluge,
            ClientUnderTest::Embedded => ClientKind::Embedded,
            ClientUnderTest::Rqbit => ClientKind::Rqbit,
        }
    }

    /// The client's own name, as its version string gives it.
    pub fn client_name(self) -> &'static str {
        match self.kind() {
            ClientKind::Transmission => "Transmission",
            ClientKind::Rtorrent => "rTorrent",
            ClientKind::Qbittorrent => "qBittorrent",
            ClientKind::Deluge => "Deluge",
            ClientKind::Embedded => "librqbit",
            ClientKind::Rqbit => "rqbit",
        }
    }

    /// The programs it needs on `PATH`.
    pub fn binaries(self) -> &'static [&'static str] {
        match self {
            ClientUnderTest::Transmission => &["transmission-daemon"],
            ClientUnderTest::RtorrentScgi | ClientUnderTest::RtorrentUnix => &["rtorrent"],
            ClientUnderTest::RtorrentHttp => &["rtorrent", "nginx"],
            ClientUnderTest::Qbittorrent => &["qbittorrent-nox"],
            ClientUnderTest::DelugeWeb => &["deluged", "deluge-web"],
            ClientUnderTest::DelugeRpc => &["deluged"],
            ClientUnderTest::Embedded | ClientUnderTest::Rqbit => &[],
        }
    }

    /// Starts the client, or `None` (skip) when its programs are missing
    /// outside CI (see [`daemon_available`]).
    pub async fn start(self) -> Option<RunningClient> {
        if !self.binaries().iter().all(|b| daemon_available(b)) {
            return None;
        }
        let (config, download_dir, processes) = match self {
            ClientUnderTest::Transmission => {
                let daemon = started(self, TransmissionDaemon::start().await);
                let download_dir = daemon.download_dir.clone();
                (
                    daemon.config(),
                    download_dir,
                    Processes::Transmission { _daemon: daemon },
                )
            }
            ClientUnderTest::RtorrentScgi
            | ClientUnderTest::RtorrentUnix
            | ClientUnderTest::RtorrentHttp => {
                let listener = if self == ClientUnderTest::RtorrentUnix {
                    ScgiListener::UnixSocket
                } else {
                    ScgiListener::Tcp
                };
                let daemon = started(self, RtorrentDaemon::start(listener).await);
                let nginx = match (self, daemon.scgi_port) {
                    (ClientUnderTest::RtorrentHttp, Some(port)) => {
                        Some(started(self, NginxScgiProxy::start(port).await))
                    }
                    _ => None,
                };
                let config = nginx
                    .as_ref()
                    .map_or_else(|| daemon.config(), |n| n.config());
                let download_dir = daemon.download_dir.clone();
                (
                    config,
                    download_dir,
                    Processes::Rtorrent {
                        _proxy: nginx,
                        _daemon: daemon,
                    },
                )
            }
            ClientUnderTest::Qbittorrent => {
                let daemon = started(self, QbittorrentDaemon::start().await);
                let download_dir = daemon.download_dir.clone();
                (
                    daemon.config(),
                    download_dir,
                    Processes::Qbittorrent { _daemon: daemon },
                )
            }
            ClientUnderTest::DelugeWeb | ClientUnderTest::DelugeRpc => {
                let daemon = started(self, DelugeDaemon::start(true).await);
                let web = match self {
                    ClientUnderTest::DelugeWeb => {
                        Some(started(self, DelugeWeb::start(&daemon).await))
                    }
                    _ => None,
                };
                let config = web.as_ref().map_or_else(|| daemon.config(), |w| w.config());
                let download_dir = daemon.download_dir.clone();
                (
                    config,
                    download_dir,
                    Processes::Deluge {
                        _web: web,
                        _daemon: daemon,
                    },
                )
            }
            ClientUnderTest::Embedded => {
                let engine = started(self, EmbeddedEngine::start().await);
                (
                    engine.config(),
                    engine.download_dir.clone(),
                    Processes::Embedded { _engine: engine },
                )
            }
            ClientUnderTest::Rqbit => {
                let server = started(self, RqbitServer::start(true).await);
                (
                    server.config(),
                    server.download_dir.clone(),
                    Processes::Rqbit { _server: server },
                )
            }
        };
        Some(RunningClient {
            config,
            download_dir,
            _processes: processes,
        })
    }
}

impl RunningClient {
    /// The engine a server under test runs: reached through `handle` (the
    /// whole engine), downloading to `download_dir`.
    pub fn in_server(handle: tm_backends::EngineHandle, download_dir: PathBuf) -> RunningClient {
        RunningClient {
            config: crate::backend::on_loopback(
                "embedded",
                tm_backends::Connection::Embedded(handle),
            ),
            download_dir,
            _processes: Processes::InServer,
        }
    }
}

/// The started process, or a panic naming the client.
fn started<T>(client: ClientUnderTest, result: io::Result<T>) -> T {
    result.unwrap_or_else(|e| panic!("{client} does not start: {e}"))
}

impl fmt::Display for ClientUnderTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = match self {
            ClientUnderTest::Transmission
            | ClientUnderTest::Qbittorrent
            | ClientUnderTest::Rqbit => "",
            ClientUnderTest::RtorrentScgi => " over SCGI/TCP",
            ClientUnderTest::RtorrentUnix => " over SCGI/unix socket",
            ClientUnderTest::RtorrentHttp => " over HTTP (nginx)",
            ClientUnderTest::DelugeWeb => " over deluge-web",
            ClientUnderTest::DelugeRpc => " over the daemon RPC",
            ClientUnderTest::Embedded => " (embedded)",
        };
        write!(f, "{}{transport}", self.client_name())
    }
}

/// One `#[tokio::test]` per scenario per client in [`ClientUnderTest::ALL`],
/// in a module per client (`transmission::name`, `deluge_rpc::name`, …):
///
/// ```ignore
/// tm_testkit::for_every_client! {
///     async fn lists_what_was_added(client: ClientUnderTest) {
///         let Some(running) = client.start().await else { return };
///         // …
///     }
/// }
/// ```
///
/// The scenario functions stay callable by name. A server's suite takes
/// the embedded engine from the server it starts (see
/// [`ClientUnderTest::runs_in_server`]). The test crate needs tokio with
/// `macros` and `rt-multi-thread`.
#[macro_export]
macro_rules! for_every_client {
    ($(async fn $name:ident($client:ident: ClientUnderTest) $body:block)*) => {
        $crate::__client_tests!(@clients [$($name)*]);
        $(async fn $name($client: $crate::ClientUnderTest) $body)*
    };
}

/// The rows of [`for_every_client!`]: module, variant, attributes of its tests.
#[doc(hidden)]
#[macro_export]
macro_rules! __client_tests {
    (@clients $names:tt) => {
        $crate::__client_tests! { @each $names
            transmission Transmission [];
            rtorrent_scgi RtorrentScgi [];
            rtorrent_unix RtorrentUnix [];
            rtorrent_http RtorrentHttp [];
            qbittorrent Qbittorrent [];
            deluge_web DelugeWeb [];
            deluge_rpc DelugeRpc [];
            rqbit Rqbit [];
            embedded Embedded [];
        }
    };
    (@each $names:tt $($module:ident $variant:ident $attrs:tt;)*) => {
        $(mod $module {
            $crate::__client_tests!(@tests $variant $attrs $names);
        })*
    };
    (@tests $variant:ident $attrs:tt [$($name:ident)*]) => {
        $($crate::__client_tests!(@test $variant $attrs $name);)*
    };
    (@test $variant:ident [$(#[$attr:meta])*] $name:ident) => {
        $(#[$attr])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            super::$name($crate::ClientUnderTest::$variant).await
        }
    };
}
