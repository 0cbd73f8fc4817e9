//! Adding torrents to the engine: .torrent files at once, magnets once
//! their metadata is fetched (in the background, see `engine.rs`), each in
//! the folder its layout asks for.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use librqbit::api::TorrentIdOrHash;

use librqbit::{AddTorrent, AddTorrentOptions, AddTorrentResponse};

use super::adapter::Embedded;
use super::book::{Entry, PendingMagnet};
use super::engine::EngineHandle;
use crate::client::source_hash_and_trackers;
use crate::error::{ErrorKind, Result};
use crate::model::{AddTorrent as Add, TorrentSource};
use crate::rtorrent::paths::validate_save_path;

impl Embedded {
    pub(super) async fn add_torrent(&self, torrent: Add) -> Result<String> {
        let (hash, trackers) = source_hash_and_trackers(&self.label, &torrent.source).await?;
        self.check_trackers(&trackers).await?;
        let save = self.save_folder(torrent.save_path.as_deref()).await?;
        // In the engine already, maybe in another user's share: one engine
        // holds a torrent once.
        let id = librqbit::dht::Id20::from_str(&hash)
            .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
        let present = self.session()?.get(TorrentIdOrHash::Hash(id)).is_some();
        if present || self.engine.0.book.get(&hash).await.magnet.is_some() {
            return Err(self.error(ErrorKind::Duplicate(hash)));
        }
        let labels = torrent.labels.clone();
        let owner = self.engine.user().map(str::to_owned);
        match torrent.source {
            TorrentSource::Magnet(uri) => {
                let parsed = crate::magnet::parse_magnet(&uri)
                    .map_err(|e| self.error(ErrorKind::Invalid(e.to_string())))?;
                let magnet = PendingMagnet {
                    uri,
                    start: torrent.start,
                    save_path: Some(save.display().to_string()),
                    name: parsed.display_names.first().cloned(),
                    trackers: parsed.trackers.clone(),
                };
                let waiting = magnet.clone();
                self.book(&hash, |e| {
                    *e = Entry {
                        labels,
                        added_at: Some(now()),
                        priorities: Default::default(),
                        owner,
                        magnet: Some(waiting),
                    }
                })
                .await?;
                if magnet.start {
                    self.engine.resolve(hash.clone(), magnet);
                }
            }
            TorrentSource::File(bytes) => {
                self.book(&hash, |e| {
                    *e = Entry {
                        labels,
                        added_at: Some(now()),
                        owner,
                        ..Entry::default()
                    }
                })
                .await?;
                if let Err(e) = add_bytes(
                    &self.engine,
                    bytes.into(),
                    &save,
                    !torrent.start,
                    None,
                    None,
                )
                .await
                {
                    let _ = self.forget(&hash).await;
                    return Err(self.rejected(e));
                }
            }
        }
        Ok(hash)
    }

    /// Refuses a torrent with a tracker the owner's egress policy does not
    /// allow (a user without private targets names 127.0.0.1 or a name
    /// resolving into the LAN): the engine would announce to it from this
    /// machine. A name that resolves elsewhere only later is not followed.
    async fn check_trackers(&self, trackers: &[String]) -> Result<()> {
        if self.egress == crate::egress::TargetPolicy::unrestricted() {
            return Ok(());
        }
        for tracker in trackers {
            // Not a URL: the engine cannot announce to it either.
            let Ok(url) = url::Url::parse(tracker) else {
                continue;
            };
            let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
                continue;
            };
            if let Err(crate::egress::ResolveError::Refused(reason)) =
                self.egress.resolve(host, port).await
            {
                return Err(self.error(ErrorKind::Forbidden(format!("tracker {host}: {reason}"))));
            }
        }
        Ok(())
    }

    /// The folder a torrent is added to: the save path asked for (a
    /// relative one is taken below the view's download dir), else that
    /// dir. A user's share keeps every torrent inside its own folder,
    /// checked after resolving the links of the part that exists.
    async fn save_folder(&self, requested: Option<&str>) -> Result<PathBuf> {
        let root = self.download_dir();
        let folder = match requested {
            None => root.clone(),
            Some(path) if path.starts_with('/') => PathBuf::from(
                validate_save_path(path).map_err(|e| self.error(ErrorKind::Invalid(e)))?,
            ),
            Some(path) => {
                let below = validate_save_path(&format!("/{path}"))
                    .map_err(|e| self.error(ErrorKind::Invalid(e)))?;
                root.join(below.trim_start_matches('/'))
            }
        };
        if self.engine.user().is_none() {
            return Ok(folder);
        }
        let checked = folder.clone();
        let inside = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&root)?;
            let root = root.canonicalize()?;
            let mut existing = checked.as_path();
            while !existing.exists() {
                existing = existing.parent().unwrap_or(Path::new("/"));
            }
            Ok::<_, std::io::Error>(existing.canonicalize()?.starts_with(&root))
        })
        .await
        .map_err(|e| self.rejected(e))?
        .map_err(|e| self.rejected(format!("cannot check the save path: {e}")))?;
        if !inside {
            return Err(self.error(ErrorKind::Invalid(format!(
                "save path {} is outside your folder {}",
                folder.display(),
                self.download_dir().display()
            ))));
        }
        Ok(folder)
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Where the engine writes a torrent's files: the save path, or for a
/// multi-file torrent its folder `<save path>/<name>` (the engine puts the
/// files straight into the folder it is given).
fn output_folder(
    save: &Path,
    multi_file: bool,
    name: Option<&str>,
) -> std::result::Result<PathBuf, String> {
    if !multi_file {
        return Ok(save.to_owned());
    }
    let name = name.unwrap_or_default();
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(format!(
            "the torrent's name {name:?} is not a plain folder name"
        ));
    }
    Ok(save.join(name))
}

/// The layout of a .torrent: multi-file, and its name (parsed off the
/// async workers by librqbit's own parser).
async fn layout(bytes: bytes::Bytes) -> std::result::Result<(bool, Option<String>), String> {
    tokio::task::spawn_blocking(move || {
        librqbit::torrent_from_bytes(&bytes)
            .map(|t| {
                let name = t
                    .info
                    .data
                    .name
                    .as_ref()
                    .map(|n| String::from_utf8_lossy(n.as_ref()).into_owned());
                (t.info.data.files.is_some(), name)
            })
            .map_err(|e| format!("invalid .torrent file: {e}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Adds .torrent bytes to the engine.
pub(super) async fn add_bytes(
    engine: &EngineHandle,
    bytes: bytes::Bytes,
    save: &Path,
    paused: bool,
    only_files: Option<Vec<usize>>,
    initial_peers: Option<Vec<std::net::SocketAddr>>,
) -> std::result::Result<(), String> {
    let (multi, name) = layout(bytes.clone()).await?;
    let folder = output_folder(save, multi, name.as_deref())?;
    let options = AddTorrentOptions {
        paused,
        // Data already on disk is checked and kept, as other clients do.
        overwrite: true,
        output_folder: Some(folder.to_string_lossy().into_owned()),
        only_files,
        initial_peers,
        ..AddTorrentOptions::default()
    };
    match engine
        .session()?
        .add_torrent(AddTorrent::from_bytes(bytes), Some(options))
        .await
    {
        Ok(AddTorrentResponse::Added(..)) => Ok(()),
        Ok(AddTorrentResponse::AlreadyManaged(..)) => Err("already present".to_owned()),
        Ok(AddTorrentResponse::ListOnly(_)) => Err("listed only".to_owned()),
        Err(e) => Err(format!("{e:#}")),
    }
}

/// A magnet's metadata, fetched from peers, then the torrent added as a
/// .torrent (called by the engine's background task).
pub(super) async fn add_resolved_magnet(
    engine: &EngineHandle,
    hash: &str,
    magnet: &PendingMagnet,
) -> std::result::Result<(), String> {
    let options = AddTorrentOptions {
        list_only: true,
        ..AddTorrentOptions::default()
    };
    let listed = engine
        .session()?
        .add_torrent(AddTorrent::from_url(magnet.uri.clone()), Some(options))
        .await
        .map_err(|e| format!("{e:#}"))?;
    let AddTorrentResponse::ListOnly(listed) = listed else {
        return Err("the engine did not list the magnet".to_owned());
    };
    let save = magnet
        .save_path
        .as_deref()
        .map_or_else(|| engine.0.options.download_dir.clone(), PathBuf::from);
    add_bytes(
        engine,
        listed.torrent_bytes,
        &save,
        !magnet.start,
        None,
        Some(listed.seen_peers),
    )
    .await?;
    engine.0.book.update(hash, |e| e.magnet = None).await
}
