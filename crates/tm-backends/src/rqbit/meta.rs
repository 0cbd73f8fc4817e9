//! What a torrent's .torrent says that rqbit's JSON does not (its layout,
//! privacy and trackers), read once per torrent from
//! `GET /torrents/{hash}/metadata` and cached: metainfo never changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::embedded::mapping::{Layout, TorrentView};
use crate::torrent_file::MetaInfo;

use super::wire::DetailsReply;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// `None`: a multi-file torrent; else the single file's name.
    pub single_file: Option<String>,
    pub private: bool,
    pub trackers: Vec<String>,
}

impl Meta {
    pub fn of(info: &MetaInfo) -> Self {
        let single = info.files.len() == 1 && info.files[0].path == info.name;
        Self {
            single_file: single.then(|| info.name.clone()),
            private: info.private,
            trackers: info.trackers.clone(),
        }
    }

    /// Where the engine writes a torrent added into `save`: the save path
    /// itself, or `<save>/<name>` for a multi-file torrent, as the other
    /// clients lay it out (rqbit writes the files straight into the folder
    /// it is given). `None`: the name is not a plain folder name.
    pub fn output_folder(info: &MetaInfo, save: &str) -> Option<String> {
        let save = save.trim_end_matches('/');
        if Self::of(info).single_file.is_some() {
            return Some(if save.is_empty() {
                "/".into()
            } else {
                save.into()
            });
        }
        let name = info.name.as_str();
        let plain = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0']);
        plain.then(|| format!("{save}/{name}"))
    }
}

/// Hash → metainfo facts.
#[derive(Default)]
pub struct MetaCache(Mutex<HashMap<String, Arc<Meta>>>);

impl MetaCache {
    pub fn get(&self, hash: &str) -> Option<Arc<Meta>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(hash)
            .cloned()
    }

    pub fn put(&self, hash: &str, meta: Meta) -> Arc<Meta> {
        let meta = Arc::new(meta);
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(hash.to_owned(), meta.clone());
        meta
    }

    pub fn forget(&self, hash: &str) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(hash);
    }
}

/// The mapping's view of a torrent from its details and metainfo facts.
pub fn view(details: &DetailsReply, meta: Option<&Meta>) -> TorrentView {
    TorrentView {
        info_hash: details.info_hash.to_ascii_lowercase(),
        name: details.name.clone(),
        output_folder: details.output_folder.clone(),
        layout: match meta {
            Some(Meta {
                single_file: Some(file),
                ..
            }) => Layout::SingleFile(file.clone()),
            Some(_) => Layout::MultiFile,
            None => Layout::Unknown,
        },
        private: meta.is_some_and(|m| m.private),
        trackers: meta.map(|m| m.trackers.clone()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::torrent_file::MetaFile;

    fn info(name: &str, files: &[&str]) -> MetaInfo {
        MetaInfo {
            name: name.into(),
            info_hash_v1: Some("ab".repeat(20)),
            info_hash_v2: None,
            total_size: 1,
            files: files
                .iter()
                .map(|p| MetaFile {
                    path: (*p).into(),
                    size: 1,
                })
                .collect(),
            private: true,
            trackers: vec!["http://t/announce".into()],
        }
    }

    #[test]
    fn folders_follow_the_layout() {
        let single = info("a.bin", &["a.bin"]);
        assert_eq!(Meta::of(&single).single_file.as_deref(), Some("a.bin"));
        assert_eq!(Meta::output_folder(&single, "/d/"), Some("/d".into()));
        let multi = info("album", &["a.flac", "sub/b.flac"]);
        assert_eq!(Meta::of(&multi).single_file, None);
        assert_eq!(Meta::output_folder(&multi, "/d"), Some("/d/album".into()));
        assert_eq!(Meta::output_folder(&info("..", &["x", "y"]), "/d"), None);
    }
}
