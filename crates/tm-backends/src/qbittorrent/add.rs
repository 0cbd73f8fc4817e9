//! `torrents/add`: a multipart form with the .torrent file (`torrents`) or
//! the magnet (`urls`). qBittorrent answers no hash (the hash is computed
//! locally) and adds asynchronously: the add is done once the torrent lists.

use std::time::Duration;

use reqwest::StatusCode;

use super::Qbittorrent;
use super::api::{Body, status_error};
use super::category::category_name;
use super::version::ApiVersion;
use crate::client::source_hash;
use crate::error::{ErrorKind, Result};
use crate::model::{AddTorrent, TorrentSource};

const POLL: Duration = Duration::from_millis(50);

/// A `multipart/form-data` body, written by hand: reqwest's multipart
/// support is not compiled in, and the form is four fields.
struct Multipart {
    parts: Vec<Part>,
}

struct Part {
    name: &'static str,
    file_name: Option<&'static str>,
    value: Vec<u8>,
}

impl Multipart {
    fn field(&mut self, name: &'static str, value: &str) {
        self.parts.push(Part {
            name,
            file_name: None,
            value: value.as_bytes().to_vec(),
        });
    }

    fn into_body(self, seed: &str) -> Body {
        // A boundary found in no value (a .torrent may hold any bytes).
        let boundary = (0u32..)
            .map(|n| format!("tm-backends-{seed}-{n}"))
            .find(|b| {
                !self
                    .parts
                    .iter()
                    .any(|p| p.value.windows(b.len()).any(|w| w == b.as_bytes()))
            })
            .unwrap_or_default();
        let mut bytes = Vec::new();
        for part in self.parts {
            bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let disposition = match part.file_name {
                Some(file) => format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{file}\"\r\n\
                     Content-Type: application/x-bittorrent\r\n\r\n",
                    part.name
                ),
                None => format!(
                    "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                    part.name
                ),
            };
            bytes.extend_from_slice(disposition.as_bytes());
            bytes.extend_from_slice(&part.value);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Body {
            bytes,
            content_type: format!("multipart/form-data; boundary={boundary}"),
        }
    }
}

impl Qbittorrent {
    pub(super) async fn add_torrent(&self, torrent: AddTorrent) -> Result<String> {
        let hash = source_hash(&self.server, &torrent.source).await?;
        let tags = self.checked_tags(&torrent.labels)?;
        if self.is_listed(&hash).await? {
            return Err(self.error(ErrorKind::Duplicate(hash)));
        }
        let version = self.api_version().await?;
        if !tags.is_empty() {
            self.require_tags(version)?;
            self.api
                .text("torrents/createTags", &[("tags", &tags.join(","))])
                .await?;
        }
        let category = category_name(torrent.category.as_deref());
        if let Some(name) = category {
            self.ensure_category(name).await?;
        }
        let mut form = Multipart { parts: Vec::new() };
        match torrent.source {
            TorrentSource::File(bytes) => form.parts.push(Part {
                name: "torrents",
                file_name: Some("add.torrent"),
                value: bytes,
            }),
            TorrentSource::Magnet(link) => form.field("urls", &link),
        }
        if let Some(path) = &torrent.save_path {
            // Automatic torrent management would ignore `savepath`.
            form.field("autoTMM", "false");
            form.field("savepath", path);
        }
        let paused = if version >= ApiVersion::STOP_NAMES {
            "stopped"
        } else {
            "paused"
        };
        form.field(paused, if torrent.start { "false" } else { "true" });
        if !tags.is_empty() {
            form.field("tags", &tags.join(","));
        }
        if let Some(name) = category {
            form.field("category", name);
        }
        if torrent.skip_checking {
            form.field("skip_checking", "true");
        }
        let reply = self.api.post("torrents/add", form.into_body(&hash)).await?;
        let refused = reply.body.trim_ascii() == b"Fails." || reply.status == StatusCode::CONFLICT;
        match reply.status {
            // "Ok." before WebAPI 2.14, a JSON summary after.
            status if status.is_success() && !refused => {
                if self.wait_listed(&hash).await? {
                    Ok(hash)
                } else {
                    Err(self.error(ErrorKind::Rejected(
                        "torrents/add: accepted, but the torrent never appeared".to_owned(),
                    )))
                }
            }
            // 4.x: "Fails." for a torrent it already has (maybe still loading).
            _ if refused => {
                if self.wait_listed(&hash).await? {
                    Err(self.error(ErrorKind::Duplicate(hash)))
                } else {
                    Err(self.error(ErrorKind::Rejected(
                        "torrents/add: qBittorrent refused the torrent".to_owned(),
                    )))
                }
            }
            _ => Err(self.error(status_error(&reply, "torrents/add"))),
        }
    }

    async fn is_listed(&self, hash: &str) -> Result<bool> {
        Ok(!self.info(&[hash.to_owned()]).await?.is_empty())
    }

    /// Whether `hash` lists within the call timeout.
    async fn wait_listed(&self, hash: &str) -> Result<bool> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            if self.is_listed(hash).await? {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(POLL).await;
        }
    }
}
