//! The embedded engine (librqbit) in a temporary directory, for the adapter
//! tests: loopback only, DHT off.

use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use tm_backends::{BackendConfig, Connection, Engine, EngineOptions};

use crate::backend::on_loopback;

/// The address the engine takes peers on in tests (each client has its own
/// 127.0.0.x: rTorrent ignores a second peer on an address it knows).
pub const EMBEDDED_PEER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 6);

/// A running engine; dropping it stops it (call [`EmbeddedEngine::restart`]
/// or `Engine::shutdown` for a graceful stop).
pub struct EmbeddedEngine {
    engine: Option<Engine>,
    pub download_dir: PathBuf,
    pub state_dir: PathBuf,
    _dir: tempfile::TempDir,
}

impl EmbeddedEngine {
    pub async fn start() -> io::Result<Self> {
        let dir = crate::temp_dir("tm-embedded-")?;
        let download_dir = dir.path().join("downloads");
        let state_dir = dir.path().join("state");
        let engine = Engine::start(Self::options(&download_dir, &state_dir))
            .await
            .map_err(io::Error::other)?;
        Ok(Self {
            engine: Some(engine),
            download_dir,
            state_dir,
            _dir: dir,
        })
    }

    fn options(download_dir: &Path, state_dir: &Path) -> EngineOptions {
        EngineOptions {
            download_dir: download_dir.to_owned(),
            state_dir: state_dir.to_owned(),
            listen_port: None,
            listen_ip: Some(IpAddr::V4(EMBEDDED_PEER_IP)),
            dht: false,
        }
    }

    /// The adapter's settings (a new handle after a restart).
    pub fn config(&self) -> BackendConfig {
        let handle = self
            .engine
            .as_ref()
            .map(Engine::handle)
            .expect("the engine runs");
        on_loopback("embedded", Connection::Embedded(handle))
    }

    /// The settings of `user_id`'s share of the engine (the torrents that
    /// user adds, in their own folder).
    pub fn config_for_user(&self, user_id: &str) -> BackendConfig {
        let handle = self
            .engine
            .as_ref()
            .map(Engine::handle)
            .expect("the engine runs")
            .for_user(user_id)
            .expect("a plain user id");
        on_loopback("embedded", Connection::Embedded(handle))
    }

    /// Shuts the engine down and starts it again on the same directories.
    pub async fn restart(&mut self) -> io::Result<()> {
        if let Some(engine) = self.engine.take() {
            engine.shutdown().await;
        }
        let engine = Engine::start(Self::options(&self.download_dir, &self.state_dir))
            .await
            .map_err(io::Error::other)?;
        self.engine = Some(engine);
        Ok(())
    }
}
