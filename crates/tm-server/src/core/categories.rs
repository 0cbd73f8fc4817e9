//! Categories of the qBittorrent-compatible API: each routes the torrents
//! added in it (by Sonarr, Radarr) to a server and a save path. They are
//! set through `/api/v2` (`createCategory`, `editCategory`,
//! `removeCategories`) and through `/categories`; both come here.

use tm_api_types::{Category, CategoryRequest};

use super::activity::Change;
use super::{Core, Error, Result, User, check_save_path, clean_labels};
use crate::db::{CategoryRow, DbError};

/// What a write does when the user has a category of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryWrite {
    /// Only adds (`createCategory`): a taken name is a conflict.
    Create,
    /// Only changes (`editCategory`): an unknown name is a conflict.
    Edit,
    /// Adds or replaces (`PUT /categories/{name}`).
    CreateOrReplace,
}

impl Core {
    /// The user's categories by name, each with its server's name.
    pub async fn list_categories(&self, user: &User) -> Result<Vec<Category>> {
        let servers = self.store().servers_of(&user.id).await?;
        let name_of = |id: &str| {
            servers
                .iter()
                .find(|server| server.id == id)
                .map(|server| server.name.clone())
        };
        Ok(self
            .store()
            .facade_categories(&user.id)
            .await?
            .into_iter()
            .map(|row| {
                let server_name = row.server_id.as_deref().and_then(name_of);
                category_info(row, server_name)
            })
            .collect())
    }

    /// Checks and stores the category `name`: its server must be one of
    /// the user's (none: the default server), its save path absolute.
    pub async fn save_category(
        &self,
        user: &User,
        name: &str,
        request: CategoryRequest,
        write: CategoryWrite,
    ) -> Result<Category> {
        let name = category_name(name)?;
        let save_path = check_save_path(request.save_path)?.unwrap_or_default();
        let wanted = request.server_id.as_deref().map(str::trim);
        let server = match wanted.filter(|id| !id.is_empty()) {
            Some(id) => Some(self.server_row(user, id).await?),
            None => None,
        };
        let row = CategoryRow {
            name,
            server_id: server.as_ref().map(|s| s.id.clone()),
            save_path,
        };
        let store = self.store();
        match write {
            CategoryWrite::Create => match store.insert_facade_category(&user.id, &row).await {
                Err(DbError::Conflict(_)) => {
                    return Err(Error::Conflict("Category already exists".into()));
                }
                other => other?,
            },
            CategoryWrite::Edit => {
                if !store.update_facade_category(&user.id, &row).await? {
                    return Err(Error::Conflict("Category does not exist".into()));
                }
            }
            CategoryWrite::CreateOrReplace => store.put_facade_category(&user.id, &row).await?,
        }
        let category = category_info(row, server.map(|s| s.name));
        let message = format!(
            "category '{}': server {}, save path {}",
            category.name,
            category.server_name.as_deref().unwrap_or("default"),
            category
                .save_path
                .as_deref()
                .unwrap_or("the server's default"),
        );
        self.record_one(Change::account(&user.id, "category_save", message))
            .await;
        Ok(category)
    }

    /// Removes the category `name`; torrents keep their labels.
    pub async fn delete_category(&self, user: &User, name: &str) -> Result<()> {
        if self
            .store()
            .delete_facade_category(&user.id, name.trim())
            .await?
        {
            let message = format!("category '{}' removed", name.trim());
            self.record_one(Change::account(&user.id, "category_delete", message))
                .await;
            Ok(())
        } else {
            Err(Error::NotFound(format!(
                "Category '{}' not found",
                name.trim()
            )))
        }
    }
}

fn category_info(row: CategoryRow, server_name: Option<String>) -> Category {
    Category {
        name: row.name,
        save_path: Some(row.save_path).filter(|path| !path.is_empty()),
        server_id: row.server_id,
        server_name,
    }
}

/// A category name fit to be a label on every client (on clients without
/// categories of their own, a category is carried as a label).
fn category_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("Category name is empty".into()));
    }
    let invalid = || Error::Invalid("Category name is invalid".into());
    clean_labels(vec![name.to_string()])
        .map_err(|_| invalid())?
        .into_iter()
        .next()
        .ok_or_else(invalid)
}
