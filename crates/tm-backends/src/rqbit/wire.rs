//! The JSON rqbit's HTTP API answers (librqbit 9.1's `api.rs`), the fields
//! used; the stats are the shared mapping's `StatsView` itself.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::embedded::mapping::{FileView, StatsView};

/// `GET /`: the list of routes, and who answers.
#[derive(Debug, Deserialize)]
pub struct RootReply {
    #[serde(default)]
    pub server: String,
    #[serde(default)]
    pub version: String,
}

/// `GET /torrents?with_stats=true`.
#[derive(Debug, Deserialize)]
pub struct ListReply {
    pub torrents: Vec<DetailsReply>,
}

/// `TorrentDetailsResponse`: one torrent (`GET /torrents/{hash}` adds the
/// files; the list adds the stats when asked).
#[derive(Debug, Deserialize)]
pub struct DetailsReply {
    pub info_hash: String,
    #[serde(default)]
    pub name: Option<String>,
    pub output_folder: String,
    #[serde(default)]
    pub files: Option<Vec<FileReply>>,
    #[serde(default)]
    pub stats: Option<StatsView>,
}

/// `TorrentDetailsResponseFile`.
#[derive(Debug, Deserialize)]
pub struct FileReply {
    /// The path inside the torrent, one component each.
    pub components: Vec<String>,
    pub length: u64,
    /// Selected for download (`only_files`).
    pub included: bool,
    #[serde(default)]
    pub attributes: Attributes,
}

#[derive(Debug, Default, Deserialize)]
pub struct Attributes {
    #[serde(default)]
    pub padding: bool,
}

impl DetailsReply {
    /// The files as the mapping views them, and the selected indices.
    pub fn file_views(&self) -> (Vec<FileView>, Vec<usize>) {
        let files = self.files.as_deref().unwrap_or_default();
        let views = files
            .iter()
            .map(|f| FileView {
                path: f.components.join("/"),
                size: f.length,
                padding: f.attributes.padding,
            })
            .collect();
        let selected = files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.included)
            .map(|(i, _)| i)
            .collect();
        (views, selected)
    }
}

/// `GET /torrents/{hash}/peer_stats`: peers by address.
#[derive(Debug, Deserialize)]
pub struct PeersReply {
    #[serde(default)]
    pub peers: BTreeMap<String, PeerReply>,
}

#[derive(Debug, Deserialize)]
pub struct PeerReply {
    #[serde(default)]
    pub client_name: Option<String>,
}
