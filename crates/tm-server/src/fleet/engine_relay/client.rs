//! The adapter of a mirror of another instance's engine: each call goes
//! through the database to that instance and waits for its answer.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use tm_backends::{
    AddTorrent, BackendError, ClientInfo, ClientKind, ErrorKind, FilePriority, Peer, RemoveOutcome,
    Result, Torrent, TorrentClient, TorrentFile, Tracker,
};

use super::FORGET_AFTER_MS;
use super::call::{self, Answer, Call};
use crate::db::engine_calls;

/// The longest pause between two looks for the answer.
const MOST_PATIENT: Duration = Duration::from_millis(100);

pub struct RelayClient {
    pool: PgPool,
    engine_id: String,
    server_id: String,
    label: String,
    timeout: Duration,
}

impl RelayClient {
    pub fn new(
        pool: PgPool,
        engine_id: String,
        server_id: String,
        label: String,
        timeout: Duration,
    ) -> Self {
        Self {
            pool,
            engine_id,
            server_id,
            label,
            timeout,
        }
    }

    fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(self.label.clone(), kind)
    }

    /// Queues `call`, then looks for the answer, more patiently as time
    /// goes, until the server's timeout.
    async fn relay<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let database =
            |e: crate::db::DbError| self.error(ErrorKind::Network(format!("the database: {e}")));
        let body = serde_json::to_string(&call)
            .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
        let id = engine_calls::queue(&self.pool, &self.engine_id, &self.server_id, &body)
            .await
            .map_err(database)?;
        let deadline = Instant::now() + self.timeout;
        let mut pause = Duration::from_millis(5);
        loop {
            if let Some(text) = engine_calls::take_answer(&self.pool, &id)
                .await
                .map_err(database)?
            {
                let answer: Answer = serde_json::from_str(&text).map_err(|e| {
                    self.error(ErrorKind::Malformed(format!("relayed answer: {e}")))
                })?;
                let value = answer.map_err(|kind| self.error(kind))?;
                return serde_json::from_value(value)
                    .map_err(|e| self.error(ErrorKind::Malformed(format!("relayed answer: {e}"))));
            }
            if Instant::now() >= deadline {
                // Unclaimed, it is never made; claimed, it may still be.
                engine_calls::forget(&self.pool, &id, FORGET_AFTER_MS)
                    .await
                    .map_err(database)?;
                return Err(self.error(ErrorKind::Timeout(self.timeout)));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MOST_PATIENT);
        }
    }
}

#[async_trait]
impl TorrentClient for RelayClient {
    fn kind(&self) -> ClientKind {
        ClientKind::Embedded
    }

    fn server_label(&self) -> &str {
        &self.label
    }

    async fn probe(&self) -> Result<ClientInfo> {
        self.relay(Call::Probe).await
    }

    async fn list(&self) -> Result<Vec<Torrent>> {
        self.relay(Call::List).await
    }

    async fn get(&self, info_hash: &str) -> Result<Option<Torrent>> {
        self.relay(Call::Get {
            hash: info_hash.to_owned(),
        })
        .await
    }

    async fn get_many(&self, info_hashes: &[String]) -> Result<Vec<Torrent>> {
        self.relay(Call::GetMany {
            hashes: info_hashes.to_vec(),
        })
        .await
    }

    async fn add(&self, torrent: AddTorrent) -> Result<String> {
        self.relay(Call::Add(torrent.into())).await
    }

    async fn start(&self, info_hashes: &[String]) -> Result<()> {
        self.relay(Call::Start {
            hashes: info_hashes.to_vec(),
        })
        .await
    }

    async fn stop(&self, info_hashes: &[String]) -> Result<()> {
        self.relay(Call::Stop {
            hashes: info_hashes.to_vec(),
        })
        .await
    }

    async fn remove(&self, info_hash: &str, delete_data: bool) -> Result<RemoveOutcome> {
        self.relay(Call::Remove {
            hash: info_hash.to_owned(),
            delete_data,
        })
        .await
    }

    async fn recheck(&self, info_hashes: &[String]) -> Result<()> {
        self.relay(Call::Recheck {
            hashes: info_hashes.to_vec(),
        })
        .await
    }

    async fn reannounce(&self, info_hashes: &[String]) -> Result<()> {
        self.relay(Call::Reannounce {
            hashes: info_hashes.to_vec(),
        })
        .await
    }

    async fn files(&self, info_hash: &str) -> Result<Vec<TorrentFile>> {
        self.relay(Call::Files {
            hash: info_hash.to_owned(),
        })
        .await
    }

    async fn set_file_priorities(
        &self,
        info_hash: &str,
        priorities: &[(usize, FilePriority)],
    ) -> Result<()> {
        let priorities = priorities.to_vec();
        self.relay(Call::SetFilePriorities {
            hash: info_hash.to_owned(),
            priorities,
        })
        .await
    }

    async fn peers(&self, info_hash: &str) -> Result<Vec<Peer>> {
        self.relay(Call::Peers {
            hash: info_hash.to_owned(),
        })
        .await
    }

    async fn trackers(&self, info_hash: &str) -> Result<Vec<Tracker>> {
        self.relay(Call::Trackers {
            hash: info_hash.to_owned(),
        })
        .await
    }

    async fn set_labels(&self, info_hash: &str, labels: &[String]) -> Result<()> {
        self.relay(Call::SetLabels {
            hash: info_hash.to_owned(),
            labels: labels.to_vec(),
        })
        .await
    }

    async fn export_metainfo(&self, info_hash: &str) -> Result<Vec<u8>> {
        let text: String = self
            .relay(Call::ExportMetainfo {
                hash: info_hash.to_owned(),
            })
            .await?;
        call::decode(&text).map_err(|kind| self.error(kind))
    }

    async fn free_space(&self) -> Result<Option<u64>> {
        self.relay(Call::FreeSpace).await
    }
}
