//! `GET /torrents/{hash}/download`: a torrent's own files from its server's
//! HTTP location. The client's paths are mapped onto the location through
//! the server's `http_download_root`; one file is streamed as it is,
//! several as a zip (`torrent_zip`), or listed with their download routes.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use tm_api_types::{TorrentDownloadFile, TorrentDownloadList};
use tm_backends::{Torrent, TorrentFile};

use super::seedbox_path::{RelativePath, under_download_root};
use super::{Core, Error, Result, SeedboxDownload, User, torrent_zip};

/// A torrent's files as its server's web server serves them.
struct MappedTorrent {
    info_hash: String,
    server_id: String,
    name: String,
    files: Vec<MappedFile>,
}

struct MappedFile {
    /// Inside the torrent, without its top folder.
    path: String,
    size: u64,
    /// Under the HTTP location.
    served: RelativePath,
    /// In a zip: the torrent's folder, then `path`.
    zip_name: String,
}

impl Core {
    /// The torrent's files with their download routes.
    pub async fn torrent_download_list(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        partial: bool,
    ) -> Result<TorrentDownloadList> {
        let torrent = self.mapped_torrent(user, hash, server_id, partial).await?;
        let server_id = torrent.server_id;
        let files = torrent
            .files
            .into_iter()
            .map(|file| {
                let encoded: Vec<String> = file
                    .served
                    .segments()
                    .iter()
                    .map(|s| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string())
                    .collect();
                TorrentDownloadFile {
                    url: format!(
                        "/servers/{}/download/{}",
                        utf8_percent_encode(&server_id, NON_ALPHANUMERIC),
                        encoded.join("/")
                    ),
                    server_path: file.served.joined(),
                    path: file.path,
                    size: file.size,
                }
            })
            .collect();
        Ok(TorrentDownloadList {
            info_hash: torrent.info_hash,
            server_id,
            name: torrent.name,
            files,
        })
    }

    /// The torrent's data: its one file streamed as it is (`range` passed
    /// on), or its files as a zip streamed file by file.
    pub async fn download_torrent(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        partial: bool,
        range: Option<&str>,
    ) -> Result<SeedboxDownload> {
        let mut torrent = self.mapped_torrent(user, hash, server_id, partial).await?;
        let row = self.server_row(user, &torrent.server_id).await?;
        let location = self.download_location(user, &row).await?;
        if let [file] = torrent.files.as_slice() {
            let name = file.served.name().unwrap_or(&torrent.name).to_owned();
            return location.download(&file.served, name, range).await;
        }
        let entries = std::mem::take(&mut torrent.files)
            .into_iter()
            .map(|file| torrent_zip::ZipItem {
                name: file.zip_name,
                size: file.size,
                file: file.served,
            })
            .collect();
        Ok(SeedboxDownload {
            partial: false,
            ranges: false,
            file_name: format!("{}.zip", torrent.name),
            content_type: Some("application/zip".into()),
            content_length: None,
            content_range: None,
            body: torrent_zip::stream(location, entries),
        })
    }

    /// The torrent's complete files mapped onto its server's HTTP location;
    /// an incomplete torrent only with `partial`.
    async fn mapped_torrent(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        partial: bool,
    ) -> Result<MappedTorrent> {
        let target = self.target(user, hash, server_id).await?;
        let torrent = target
            .poller
            .snapshot()
            .torrent(&target.hash)
            .cloned()
            .ok_or(Error::TorrentNotFound)?;
        let server_id = target.poller.spec().id.clone();
        let row = self.server_row(user, &server_id).await?;
        if row.http_port.is_none() {
            return Err(Error::NoHttpLocation);
        }
        let root = row.http_download_root.ok_or(Error::NoHttpMapping)?;
        if !torrent.complete && !partial {
            return Err(Error::Incomplete(format!(
                "'{}' is {:.1} % done: only its complete files can be downloaded (?partial=true)",
                torrent.name, torrent.progress
            )));
        }
        let listed = target.poller.client().files(&target.hash).await?;
        let single = is_single_file(&torrent, &listed);
        let mut files = Vec::new();
        for file in listed.into_iter().filter(|f| f.progress >= 100.0) {
            let absolute = if single {
                torrent.base_path.clone()
            } else {
                format!("{}/{}", torrent.base_path.trim_end_matches('/'), file.path)
            };
            let served = under_download_root(&root, &absolute).ok_or_else(|| {
                Error::OutsideHttpRoot(format!(
                    "'{absolute}' is not a plain path under the server's http_download_root '{root}'"
                ))
            })?;
            let depth =
                file.path.split('/').filter(|s| !s.is_empty()).count() + usize::from(!single);
            let segments = served.segments();
            let zip_name = segments[segments.len().saturating_sub(depth)..].join("/");
            files.push(MappedFile {
                path: file.path,
                size: file.size,
                served,
                zip_name,
            });
        }
        if files.is_empty() {
            return Err(Error::Incomplete(format!(
                "'{}' has no complete file yet",
                torrent.name
            )));
        }
        Ok(MappedTorrent {
            info_hash: target.hash.clone(),
            server_id,
            name: torrent.name,
            files,
        })
    }
}

/// A single-file torrent's data path is its file; a multi-file torrent's is
/// its folder. (A folder holding one file of the folder's own name reads as
/// a single file: its download then fails as a folder, never leaves it.)
fn is_single_file(torrent: &Torrent, files: &[TorrentFile]) -> bool {
    match files {
        [file] => {
            let base = torrent.base_path.trim_end_matches('/');
            base.rsplit('/').next() == Some(file.path.as_str())
        }
        _ => false,
    }
}
