//! A torrent's details on its server: files and their priorities, peers,
//! trackers, labels and category.

use tm_api_types::{
    BulkActionResult, FilePriority, FilePriorityChange, LabelsResponse, PeerInfo, TorrentFileInfo,
    TorrentFilesResponse, TorrentPeersResponse, TorrentTrackersResponse, TrackerInfo,
};

use tm_backends::TorrentClient;

use super::torrents::{Target, bulk_result, hashes_of, reread};
use super::{Core, Error, Result, User};
use crate::fleet::Poller;

/// Most labels one torrent may carry.
const MAX_LABELS: usize = 64;

impl Core {
    pub async fn torrent_files(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentFilesResponse> {
        let target = self.target(user, hash, server_id).await?;
        let files = target.poller.client().files(&target.hash).await?;
        let torrent = target.poller.snapshot().torrent(&target.hash).cloned();
        Ok(TorrentFilesResponse {
            info_hash: target.hash.clone(),
            name: torrent.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
            path: torrent.map(|t| t.base_path).unwrap_or_default(),
            server_id: target.poller.spec().id.clone(),
            server_name: target.poller.spec().name.clone(),
            files: files
                .into_iter()
                .map(|f| TorrentFileInfo {
                    index: f.index,
                    path: f.path,
                    size: f.size,
                    progress: f.progress,
                    priority: priority_to_api(f.priority),
                })
                .collect(),
        })
    }

    pub async fn set_file_priorities(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        changes: Vec<FilePriorityChange>,
    ) -> Result<TorrentFilesResponse> {
        let change = self.torrent_change(user, "file_priorities", server_id, hash);
        let count = changes.len();
        let result = self
            .apply_file_priorities(user, hash, server_id, changes)
            .await;
        self.recorded(change, result, |_| format!("{count} file priorities set"))
            .await
    }

    async fn apply_file_priorities(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        changes: Vec<FilePriorityChange>,
    ) -> Result<TorrentFilesResponse> {
        if changes.is_empty() {
            return Err(Error::Invalid(
                "priorities must name at least one file".into(),
            ));
        }
        let target = self.target(user, hash, server_id).await?;
        let priorities: Vec<_> = changes
            .iter()
            .map(|c| (c.index, priority_from_api(c.priority)))
            .collect();
        target
            .poller
            .client()
            .set_file_priorities(&target.hash, &priorities)
            .await?;
        reread(&target.poller, hashes_of(&target)).await;
        self.torrent_files(user, &target.hash, Some(&target.poller.spec().id))
            .await
    }

    pub async fn torrent_peers(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentPeersResponse> {
        let target = self.target(user, hash, server_id).await?;
        let peers = target.poller.client().peers(&target.hash).await?;
        Ok(TorrentPeersResponse {
            info_hash: target.hash.clone(),
            server_id: target.poller.spec().id.clone(),
            peers: peers
                .into_iter()
                .map(|p| PeerInfo {
                    address: p.address,
                    client: p.client,
                    progress: p.progress,
                    download_rate: p.download_rate,
                    upload_rate: p.upload_rate,
                })
                .collect(),
        })
    }

    pub async fn torrent_trackers(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentTrackersResponse> {
        let target = self.target(user, hash, server_id).await?;
        let trackers = target.poller.client().trackers(&target.hash).await?;
        Ok(TorrentTrackersResponse {
            info_hash: target.hash.clone(),
            server_id: target.poller.spec().id.clone(),
            trackers: trackers
                .into_iter()
                .map(|t| TrackerInfo {
                    url: t.url,
                    status: serde_json::to_value(t.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    message: t.message,
                    seeds: t.seeds,
                    peers: t.peers,
                })
                .collect(),
        })
    }

    pub async fn torrent_labels(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
    ) -> Result<LabelsResponse> {
        let target = self.target(user, hash, server_id).await?;
        Ok(labels_of(&target))
    }

    /// Replaces, adds or removes labels. `edit` gets the labels the client
    /// holds now (the snapshot may lag behind), and the answer is what the
    /// client holds after the write.
    pub async fn edit_labels(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        edit: impl FnOnce(Vec<String>) -> Vec<String>,
    ) -> Result<LabelsResponse> {
        let change = self.torrent_change(user, "labels", server_id, hash);
        let result = async {
            let target = self.target(user, hash, server_id).await?;
            write_labels(target.poller.client(), &target.hash, edit).await?;
            let labels = reread_one(&target).await?.labels;
            Ok(LabelsResponse {
                info_hash: target.hash.clone(),
                labels,
                server_id: target.poller.spec().id.clone(),
            })
        }
        .await;
        self.recorded(change, result, |r| {
            format!("labels: {}", r.labels.join(", "))
        })
        .await
    }

    /// Files a torrent in its client's own category (`None`: in none), on
    /// a client with categories; answers the category it holds after.
    pub async fn set_category(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        category: Option<&str>,
    ) -> Result<Option<String>> {
        let change = self.torrent_change(user, "set_category", server_id, hash);
        let result = async {
            let target = self.target(user, hash, server_id).await?;
            target
                .poller
                .client()
                .set_category(&target.hash, category)
                .await?;
            Ok(reread_one(&target).await?.category)
        }
        .await;
        self.recorded(change, result, |held| {
            format!("category: {}", held.as_deref().unwrap_or("(none)"))
        })
        .await
    }
}

/// The torrent as its client holds it now (after a write), and in the
/// snapshot from then on.
async fn reread_one(target: &Target) -> Result<tm_backends::Torrent> {
    target
        .poller
        .reread(hashes_of(target))
        .await?
        .into_iter()
        .next()
        .ok_or(Error::TorrentNotFound)
}

fn labels_of(target: &Target) -> LabelsResponse {
    LabelsResponse {
        info_hash: target.hash.clone(),
        labels: target
            .poller
            .snapshot()
            .torrent(&target.hash)
            .map(|t| t.labels.clone())
            .unwrap_or_default(),
        server_id: target.poller.spec().id.clone(),
    }
}

/// Edits a torrent's labels as the client holds them now (the snapshot may
/// lag behind: a label set elsewhere must not be lost).
pub(super) async fn write_labels(
    client: &dyn TorrentClient,
    hash: &str,
    edit: impl FnOnce(Vec<String>) -> Vec<String>,
) -> Result<()> {
    let current = client
        .get(hash)
        .await?
        .ok_or(Error::TorrentNotFound)?
        .labels;
    let wanted = clean_labels(edit(current))?;
    client.set_labels(hash, &wanted).await?;
    Ok(())
}

/// Adds (`add`) or removes `labels` on each torrent of one server, then
/// re-reads the edited torrents once.
pub(super) async fn edit_labels_in_bulk(
    poller: &Poller,
    server_id: &str,
    hashes: &[String],
    add: bool,
    labels: &[String],
) -> Vec<BulkActionResult> {
    let message = if add {
        "Labels added"
    } else {
        "Labels removed"
    };
    let mut results = Vec::with_capacity(hashes.len());
    let mut edited = Vec::new();
    for hash in hashes {
        let outcome = write_labels(poller.client(), hash, |mut current| {
            if add {
                current.extend(labels.iter().cloned());
            } else {
                current.retain(|label| !labels.contains(label));
            }
            current
        })
        .await;
        if outcome.is_ok() {
            edited.push(hash.clone());
        }
        let outcome = outcome
            .map(|()| message.to_string())
            .map_err(|e| e.to_string());
        results.push(bulk_result(server_id, hash, outcome));
    }
    reread(poller, &edited).await;
    results
}

/// Trimmed, non-empty, without duplicates, and free of the separator
/// rTorrent stores labels with.
pub(crate) fn clean_labels(labels: Vec<String>) -> Result<Vec<String>> {
    let mut cleaned: Vec<String> = Vec::new();
    for label in labels {
        let label = label.trim().to_string();
        if label.is_empty() {
            continue;
        }
        if label.contains(',') || label.chars().count() > 128 || label.chars().any(char::is_control)
        {
            return Err(Error::Invalid(format!(
                "label {label:?} must be at most 128 characters, with no comma or control character"
            )));
        }
        if !cleaned.contains(&label) {
            // Bounded before the (quadratic) duplicate check can cost much.
            if cleaned.len() == MAX_LABELS {
                return Err(Error::Invalid(format!(
                    "a torrent may have at most {MAX_LABELS} labels"
                )));
            }
            cleaned.push(label);
        }
    }
    Ok(cleaned)
}

fn priority_to_api(priority: tm_backends::FilePriority) -> FilePriority {
    use tm_backends::FilePriority as P;
    match priority {
        P::Skip => FilePriority::Skip,
        P::Low => FilePriority::Low,
        P::Normal => FilePriority::Normal,
        P::High => FilePriority::High,
    }
}

fn priority_from_api(priority: FilePriority) -> tm_backends::FilePriority {
    use tm_backends::FilePriority as P;
    match priority {
        FilePriority::Skip => P::Skip,
        FilePriority::Low => P::Low,
        FilePriority::Normal => P::Normal,
        FilePriority::High => P::High,
    }
}
