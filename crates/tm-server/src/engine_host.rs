//! The embedded engine this process runs, the "This machine" server:
//! started before the fleet (its adapter needs the handle), stopped after
//! the pollers. Its peer port and its id live in its state directory, so
//! they stay the same across restarts (a forwarded port keeps working; the
//! server row names the engine it is).

use std::path::Path;

use anyhow::Context;
use tm_backends::embedded::{Engine, EngineOptions};

use crate::config::Config;

const PORT_FILE: &str = "port";
const ID_FILE: &str = "id";

/// The running engine and the id its server row carries.
pub struct HostedEngine {
    pub engine: Engine,
    pub id: String,
}

/// Starts the engine when the configuration has one.
pub async fn start(config: &Config) -> anyhow::Result<Option<HostedEngine>> {
    let Some(settings) = &config.engine else {
        return Ok(None);
    };
    let state_dir = config.engine_state_dir();
    std::fs::create_dir_all(&state_dir)
        .with_context(|| format!("cannot create {}", state_dir.display()))?;
    let id = engine_id(&state_dir)?;
    let kept_port = read_trimmed(&state_dir.join(PORT_FILE)).and_then(|p| p.parse().ok());
    let options = EngineOptions {
        download_dir: settings.downloads_dir.clone(),
        state_dir: state_dir.clone(),
        listen_port: settings.listen_port.or(kept_port),
        listen_ip: settings.listen_ip,
        dht: settings.dht,
    };
    let engine = match Engine::start(options.clone()).await {
        Ok(engine) => engine,
        // The port of the last run is taken by another program now.
        Err(error) if settings.listen_port.is_none() && kept_port.is_some() => {
            tracing::warn!(%error, "the embedded engine's last port is taken: picking another");
            Engine::start(EngineOptions {
                listen_port: None,
                ..options
            })
            .await?
        }
        Err(error) => return Err(error.into()),
    };
    let port = engine.listen_port();
    if settings.listen_port.is_none()
        && let Some(port) = port
        && kept_port != Some(port)
    {
        std::fs::write(state_dir.join(PORT_FILE), port.to_string())
            .context("cannot keep the embedded engine's port")?;
    }
    tracing::info!(
        downloads = %settings.downloads_dir.display(),
        port,
        dht = settings.dht,
        "embedded engine started"
    );
    Ok(Some(HostedEngine { engine, id }))
}

/// This engine's id, made at its first start.
fn engine_id(state_dir: &Path) -> anyhow::Result<String> {
    let path = state_dir.join(ID_FILE);
    if let Some(id) = read_trimmed(&path).filter(|id| !id.is_empty()) {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().simple().to_string();
    std::fs::write(&path, &id).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(id)
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_owned())
}
