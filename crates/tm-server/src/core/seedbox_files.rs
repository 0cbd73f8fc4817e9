//! Finished files on a seedbox's own web server (the server's HTTP file
//! location): folder listings parsed from what nginx, Apache and lighttpd
//! serve, and downloads streamed through, with `Range` for resuming.
//!
//! The location is a user-configured target like the client's host: every
//! request goes through the user's egress policy (host literal now, every
//! resolved address and redirect hop on the way).

use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use tm_api_types::{OffsetDateTime, ServerFileEntry, ServerFileList};
use tm_backends::{TargetPolicy, dir_listing};

use super::seedbox_path::RelativePath;
use super::servers::secret_context;
use super::targets::{forbidden_target, refusal_in};
use super::{Core, Error, Result, User};
use crate::db::ServerRow;

/// Largest listing page read.
const MAX_LISTING_BYTES: usize = 8 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A listing is one page: it must be complete in this time.
const LISTING_TIMEOUT: Duration = Duration::from_secs(30);
/// A download may take hours, but not stall this long between reads.
const DOWNLOAD_READ_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_REDIRECTS: usize = 3;

/// A file on its way from the seedbox: the upstream's status and headers
/// that matter, and the body as it arrives.
pub struct SeedboxDownload {
    /// 206 when a range was asked for and served.
    pub partial: bool,
    /// Whether a `Range` would be honoured (a file, not a zip made on the fly).
    pub ranges: bool,
    pub file_name: String,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub content_range: Option<String>,
    pub body: std::pin::Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Listing,
    Download,
}

/// Where the server's files are, and how to ask for them.
pub(super) struct Location {
    base: url::Url,
    username: Option<String>,
    password: Option<zeroize::Zeroizing<String>>,
    client: reqwest::Client,
    /// `host:port`, for messages.
    target: String,
}

impl Core {
    /// One folder of the server's HTTP location, folders first.
    pub async fn list_server_files(
        &self,
        user: &User,
        server_id: &str,
        path: &str,
    ) -> Result<ServerFileList> {
        let row = self.server_row(user, server_id).await?;
        let folder = RelativePath::parse(path)?;
        let location = self.location(user, &row, Purpose::Listing).await?;
        let response = location.get(&folder, true, None).await?;
        check_status(&location, &response, &folder, "folder")?;
        let body = read_capped(&location, response).await?;
        let listed = tokio::task::spawn_blocking(move || {
            dir_listing::parse(&String::from_utf8_lossy(&body))
        })
        .await?
        .map_err(|e| {
            Error::SeedboxUnreachable(format!(
                "The web server at {} gave a listing that cannot be read: {e}",
                location.target
            ))
        })?;
        let mut entries: Vec<ServerFileEntry> = listed
            .into_iter()
            .map(|entry| ServerFileEntry {
                path: folder.child(&entry.name),
                modified: entry
                    .modified
                    .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()),
                name: entry.name,
                is_dir: entry.is_dir,
                size: entry.size,
            })
            .collect();
        entries.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.cmp(&b.name)));
        Ok(ServerFileList {
            server_id: row.id,
            server_name: row.name,
            path: folder.joined(),
            entries,
        })
    }

    /// A file of the server's HTTP location, streamed; `range` is the
    /// caller's `Range` header, passed on when it is a byte range.
    pub async fn download_server_file(
        &self,
        user: &User,
        server_id: &str,
        path: &str,
        range: Option<&str>,
    ) -> Result<SeedboxDownload> {
        let row = self.server_row(user, server_id).await?;
        let file = RelativePath::parse(path)?;
        let file_name = match file.name() {
            Some(name) if !path.ends_with('/') => name.to_owned(),
            _ => return Err(Error::BadRequest("Invalid file path: not a file".into())),
        };
        let location = self.location(user, &row, Purpose::Download).await?;
        location.download(&file, file_name, range).await
    }

    /// The server's HTTP location for downloading several files in turn
    /// (the egress policy checked now and on every request).
    pub(super) async fn download_location(&self, user: &User, row: &ServerRow) -> Result<Location> {
        self.location(user, row, Purpose::Download).await
    }

    async fn location(&self, user: &User, row: &ServerRow, purpose: Purpose) -> Result<Location> {
        let port = row
            .http_port
            .and_then(|p| u16::try_from(p).ok())
            .ok_or(Error::NoHttpLocation)?;
        let host = row.http_host.as_deref().unwrap_or(&row.host);
        let policy: TargetPolicy = self.target_policy_of(&user.id).await?;
        policy.check_host_literal(host).map_err(forbidden_target)?;
        let scheme = if row.http_use_ssl { "https" } else { "http" };
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let authority = if bare.contains(':') {
            format!("[{bare}]:{port}")
        } else {
            format!("{bare}:{port}")
        };
        let mut base = url::Url::parse(&format!("{scheme}://{authority}/"))
            .map_err(|e| Error::Invalid(format!("http_host cannot be used in a URL: {e}")))?;
        if let Ok(mut segments) = base.path_segments_mut() {
            segments.pop_if_empty();
            let configured = row.http_path.as_deref().unwrap_or("");
            segments.extend(configured.split('/').filter(|s| !s.is_empty()));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(DOWNLOAD_READ_TIMEOUT)
            .dns_resolver(policy.resolver())
            // A download that redirects is a folder (`dir` → `dir/`), not a file.
            .redirect(match purpose {
                Purpose::Listing => policy.redirects(MAX_REDIRECTS),
                Purpose::Download => reqwest::redirect::Policy::none(),
            })
            // Bytes as stored: lengths and ranges must be the file's.
            .no_gzip()
            .danger_accept_invalid_certs(row.tls_accept_invalid_certs);
        if purpose == Purpose::Listing {
            builder = builder.timeout(LISTING_TIMEOUT);
        }
        let client = builder
            .build()
            .map_err(|e| Error::Internal(e.to_string()))?;
        let password = match &row.http_password_enc {
            Some(sealed) => Some(
                self.secrets()
                    .decrypt(sealed, &secret_context(&row.id, "http_password"))?,
            ),
            None => None,
        };
        Ok(Location {
            base,
            username: row.http_username.clone(),
            password,
            client,
            target: authority,
        })
    }
}

impl Location {
    /// `file`, streamed as `file_name`; `range` is the caller's `Range`
    /// header, passed on when it is a byte range.
    pub(super) async fn download(
        &self,
        file: &RelativePath,
        file_name: String,
        range: Option<&str>,
    ) -> Result<SeedboxDownload> {
        let range = range.filter(|r| is_byte_range(r));
        let response = self.get(file, false, range).await?;
        if response.status() == reqwest::StatusCode::RANGE_NOT_SATISFIABLE {
            return Err(Error::BadRequest(
                "The requested range is not satisfiable (past the end of the file)".into(),
            ));
        }
        check_status(self, &response, file, "file")?;
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_range = header(reqwest::header::CONTENT_RANGE);
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let partial = response.status() == reqwest::StatusCode::PARTIAL_CONTENT;
        let target = self.target.clone();
        Ok(SeedboxDownload {
            partial: partial && content_range.is_some(),
            ranges: true,
            file_name,
            content_type,
            content_length: response.content_length(),
            content_range: content_range.filter(|_| partial),
            body: Box::pin(response.bytes_stream().map_err(move |e| {
                tracing::warn!(target = %target, error = %e, "seedbox download broke off");
                std::io::Error::other("the seedbox's web server stopped sending the file")
            })),
        })
    }

    /// The URL of `path` under the location: each segment percent-encoded
    /// (so `%`, `?`, `#` stay part of a name), folders with a trailing `/`.
    fn url(&self, path: &RelativePath, folder: bool) -> url::Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty();
            segments.extend(path.segments());
            if folder {
                segments.push("");
            }
        }
        url
    }

    async fn get(
        &self,
        path: &RelativePath,
        folder: bool,
        range: Option<&str>,
    ) -> Result<reqwest::Response> {
        let mut request = self.client.get(self.url(path, folder));
        if let Some(username) = &self.username {
            request = request.basic_auth(username, self.password.as_deref().map(String::as_str));
        }
        if let Some(range) = range {
            request = request.header(reqwest::header::RANGE, range);
        }
        request.send().await.map_err(|e| self.failure(&e))
    }

    /// Names the cause of a failed request without text from the far side.
    fn failure(&self, error: &reqwest::Error) -> Error {
        if let Some(refusal) = refusal_in(error) {
            return forbidden_target(refusal);
        }
        let target = &self.target;
        if error.is_timeout() {
            Error::SeedboxTimeout(format!("The web server at {target} did not answer in time"))
        } else if error.is_connect() {
            Error::SeedboxUnreachable(format!("Could not connect to the web server at {target}"))
        } else if error.is_redirect() {
            Error::SeedboxUnreachable(format!("The web server at {target} redirects too often"))
        } else {
            Error::SeedboxUnreachable(format!("The request to the web server at {target} failed"))
        }
    }
}

fn check_status(
    location: &Location,
    response: &reqwest::Response,
    path: &RelativePath,
    what: &str,
) -> Result<()> {
    let status = response.status();
    let target = &location.target;
    match status.as_u16() {
        200..=299 => Ok(()),
        401 | 403 => Err(Error::SeedboxAuthFailed(format!(
            "The web server at {target} refused access (HTTP {}): check the server's http_username and http_password",
            status.as_u16()
        ))),
        300..=399 if what == "file" => Err(Error::BadRequest(format!(
            "'{}' is a folder, not a file: list it with /servers/{{id}}/files?path=",
            path.joined()
        ))),
        404 | 410 => Err(Error::FileNotFound(format!(
            "No such {what} on the seedbox: '{}'",
            path.joined()
        ))),
        code => Err(Error::SeedboxUnreachable(format!(
            "The web server at {target} answered HTTP {code}"
        ))),
    }
}

async fn read_capped(location: &Location, response: reqwest::Response) -> Result<Vec<u8>> {
    let too_large = || {
        Error::SeedboxUnreachable(format!(
            "The listing from {} is larger than {} MiB",
            location.target,
            MAX_LISTING_BYTES / (1024 * 1024)
        ))
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_LISTING_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| location.failure(&e))?;
        if body.len() + chunk.len() > MAX_LISTING_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `bytes=N-`, `bytes=N-M`, `bytes=-N` (one or more): what is passed on.
fn is_byte_range(value: &str) -> bool {
    value.len() <= 200
        && value.strip_prefix("bytes=").is_some_and(|ranges| {
            !ranges.is_empty()
                && ranges
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-' || b == b',' || b == b' ')
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_byte_ranges_are_passed_on() {
        assert!(super::is_byte_range("bytes=100-"));
        assert!(super::is_byte_range("bytes=0-99, 200-"));
        assert!(!super::is_byte_range("bytes="));
        assert!(!super::is_byte_range("items=1-2"));
        assert!(!super::is_byte_range("bytes=1-2\r\nX-Evil: 1"));
    }
}
