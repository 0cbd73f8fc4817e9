//! A real rqbit server for the `rqbit` kind: librqbit's own HTTP API (what
//! `rqbit server start` serves) on 127.0.0.1, over a session in a temporary
//! directory: DHT, UPnP and local discovery off, peers on a 127.0.0.x of
//! its own. With `basic_auth`, the API wants a user and password, as
//! `--http-basic-auth-usr`/`--http-basic-auth-pwd` make it.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use librqbit::http_api::{HttpApi, HttpApiOptions};
use librqbit::{Api, ListenerMode, ListenerOptions, Session, SessionOptions};
use tm_backends::{BackendConfig, Connection, Tls};

use crate::backend::{login, loopback_http, on_loopback};

/// The address the rqbit server takes peers on in tests (each client has
/// its own 127.0.0.x: rTorrent ignores a second peer on an address it knows).
pub const RQBIT_PEER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 10);

const USERNAME: &str = "rqbit";
const PASSWORD: &str = "rqbit-test-pw";

/// A running rqbit server; dropping it stops it.
pub struct RqbitServer {
    /// The HTTP API's port on 127.0.0.1.
    pub port: u16,
    pub download_dir: PathBuf,
    basic_auth: bool,
    session: Arc<Session>,
    api: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl RqbitServer {
    pub async fn start(basic_auth: bool) -> io::Result<Self> {
        let dir = crate::temp_dir("tm-rqbit-")?;
        let download_dir = dir.path().join("downloads");
        std::fs::create_dir_all(&download_dir)?;
        let options = SessionOptions {
            dht: None,
            fastresume: false,
            persistence: None,
            listen: Some(ListenerOptions {
                mode: ListenerMode::TcpOnly,
                listen_addr: SocketAddr::new(IpAddr::V4(RQBIT_PEER_IP), 0),
                enable_upnp_port_forwarding: false,
                ipv4_only: true,
                ..ListenerOptions::default()
            }),
            disable_local_service_discovery: true,
            ipv4_only: true,
            ..SessionOptions::default()
        };
        let session = Session::new_with_opts(download_dir.clone(), options)
            .await
            .map_err(|e| io::Error::other(format!("{e:#}")))?;
        let listener = librqbit_dualstack_sockets::TcpListener::bind_tcp(
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            librqbit_dualstack_sockets::BindOpts {
                request_dualstack: false,
                ..Default::default()
            },
        )
        .map_err(|e| io::Error::other(e.to_string()))?;
        let port = listener.bind_addr().port();
        let http = HttpApi::new(
            Api::new(session.clone(), None, None),
            Some(HttpApiOptions {
                basic_auth: basic_auth.then(|| (USERNAME.to_owned(), PASSWORD.to_owned())),
                ..HttpApiOptions::default()
            }),
        );
        let serve = http.make_http_api_and_run(listener, None);
        let api = tokio::spawn(async move {
            if let Err(e) = serve.await {
                eprintln!("rqbit's HTTP API stopped: {e:#}");
            }
        });
        Ok(Self {
            port,
            download_dir,
            basic_auth,
            session,
            api,
            _dir: dir,
        })
    }

    /// The adapter's settings (with the login when the API wants one).
    pub fn config(&self) -> BackendConfig {
        on_loopback(
            "rqbit",
            Connection::Rqbit {
                endpoint: loopback_http(self.port, None, Tls::Off),
                login: self.basic_auth.then(|| login(USERNAME, PASSWORD)),
            },
        )
    }
}

impl Drop for RqbitServer {
    fn drop(&mut self) {
        self.api.abort();
        self.session.cancellation_token().cancel();
    }
}
