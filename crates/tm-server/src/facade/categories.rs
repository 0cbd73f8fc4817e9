//! Categories: each routes adds to a server and a save path.
//!
//! On a server with categories of its own (qBittorrent) a facade category
//! is that server's category, and every label is a tag: the facade is no
//! worse than that qBittorrent itself. On clients without categories they
//! are labels: a torrent is in category C when its label C names one of the
//! user's categories, and tags are the other labels. Writes go through the
//! core.

use serde_json::{Map, Value, json};
use tm_api_types::CategoryRequest;

use super::{Entry, Facade};
use crate::core::{CategoryWrite, Error, Result};

/// `createCategory`/`editCategory`: the save path and, as torrent-manager's
/// extension, the server (`server_id`, or its name in `server`).
pub struct CategoryUpdate {
    pub name: String,
    pub save_path: Option<String>,
    pub server: Option<String>,
}

impl Facade<'_> {
    /// `torrents/categories`: `{name: {name, savePath}}`, plus where each
    /// routes (torrent-manager's `server_id`).
    pub fn categories_object(&self) -> Value {
        let map: Map<String, Value> = self
            .categories
            .iter()
            .map(|c| {
                let value = json!({
                    "name": c.name,
                    "savePath": c.save_path,
                    "download_path": Value::Null,
                    "server_id": self.server_of(c),
                });
                (c.name.clone(), value)
            })
            .collect();
        Value::Object(map)
    }

    pub async fn create_category(&self, update: CategoryUpdate) -> Result<()> {
        self.save_category(update, CategoryWrite::Create).await
    }

    pub async fn edit_category(&self, update: CategoryUpdate) -> Result<()> {
        self.save_category(update, CategoryWrite::Edit).await
    }

    /// Removes categories (newline-separated names); torrents keep their
    /// labels, which are tags from then on. Unknown names are skipped, as
    /// qBittorrent does.
    pub async fn remove_categories(&self, names: &str) -> Result<()> {
        for name in names.lines().map(str::trim).filter(|n| !n.is_empty()) {
            match self.core.delete_category(self.user, name).await {
                Ok(()) | Err(Error::NotFound(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// The core's write, with the server named by id or name (this API's
    /// extension) resolved to its id.
    async fn save_category(&self, update: CategoryUpdate, write: CategoryWrite) -> Result<()> {
        let server_id = match update.server.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(wanted) => Some(self.server_named(wanted).await?),
        };
        let request = CategoryRequest {
            save_path: update.save_path,
            server_id,
        };
        self.core
            .save_category(self.user, &update.name, request, write)
            .await
            .map(|_| ())
    }

    /// The id of the user's server with id or name `wanted`.
    async fn server_named(&self, wanted: &str) -> Result<String> {
        self.core
            .store()
            .servers_of(&self.user.id)
            .await?
            .into_iter()
            .find(|s| s.id == wanted || s.name == wanted)
            .map(|s| s.id)
            .ok_or_else(|| Error::BadRequest(format!("no server '{wanted}'")))
    }

    /// `setCategory`: the server's own category where it has them; else the
    /// label of the old category goes and the new one comes (an empty name
    /// only removes). Answers 409 for an unknown category.
    pub async fn set_category(&self, entries: &[Entry], category: &str) -> Result<()> {
        let category = category.trim();
        if !category.is_empty() && self.category(category).is_none() {
            return Err(Error::Conflict("Incorrect category name".into()));
        }
        let names: Vec<String> = self.categories.iter().map(|c| c.name.clone()).collect();
        for entry in entries {
            if entry.native_categories {
                let native = Some(category).filter(|c| !c.is_empty());
                self.core
                    .set_category(self.user, entry.hash(), Some(entry.server_id()), native)
                    .await?;
                continue;
            }
            let edit = |mut labels: Vec<String>| {
                labels.retain(|l| !names.contains(l));
                if !category.is_empty() {
                    labels.push(category.to_string());
                }
                labels
            };
            self.edit_labels(entry, edit).await?;
        }
        Ok(())
    }

    pub(super) async fn edit_labels(
        &self,
        entry: &Entry,
        edit: impl FnOnce(Vec<String>) -> Vec<String>,
    ) -> Result<()> {
        self.core
            .edit_labels(self.user, entry.hash(), Some(entry.server_id()), edit)
            .await
            .map(|_| ())
    }
}
