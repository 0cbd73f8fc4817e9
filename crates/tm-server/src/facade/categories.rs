//! Categories: each routes adds to a server and a save path.
//!
//! On a server with categories of its own (qBittorrent) a facade category
//! is that server's category, and every label is a tag: the facade is no
//! worse than that qBittorrent itself. On clients without categories they
//! are labels: a torrent is in category C when its label C names one of the
//! user's categories, and tags are the other labels. Writes go through the
//! core.

use serde_json::{Map, Value, json};

use super::{Entry, Facade};
use crate::core::{Error, Result, check_save_path, clean_labels};
use crate::db::CategoryRow;

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
        let row = self.category_row(update).await?;
        match self
            .core
            .store()
            .insert_facade_category(&self.user.id, &row)
            .await
        {
            Err(crate::db::DbError::Conflict(_)) => {
                Err(Error::Conflict("Category already exists".into()))
            }
            other => Ok(other?),
        }
    }

    pub async fn edit_category(&self, update: CategoryUpdate) -> Result<()> {
        let row = self.category_row(update).await?;
        if self
            .core
            .store()
            .update_facade_category(&self.user.id, &row)
            .await?
        {
            Ok(())
        } else {
            Err(Error::Conflict("Category does not exist".into()))
        }
    }

    /// Removes categories (newline-separated names); torrents keep their
    /// labels, which are tags from then on.
    pub async fn remove_categories(&self, names: &str) -> Result<()> {
        for name in names.lines().map(str::trim).filter(|n| !n.is_empty()) {
            self.core
                .store()
                .delete_facade_category(&self.user.id, name)
                .await?;
        }
        Ok(())
    }

    async fn category_row(&self, update: CategoryUpdate) -> Result<CategoryRow> {
        let name = category_name(&update.name)?;
        let save_path = check_save_path(update.save_path)?.unwrap_or_default();
        let server_id = match update.server.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(wanted) => Some(self.server_named(wanted).await?),
        };
        Ok(CategoryRow {
            name,
            server_id,
            save_path,
        })
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

/// A category name fit to be a label on every client.
fn category_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::BadRequest("Category name is empty".into()));
    }
    let cleaned = clean_labels(vec![name.to_string()])
        .map_err(|_| Error::BadRequest("Category name is invalid".into()))?;
    cleaned
        .into_iter()
        .next()
        .ok_or_else(|| Error::BadRequest("Category name is invalid".into()))
}
