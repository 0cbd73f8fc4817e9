//! Finished files on a seedbox's own web server (its HTTP file location).

use time::OffsetDateTime;

/// One entry of a directory listing on the seedbox's web server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerFileEntry {
    pub name: String,
    /// Relative to the HTTP location's root; what `/servers/{id}/download/{path}`
    /// and `?path=` take.
    pub path: String,
    pub is_dir: bool,
    /// Bytes; `null` for folders and when the listing does not say. Listings
    /// that print sizes rounded (`20M`) give the rounded value.
    pub size: Option<u64>,
    /// As the web server prints it, read as UTC.
    #[serde(with = "time::serde::rfc3339::option")]
    pub modified: Option<OffsetDateTime>,
}

/// `GET /servers/{id}/files?path=`: one folder of the seedbox's web server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerFileList {
    pub server_id: String,
    pub server_name: String,
    /// The folder listed, relative to the HTTP location's root (`""` is the root).
    pub path: String,
    /// Folders first, then files, each by name.
    pub entries: Vec<ServerFileEntry>,
}

/// One file of a torrent as its server's web server serves it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentDownloadFile {
    /// Path inside the torrent (as `/torrents/{hash}/files` names it).
    pub path: String,
    /// Bytes, as the client reports the file.
    pub size: u64,
    /// Relative to the HTTP location's root: what
    /// `/servers/{id}/download/{path}` takes.
    pub server_path: String,
    /// The download route of this file (`/servers/{id}/download/…`,
    /// percent-encoded): fetch it with `Range` to resume.
    pub url: String,
}

/// `GET /torrents/{hash}/download?format=list`: a torrent's own files and
/// where to download each.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TorrentDownloadList {
    pub info_hash: String,
    pub server_id: String,
    /// The torrent's name (the zip's name and top folder).
    pub name: String,
    pub files: Vec<TorrentDownloadFile>,
}
