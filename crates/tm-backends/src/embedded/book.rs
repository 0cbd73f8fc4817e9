//! What torrent-manager keeps about the engine's torrents that the engine
//! has no place for: labels, when each was added, the file priorities asked
//! for, and magnets still waiting for their metadata. One small JSON file
//! (hash → entry) in the engine's state directory, loaded at start and
//! written whole after each change: a temporary file, flushed, then renamed
//! over the old one, so a crash leaves the old or the new file, never half.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::model::FilePriority;

const FILE_NAME: &str = "torrent-manager.json";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Unix seconds.
    #[serde(default)]
    pub added_at: Option<i64>,
    /// Non-skip priorities asked for, by file index (the engine only selects).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub priorities: BTreeMap<usize, FilePriority>,
    /// The user who added it through their share of the engine (see
    /// `EngineHandle::for_user`); `None`: added by an admin's view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// A magnet added but not yet in the engine (no metadata yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnet: Option<PendingMagnet>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingMagnet {
    pub uri: String,
    /// Fetch the metadata and start; `false`: wait for a start.
    pub start: bool,
    pub save_path: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub trackers: Vec<String>,
}

pub struct Book {
    path: PathBuf,
    entries: Mutex<BTreeMap<String, Entry>>,
}

impl Book {
    /// The book in `state_dir`; empty when there is no file yet.
    pub fn load(state_dir: &Path) -> Result<Self, String> {
        let path = state_dir.join(FILE_NAME);
        let entries = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} is not valid: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Ok(Self {
            path,
            entries: Mutex::new(entries),
        })
    }

    pub async fn get(&self, hash: &str) -> Entry {
        self.entries
            .lock()
            .await
            .get(hash)
            .cloned()
            .unwrap_or_default()
    }

    pub async fn all(&self) -> BTreeMap<String, Entry> {
        self.entries.lock().await.clone()
    }

    /// Changes (or creates) `hash`'s entry and writes the book.
    pub async fn update(&self, hash: &str, change: impl FnOnce(&mut Entry)) -> Result<(), String> {
        let mut entries = self.entries.lock().await;
        let mut next = entries.clone();
        change(next.entry(hash.to_owned()).or_default());
        self.write(&next).await?;
        *entries = next;
        Ok(())
    }

    /// Forgets `hash`.
    pub async fn remove(&self, hash: &str) -> Result<(), String> {
        let mut entries = self.entries.lock().await;
        if !entries.contains_key(hash) {
            return Ok(());
        }
        let mut next = entries.clone();
        next.remove(hash);
        self.write(&next).await?;
        *entries = next;
        Ok(())
    }

    /// Writes `entries` atomically (called with the lock held, so writes
    /// land in order).
    async fn write(&self, entries: &BTreeMap<String, Entry>) -> Result<(), String> {
        let bytes = serde_json::to_vec_pretty(entries).map_err(|e| e.to_string())?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = path.with_extension("json.tmp");
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)?;
    if let Some(dir) = path.parent() {
        // The rename itself, on disk (best effort: not every system allows it).
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn survives_a_reload_and_forgets_removed_torrents() {
        let dir = tempfile_dir();
        let book = Book::load(&dir).unwrap();
        book.update("aa", |e| e.labels = vec!["tv".into()])
            .await
            .unwrap();
        book.update("bb", |e| e.added_at = Some(5)).await.unwrap();
        book.remove("bb").await.unwrap();
        let again = Book::load(&dir).unwrap();
        assert_eq!(again.get("aa").await.labels, vec!["tv".to_owned()]);
        assert_eq!(again.get("bb").await, Entry::default());
        assert!(!dir.join("torrent-manager.json.tmp").exists());
        std::fs::write(dir.join(FILE_NAME), b"{not json").unwrap();
        assert!(matches!(Book::load(&dir), Err(e) if e.contains("is not valid")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("tm-book-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
