//! Adding torrents: by magnet, hash or URL, one .torrent file, or a batch;
//! to the server named or the user's default. The answer comes once the
//! client lists what was added.

use std::sync::Arc;

use tm_api_types::{
    AddTorrentRequest, AddTorrentResponse, BatchUploadResponse, BatchUploadResult,
    UploadTorrentResponse,
};
use tm_backends::{AddTorrent, TorrentSource};

use super::torrent_details::clean_labels;
use super::torrent_source::parse_torrent;
use super::torrents::settle;
use super::{Core, Error, Result, User, validate};
use crate::fleet::Poller;

impl Core {
    /// Adds a magnet link, a bare info hash or the .torrent at an http(s) URL.
    pub async fn add_torrent(
        &self,
        user: &User,
        request: AddTorrentRequest,
    ) -> Result<AddTorrentResponse> {
        let save_path = validate::save_path(request.save_path)?;
        let labels = clean_labels(request.labels)?;
        let (source, uri) = self.resolve_uri(user, &request.uri).await?;
        let poller = self
            .server_for_add(user, request.server_id.as_deref())
            .await?;
        let info_hash = poller
            .client()
            .add(AddTorrent {
                source,
                start: request.start,
                labels,
                save_path,
            })
            .await?;
        settle(&poller, std::slice::from_ref(&info_hash), |t| t.is_some()).await;
        Ok(AddTorrentResponse {
            message: "Torrent added successfully".into(),
            info_hash,
            uri,
            server_id: poller.spec().id.clone(),
            server_name: poller.spec().name.clone(),
        })
    }

    /// Adds a .torrent file's bytes.
    pub async fn upload_torrent(
        &self,
        user: &User,
        server_id: Option<&str>,
        start: bool,
        labels: Vec<String>,
        save_path: Option<String>,
        bytes: Vec<u8>,
    ) -> Result<UploadTorrentResponse> {
        let save_path = validate::save_path(save_path)?;
        let labels = clean_labels(labels)?;
        let poller = self.server_for_add(user, server_id).await?;
        let (info_hash, torrent_name) = add_file(&poller, start, labels, save_path, bytes).await?;
        settle(&poller, std::slice::from_ref(&info_hash), |t| t.is_some()).await;
        Ok(UploadTorrentResponse {
            message: "Torrent uploaded and added successfully".into(),
            info_hash,
            torrent_name,
            server_id: poller.spec().id.clone(),
            server_name: poller.spec().name.clone(),
        })
    }

    /// Adds several .torrent files to one server; each file succeeds or fails
    /// on its own. The added torrents are read back once, after the last file.
    pub async fn upload_torrents(
        &self,
        user: &User,
        server_id: Option<&str>,
        start: bool,
        labels: Vec<String>,
        save_path: Option<String>,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<BatchUploadResponse> {
        let save_path = validate::save_path(save_path)?;
        let labels = clean_labels(labels)?;
        let poller = self.server_for_add(user, server_id).await?;
        let mut results = Vec::with_capacity(files.len());
        for (filename, bytes) in files {
            results.push(
                match add_file(&poller, start, labels.clone(), save_path.clone(), bytes).await {
                    Ok((info_hash, torrent_name)) => BatchUploadResult {
                        filename,
                        success: true,
                        message: "Added successfully".into(),
                        info_hash: Some(info_hash),
                        torrent_name: Some(torrent_name),
                    },
                    Err(error) => BatchUploadResult {
                        filename,
                        success: false,
                        message: error.to_string(),
                        info_hash: None,
                        torrent_name: None,
                    },
                },
            );
        }
        let added: Vec<String> = results.iter().filter_map(|r| r.info_hash.clone()).collect();
        if !added.is_empty() {
            settle(&poller, &added, |t| t.is_some()).await;
        }
        let success_count = results.iter().filter(|r| r.success).count();
        Ok(BatchUploadResponse {
            total: results.len(),
            success_count,
            failure_count: results.len() - success_count,
            server_id: poller.spec().id.clone(),
            server_name: poller.spec().name.clone(),
            results,
        })
    }

    /// The server a new torrent goes to: the one named, else the user's default.
    pub async fn server_for_add(
        &self,
        user: &User,
        server_id: Option<&str>,
    ) -> Result<Arc<Poller>> {
        let row = match server_id {
            Some(id) => self.server_row(user, id).await?,
            None => self
                .store()
                .servers_of(&user.id)
                .await?
                .into_iter()
                .find(|s| s.is_default)
                .ok_or_else(|| {
                    Error::Invalid("server_id is required: you have no default server".into())
                })?,
        };
        self.live_poller(&row.id, &row.name, row.enabled)
    }
}

/// Checks a .torrent and adds it; returns its info hash and name.
async fn add_file(
    poller: &Poller,
    start: bool,
    labels: Vec<String>,
    save_path: Option<String>,
    bytes: Vec<u8>,
) -> Result<(String, String)> {
    let (meta, bytes) = parse_torrent(bytes).await?;
    let name = meta.name;
    let info_hash = poller
        .client()
        .add(AddTorrent {
            source: TorrentSource::File(bytes),
            start,
            labels,
            save_path,
        })
        .await?;
    Ok((info_hash, name))
}
