//! Tags: the labels of a torrent that are not its category, plus those
//! created with `createTags` before any torrent carries them.

use std::collections::BTreeSet;

use super::{Entry, Facade};
use crate::core::activity::Change;
use crate::core::{Result, clean_labels};

impl Facade<'_> {
    /// `addTags` (`add`) or `removeTags`: comma-separated tags, as labels.
    pub async fn edit_tags(&self, entries: &[Entry], tags: &str, add: bool) -> Result<()> {
        let tags = clean_labels(split_tags(tags))?;
        for entry in entries {
            let edit = |mut labels: Vec<String>| {
                if add {
                    labels.extend(tags.iter().cloned());
                } else {
                    labels.retain(|l| !tags.contains(l));
                }
                labels
            };
            self.edit_labels(entry, edit).await?;
        }
        Ok(())
    }

    /// `torrents/tags`: the created tags and every tag in use, sorted.
    pub async fn tags(&self) -> Result<Vec<String>> {
        self.tags_of(&self.entries()).await
    }

    /// The created tags and those `entries` carry, sorted.
    pub(super) async fn tags_of(&self, entries: &[Entry]) -> Result<Vec<String>> {
        let mut tags: BTreeSet<String> = self
            .core
            .store()
            .facade_tags(&self.user.id)
            .await?
            .into_iter()
            .collect();
        tags.extend(entries.iter().flat_map(|entry| entry.tags.iter().cloned()));
        Ok(tags.into_iter().collect())
    }

    /// `createTags`: kept until deleted, listed even while unused.
    pub async fn create_tags(&self, tags: &str) -> Result<()> {
        let tags = clean_labels(split_tags(tags))?;
        self.core
            .store()
            .insert_facade_tags(&self.user.id, &tags)
            .await?;
        let message = format!("tags created: {}", tags.join(", "));
        let change = Change::account(&self.user.id, "tags_create", message);
        self.core.record_one(change).await;
        Ok(())
    }

    /// `deleteTags`: forgotten, and taken off every torrent carrying them.
    pub async fn delete_tags(&self, tags: &str) -> Result<()> {
        let names = clean_labels(split_tags(tags))?;
        self.core
            .store()
            .delete_facade_tags(&self.user.id, &names)
            .await?;
        let message = format!("tags deleted: {}", names.join(", "));
        let change = Change::account(&self.user.id, "tags_delete", message);
        self.core.record_one(change).await;
        let carrying: Vec<Entry> = self
            .entries()
            .into_iter()
            .filter(|entry| entry.tags.iter().any(|t| names.contains(t)))
            .collect();
        self.edit_tags(&carrying, tags, false).await
    }
}

/// qBittorrent's tag lists are comma-separated.
pub fn split_tags(tags: &str) -> Vec<String> {
    tags.split(',').map(|t| t.trim().to_string()).collect()
}
