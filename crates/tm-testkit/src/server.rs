//! tm-server in-process on a free loopback port, with a fresh data directory
//! (SQLite), as the client, CLI and benchmark run it (feature `server`).

use std::io;
use std::net::SocketAddr;

/// A running server; dropping it stops the server and removes its data.
pub struct InProcessServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    // Field order: the server stops before its directory is removed.
    server: tm_server::RunningServer,
    engine_downloads: Option<std::path::PathBuf>,
    _data_dir: tempfile::TempDir,
}

impl InProcessServer {
    pub async fn start() -> io::Result<InProcessServer> {
        Self::start_with(|config| config.engine = None).await
    }

    /// With the embedded engine ("This machine"): downloads in the data
    /// directory, peers on 127.0.0.8, no DHT.
    pub async fn start_with_engine() -> io::Result<InProcessServer> {
        Self::start_with(|config| {
            if let Some(engine) = config.engine.as_mut() {
                engine.dht = false;
                engine.listen_ip = Some(std::net::Ipv4Addr::new(127, 0, 0, 8).into());
            }
        })
        .await
    }

    /// A server for a test on `client`, and the client: a started daemon
    /// (`None`: not installed), or the server's own engine ("This machine").
    pub async fn for_client(
        client: crate::ClientUnderTest,
    ) -> Option<(crate::RunningClient, InProcessServer)> {
        if !client.runs_in_server() {
            let running = client.start().await?;
            let server = Self::start().await;
            return Some((running, server.unwrap_or_else(|e| panic!("{e}"))));
        }
        let server = Self::start_with_engine()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let running = server.engine_client().expect("the server runs its engine");
        Some((running, server))
    }

    async fn start_with(tweak: impl FnOnce(&mut tm_server::Config)) -> io::Result<InProcessServer> {
        let data_dir = tempfile::Builder::new().prefix("tm-server-").tempdir()?;
        let mut config = tm_server::Config::new(data_dir.path());
        config.port = 0;
        tweak(&mut config);
        let engine_downloads = config.engine.as_ref().map(|e| e.downloads_dir.clone());
        let server = tm_server::start(config)
            .await
            .map_err(|e| io::Error::other(format!("tm-server: {e:#}")))?;
        Ok(InProcessServer {
            url: format!("http://{}", server.local_addr()),
            server,
            engine_downloads,
            _data_dir: data_dir,
        })
    }

    /// Its embedded engine as a client under test, when it runs one.
    pub fn engine_client(&self) -> Option<crate::RunningClient> {
        let handle = self.server.engine_handle()?;
        let downloads = self.engine_downloads.clone()?;
        Some(crate::RunningClient::in_server(handle, downloads))
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Stops the server gracefully, then removes its data.
    pub async fn stop(self) -> io::Result<()> {
        self.server
            .stop()
            .await
            .map_err(|e| io::Error::other(format!("tm-server: {e:#}")))
    }
}
