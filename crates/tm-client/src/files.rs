//! Finished files on a seedbox's own web server (a server's HTTP location),
//! by path or as a torrent's own files.

use std::io::Write;

use reqwest::{Method, StatusCode, header};

use crate::client::on_server;
use crate::{Client, Error, ServerFileList, TorrentDownloadList};

/// Longest a single download may take.
const DOWNLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// How a download went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Downloaded {
    /// Bytes written to the writer by this call.
    pub written: u64,
    /// The whole file's size, when the server said.
    pub total: Option<u64>,
}

impl Client {
    /// One folder of the server's HTTP location (`""` is its root), folders first.
    pub async fn list_server_files(
        &self,
        server_id: &str,
        path: &str,
    ) -> Result<ServerFileList, Error> {
        let request = self.request(Method::GET, &["servers", server_id, "files"])?;
        self.call(request.query(&[("path", path)])).await
    }

    /// Writes the file at `path` (relative to the HTTP location) to `out`,
    /// from byte `resume_from` on: a partial file is completed by appending.
    /// `progress(done, total)` follows the whole file's bytes.
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let mut file = std::fs::OpenOptions::new().append(true).create(true).open("film.mkv").expect("open");
    /// let have = file.metadata().expect("size").len();
    /// client.download_file("0190c1d2-…", "Films/film.mkv", have, &mut file, |_, _| {}).await?;
    /// # Ok(()) }
    /// ```
    pub async fn download_file(
        &self,
        server_id: &str,
        path: &str,
        resume_from: u64,
        out: &mut impl Write,
        mut progress: impl FnMut(u64, Option<u64>),
    ) -> Result<Downloaded, Error> {
        let mut segments = vec!["servers", server_id, "download"];
        segments.extend(path.split('/'));
        let request = self.request(Method::GET, &segments)?;
        self.download_to(request, resume_from, out, &mut progress)
            .await
    }

    /// The torrent's own files as its server's web server serves them, each
    /// with its download route (see [`Client::download_file`] for one).
    pub async fn torrent_download_list(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
    ) -> Result<TorrentDownloadList, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "download"])?;
        self.call(on_server(request, server_id).query(&[("format", "list")]))
            .await
    }

    /// Writes the torrent's data to `out`: its one file (resumable from
    /// `resume_from`), or a zip of its files (written while sent; a zip
    /// cannot resume, so `resume_from` must be 0 for one). `ApiError` 409
    /// `incomplete` while it is not complete.
    pub async fn download_torrent(
        &self,
        info_hash: &str,
        server_id: Option<&str>,
        resume_from: u64,
        out: &mut impl Write,
        mut progress: impl FnMut(u64, Option<u64>),
    ) -> Result<Downloaded, Error> {
        let request = self.request(Method::GET, &["torrents", info_hash, "download"])?;
        self.download_to(
            on_server(request, server_id),
            resume_from,
            out,
            &mut progress,
        )
        .await
    }

    /// Sends `request` (with a `Range` from `resume_from`) and writes the
    /// answer to `out`; `progress(done, total)` follows the whole file.
    async fn download_to(
        &self,
        request: reqwest::RequestBuilder,
        resume_from: u64,
        out: &mut impl Write,
        progress: &mut impl FnMut(u64, Option<u64>),
    ) -> Result<Downloaded, Error> {
        // A large file takes long: the client's request timeout would cut it off.
        // Bytes, not the JSON listing `/torrents/{hash}/download` gives to
        // `Accept: application/json`.
        let mut request = request
            .timeout(DOWNLOAD_TIMEOUT)
            .header(header::ACCEPT, "application/octet-stream, application/zip");
        if resume_from > 0 {
            request = request.header(header::RANGE, format!("bytes={resume_from}-"));
        }
        let mut response = self.send(request).await?;
        // A server that sends the whole file anyway: skip what is there.
        let partial = response.status() == StatusCode::PARTIAL_CONTENT;
        let mut skip = if partial { 0 } else { resume_from };
        let mut done = resume_from;
        let total = response.content_length().map(|length| {
            if partial {
                length + resume_from
            } else {
                length
            }
        });
        let mut written = 0;
        let io_error = |e: std::io::Error| Error::Io(e.to_string());
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::from_transport(self.base_url(), e))?
        {
            let start = usize::try_from(skip.min(chunk.len() as u64)).unwrap_or(chunk.len());
            skip -= start as u64;
            out.write_all(&chunk[start..]).map_err(io_error)?;
            written += (chunk.len() - start) as u64;
            done += (chunk.len() - start) as u64;
            progress(done, total);
        }
        out.flush().map_err(io_error)?;
        Ok(Downloaded { written, total })
    }
}
