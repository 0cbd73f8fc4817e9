//! Torrents across all of a user's servers.

use std::path::Path;

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use tm_api_types::{
    AddLabelRequest, AddTorrentRequest, AddTorrentResponse, BatchUploadResponse, BulkActionRequest,
    BulkActionResponse, FilePriorityChange, LabelsResponse, MoveTorrentRequest,
    SetFilePrioritiesRequest, SetLabelsRequest, TorrentActionResponse, TorrentFilesResponse,
    TorrentInfo, TorrentPeersResponse, TorrentQuery, TorrentTrackersResponse,
    UploadTorrentResponse,
};

use crate::client::{decode, on_server};
use crate::{Client, Error};

/// One page of `GET /torrents`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TorrentPage {
    pub torrents: Vec<TorrentInfo>,
    /// How many torrents matched before `limit` and `offset` applied.
    pub total: usize,
}

/// A .torrent file to upload.
#[derive(Debug, Clone)]
pub struct TorrentUpload {
    /// The file's name, reported back in batch results.
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl TorrentUpload {
    /// Reads the .torrent at `path`.
    pub fn from_path(path: impl AsRef<Path>) -> std::io::Result<TorrentUpload> {
        let path = path.as_ref();
        Ok(TorrentUpload {
            filename: path.file_name().map_or_else(
                || "upload.torrent".into(),
                |n| n.to_string_lossy().into_owned(),
            ),
            bytes: std::fs::read(path)?,
        })
    }

    pub(crate) fn into_part(self) -> Result<Part, Error> {
        Part::bytes(self.bytes)
            .file_name(self.filename)
            .mime_str("application/x-bittorrent")
            .map_err(Error::Transport)
    }
}

/// Where and how uploaded torrents are added.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// The target server; the default server when `None`.
    pub server_id: Option<String>,
    /// Start downloading at once (default `true`).
    pub start: bool,
    pub labels: Vec<String>,
    /// The directory on the client's host to download into (absolute);
    /// the client's default when `None`.
    pub save_path: Option<String>,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            server_id: None,
            start: true,
            labels: Vec::new(),
            save_path: None,
        }
    }
}

/// The query string of the upload endpoints.
#[derive(serde::Serialize)]
pub(crate) struct UploadQuery<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) server_id: Option<&'a str>,
    /// Comma-separated: the upload goes to each (`upload_torrent_to_servers`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) server_ids: Option<String>,
    start: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<String>,
}

impl<'a> From<&'a UploadOptions> for UploadQuery<'a> {
    fn from(options: &'a UploadOptions) -> Self {
        UploadQuery {
            server_id: options.server_id.as_deref(),
            server_ids: None,
            start: options.start,
            labels: (!options.labels.is_empty()).then(|| options.labels.join(",")),
        }
    }
}

/// The upload form with its optional `save_path` field (a form field, not
/// a query parameter, as the API takes it).
pub(crate) fn with_save_path(form: Form, options: &UploadOptions) -> Form {
    match &options.save_path {
        Some(path) => form.text("save_path", path.clone()),
        None => form,
    }
}

impl Client {
    /// Torrents of your enabled servers, filtered, sorted and paged by `query`.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let query = tm_client::TorrentQuery {
    ///     state: Some("downloading,queued".into()),
    ///     sort: Some("-download_rate".into()),
    ///     limit: Some(10),
    ///     ..Default::default()
    /// };
    /// for torrent in client.list_torrents(&query).await?.torrents {
    ///     println!("{} {:.1}%", torrent.name, torrent.progress);
    /// }
    /// // Torrents their trackers no longer know (see `tracker_status`).
    /// let gone = tm_client::TorrentQuery {
    ///     tracker_status: Some("unregistered".into()),
    ///     ..Default::default()
    /// };
    /// for torrent in client.list_torrents(&gone).await?.torrents {
    ///     println!("{}: {:?}", torrent.name, torrent.tracker_message);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_torrents(&self, query: &TorrentQuery) -> Result<TorrentPage, Error> {
        let request = self.request(Method::GET, &["torrents"])?.query(query);
        let response = self.send(request).await?;
        let total = response
            .headers()
            .get("x-total-count")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok());
        let torrents: Vec<TorrentInfo> = decode(response, self.base_url()).await?;
        Ok(TorrentPage {
            total: total.unwrap_or(torrents.len()),
            torrents,
        })
    }

    /// One torrent; `server_id` is needed only when it is on several servers.
    pub async fn get_torrent(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentInfo, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash])?;
        self.call(on_server(request, server_id)).await
    }

    /// Adds a magnet link, a bare info hash, or the .torrent at an http(s) URL.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let added = client
    ///     .add_torrent(&tm_client::AddTorrentRequest {
    ///         uri: "magnet:?xt=urn:btih:…".into(),
    ///         server_id: None,
    ///         server_ids: vec![],
    ///         start: true,
    ///         labels: vec!["linux".into()],
    ///         save_path: None,
    ///     })
    ///     .await?;
    /// println!("added {} to {}", added.info_hash, added.server_name);
    /// # Ok(()) }
    /// ```
    pub async fn add_torrent(
        &self,
        request: &AddTorrentRequest,
    ) -> Result<AddTorrentResponse, Error> {
        self.call(self.request(Method::POST, &["torrents"])?.json(request))
            .await
    }

    /// One action on many torrents, on any servers, in one request; each
    /// torrent's outcome is in the answer (one failing does not stop the others).
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use tm_client::{BulkAction, BulkActionRequest, TorrentQuery, TorrentRef};
    /// let page = client.list_torrents(&TorrentQuery::default()).await?;
    /// let torrents = page
    ///     .torrents
    ///     .iter()
    ///     .map(|t| TorrentRef { server_id: t.server_id.clone(), info_hash: t.info_hash.clone() })
    ///     .collect();
    /// let request = BulkActionRequest { action: BulkAction::Stop, torrents, delete_data: false, labels: vec![], path: None };
    /// let answer = client.bulk_action(&request).await?;
    /// println!("stopped {}, failed {}", answer.success_count, answer.failure_count);
    /// # Ok(()) }
    /// ```
    pub async fn bulk_action(
        &self,
        request: &BulkActionRequest,
    ) -> Result<BulkActionResponse, Error> {
        self.call(
            self.request(Method::POST, &["torrents", "actions"])?
                .json(request),
        )
        .await
    }

    /// Uploads one .torrent file.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use tm_client::{TorrentUpload, UploadOptions};
    /// let file = TorrentUpload::from_path("debian.iso.torrent")?;
    /// let added = client.upload_torrent(file, &UploadOptions::default()).await?;
    /// println!("{}", added.torrent_name);
    /// # Ok(()) }
    /// ```
    pub async fn upload_torrent(
        &self,
        file: TorrentUpload,
        options: &UploadOptions,
    ) -> Result<UploadTorrentResponse, Error> {
        let form = with_save_path(Form::new().part("file", file.into_part()?), options);
        let request = self
            .request(Method::POST, &["torrents", "upload"])?
            .query(&UploadQuery::from(options))
            .multipart(form);
        self.call(request).await
    }

    /// Uploads several .torrent files in one request; each has its own
    /// outcome in the answer (one failure does not stop the others).
    pub async fn upload_torrents(
        &self,
        files: Vec<TorrentUpload>,
        options: &UploadOptions,
    ) -> Result<BatchUploadResponse, Error> {
        let mut form = Form::new();
        for file in files {
            form = form.part("files", file.into_part()?);
        }
        let form = with_save_path(form, options);
        let request = self
            .request(Method::POST, &["torrents", "upload", "batch"])?
            .query(&UploadQuery::from(options))
            .multipart(form);
        self.call(request).await
    }

    pub async fn start_torrent(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentActionResponse, Error> {
        self.torrent_action(info_hash, "start", server_id).await
    }

    pub async fn stop_torrent(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentActionResponse, Error> {
        self.torrent_action(info_hash, "stop", server_id).await
    }

    /// Verifies the torrent's data on disk.
    pub async fn recheck_torrent(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentActionResponse, Error> {
        self.torrent_action(info_hash, "recheck", server_id).await
    }

    /// Asks the torrent's trackers for peers now.
    pub async fn reannounce_torrent(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentActionResponse, Error> {
        self.torrent_action(info_hash, "reannounce", server_id)
            .await
    }

    /// Moves the torrent's data into `path` (a directory on the client's
    /// host) through the client's own move.
    pub async fn move_torrent_data(
        &self,
        info_hash: &str,
        path: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentActionResponse, Error> {
        let request = self.request(Method::POST, &["torrents", info_hash, "location"])?;
        let body = MoveTorrentRequest { path: path.into() };
        self.call(on_server(request, server_id).json(&body)).await
    }

    async fn torrent_action(
        &self,
        info_hash: &str,
        action: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentActionResponse, Error> {
        let request = self.request(Method::POST, &["torrents", info_hash, action])?;
        self.call(on_server(request, server_id)).await
    }

    /// Removes the torrent from its client; with `delete_data` also its
    /// downloaded data (`data` in the answer says what happened to it).
    pub async fn remove_torrent(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
        delete_data: bool,
    ) -> Result<TorrentActionResponse, Error> {
        let request = self
            .request(Method::DELETE, &["torrents", info_hash])?
            .query(&[("delete_data", delete_data)]);
        self.call(on_server(request, server_id)).await
    }

    pub async fn torrent_files(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentFilesResponse, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "files"])?;
        self.call(on_server(request, server_id)).await
    }

    /// Changes the priority of files by index; the answer lists them all.
    pub async fn set_file_priorities(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
        priorities: Vec<FilePriorityChange>,
    ) -> Result<TorrentFilesResponse, Error> {
        let body = SetFilePrioritiesRequest { priorities };
        let request = self.request(Method::PUT, &["torrents", info_hash, "files"])?;
        self.call(on_server(request, server_id).json(&body)).await
    }

    pub async fn torrent_peers(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentPeersResponse, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "peers"])?;
        self.call(on_server(request, server_id)).await
    }

    pub async fn torrent_trackers(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentTrackersResponse, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "trackers"])?;
        self.call(on_server(request, server_id)).await
    }

    pub async fn labels(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<LabelsResponse, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "labels"])?;
        self.call(on_server(request, server_id)).await
    }

    /// Replaces all labels of the torrent.
    pub async fn set_labels(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
        labels: Vec<String>,
    ) -> Result<LabelsResponse, Error> {
        let body = SetLabelsRequest { labels };
        let request = self.request(Method::PUT, &["torrents", info_hash, "labels"])?;
        self.call(on_server(request, server_id).json(&body)).await
    }

    pub async fn add_label(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
        label: &str,
    ) -> Result<LabelsResponse, Error> {
        let body = AddLabelRequest {
            label: label.to_string(),
        };
        let request = self.request(Method::POST, &["torrents", info_hash, "labels"])?;
        self.call(on_server(request, server_id).json(&body)).await
    }

    pub async fn remove_label(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
        label: &str,
    ) -> Result<LabelsResponse, Error> {
        let request = self.request(Method::DELETE, &["torrents", info_hash, "labels", label])?;
        self.call(on_server(request, server_id)).await
    }
}
