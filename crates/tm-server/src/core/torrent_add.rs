//! Adding torrents: by magnet, hash or URL, one .torrent file, or a batch;
//! to the server named, the user's default, or where placement puts it
//! (`core::placement`). The answer comes once the
//! client lists what was added.

use std::sync::Arc;

use tm_api_types::{
    AddTorrentRequest, AddTorrentResponse, BatchUploadResponse, BatchUploadResult,
    UploadTorrentResponse,
};
use tm_backends::{AddTorrent, TorrentSource};

use super::activity::Change;
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
        let filing = Filing {
            start: request.start,
            labels: request.labels,
            save_path: request.save_path,
            category: None,
            skip_checking: false,
        };
        self.add_uri(user, &request.uri, request.server_id.as_deref(), filing)
            .await
    }

    /// `add_torrent`, filed as `filing` says.
    pub async fn add_uri(
        &self,
        user: &User,
        uri: &str,
        server_id: Option<&str>,
        filing: Filing,
    ) -> Result<AddTorrentResponse> {
        let result = self.apply_add_uri(user, uri, server_id, filing).await;
        let change = match &result {
            Ok(added) => self.torrent_change(user, "add", Some(&added.server_id), &added.info_hash),
            Err(_) => Change::failed_add(user, server_id),
        };
        self.recorded(change, result, |r| r.message.clone()).await
    }

    async fn apply_add_uri(
        &self,
        user: &User,
        uri: &str,
        server_id: Option<&str>,
        filing: Filing,
    ) -> Result<AddTorrentResponse> {
        let filing = filing.checked()?;
        let (source, uri) = self.resolve_uri(user, uri).await?;
        let file = match &source {
            TorrentSource::File(bytes) => vec![bytes.as_slice()],
            _ => Vec::new(),
        };
        let placed = self.server_for_new(user, server_id, &filing, &file).await?;
        let poller = placed.poller;
        let add = filing.into_add(&poller, source).await?;
        self.keep_metainfo(user, &add.source).await;
        let info_hash = poller.client().add(add).await?;
        settle(&poller, std::slice::from_ref(&info_hash), |t| t.is_some()).await;
        Ok(AddTorrentResponse {
            message: "Torrent added successfully".into(),
            info_hash,
            uri,
            server_id: poller.spec().id.clone(),
            server_name: poller.spec().name.clone(),
            placement: placed.decision,
        })
    }

    /// Adds a .torrent file's bytes.
    pub async fn upload_torrent(
        &self,
        user: &User,
        server_id: Option<&str>,
        filing: Filing,
        bytes: Vec<u8>,
    ) -> Result<UploadTorrentResponse> {
        let result = self.apply_upload(user, server_id, filing, bytes).await;
        let change = match &result {
            Ok(added) => self.torrent_change(user, "add", Some(&added.server_id), &added.info_hash),
            Err(_) => Change::failed_add(user, server_id),
        };
        self.recorded(change, result, |r| r.message.clone()).await
    }

    async fn apply_upload(
        &self,
        user: &User,
        server_id: Option<&str>,
        filing: Filing,
        bytes: Vec<u8>,
    ) -> Result<UploadTorrentResponse> {
        let filing = filing.checked()?;
        let placed = self
            .server_for_new(user, server_id, &filing, &[&bytes])
            .await?;
        let poller = placed.poller;
        let (info_hash, torrent_name) = self.add_file(user, &poller, filing, bytes).await?;
        settle(&poller, std::slice::from_ref(&info_hash), |t| t.is_some()).await;
        Ok(UploadTorrentResponse {
            message: "Torrent uploaded and added successfully".into(),
            info_hash,
            torrent_name,
            server_id: poller.spec().id.clone(),
            server_name: poller.spec().name.clone(),
            placement: placed.decision,
        })
    }

    /// Adds several .torrent files to one server; each file succeeds or fails
    /// on its own. The added torrents are read back once, after the last file.
    pub async fn upload_torrents(
        &self,
        user: &User,
        server_id: Option<&str>,
        filing: Filing,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<BatchUploadResponse> {
        let result = self.apply_uploads(user, server_id, filing, files).await;
        let changes = match &result {
            Ok(batch) => self.batch_changes(user, batch),
            Err(error) => vec![Change::failed_add(user, server_id).failed(error)],
        };
        self.record(changes).await;
        result
    }

    async fn apply_uploads(
        &self,
        user: &User,
        server_id: Option<&str>,
        filing: Filing,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<BatchUploadResponse> {
        let filing = filing.checked()?;
        let bytes: Vec<&[u8]> = files.iter().map(|(_, b)| b.as_slice()).collect();
        let placed = self
            .server_for_new(user, server_id, &filing, &bytes)
            .await?;
        let poller = placed.poller;
        let mut results = Vec::with_capacity(files.len());
        for (filename, bytes) in files {
            let added = self.add_file(user, &poller, filing.clone(), bytes).await;
            results.push(match added {
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
            });
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
            placement: placed.decision,
        })
    }

    /// The server named, else the user's default (`server_for_new` also
    /// places by the rules).
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

/// How a new torrent is filed on its server.
#[derive(Debug, Clone)]
pub struct Filing {
    /// Start right away, or add stopped.
    pub start: bool,
    pub labels: Vec<String>,
    pub save_path: Option<String>,
    /// The client's own category; one more label on a client without
    /// categories (the name still files the torrent there).
    pub category: Option<String>,
    /// Trust the data on disk (see `AddTorrent::skip_checking`).
    pub skip_checking: bool,
}

impl Filing {
    /// Checked before anything is fetched or sent.
    fn checked(self) -> Result<Self> {
        let category = clean_labels(self.category.into_iter().collect())?.pop();
        Ok(Self {
            start: self.start,
            labels: clean_labels(self.labels)?,
            save_path: validate::save_path(self.save_path)?,
            category,
            skip_checking: self.skip_checking,
        })
    }

    /// The add of `source` for `poller`'s client.
    async fn into_add(self, poller: &Poller, source: TorrentSource) -> Result<AddTorrent> {
        let mut labels = self.labels;
        let mut category = self.category;
        if category.is_some() && !poller.has_categories().await? {
            labels.extend(category.take());
        }
        Ok(AddTorrent {
            source,
            start: self.start,
            labels: clean_labels(labels)?,
            save_path: self.save_path,
            category,
            skip_checking: self.skip_checking,
        })
    }
}

impl Core {
    /// Checks a .torrent and adds it; returns its info hash and name.
    pub(super) async fn add_file(
        &self,
        user: &User,
        poller: &Poller,
        filing: Filing,
        bytes: Vec<u8>,
    ) -> Result<(String, String)> {
        let (meta, bytes) = parse_torrent(bytes).await?;
        let add = filing.into_add(poller, TorrentSource::File(bytes)).await?;
        self.keep_metainfo(user, &add.source).await;
        let info_hash = poller.client().add(add).await?;
        Ok((info_hash, meta.name))
    }
}
