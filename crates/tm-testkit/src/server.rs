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

    async fn start_with(tweak: impl FnOnce(&mut tm_server::Config)) -> io::Result<InProcessServer> {
        let data_dir = tempfile::Builder::new().prefix("tm-server-").tempdir()?;
        let mut config = tm_server::Config::new(data_dir.path());
        config.port = 0;
        tweak(&mut config);
        let server = tm_server::start(config)
            .await
            .map_err(|e| io::Error::other(format!("tm-server: {e:#}")))?;
        Ok(InProcessServer {
            url: format!("http://{}", server.local_addr()),
            server,
            _data_dir: data_dir,
        })
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
