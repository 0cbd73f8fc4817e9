//! What the qBittorrent-compatible API keeps: its categories and the share
//! limits set through it.

use super::{DbResult, Store, conflict_on_unique, on_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CategoryRow {
    pub name: String,
    /// `None`: the user's default server.
    pub server_id: Option<String>,
    /// Empty: the server's own download directory.
    pub save_path: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ShareLimitRow {
    pub server_id: String,
    pub info_hash: String,
    pub ratio_limit: f64,
    pub seeding_time_limit: i64,
    pub inactive_seeding_time_limit: i64,
    /// What reaching a limit does: `stop`, `remove` or `remove_with_data`.
    pub action: String,
}

/// The action of share limits set without one (the facade's `setShareLimits`).
pub const STOP_ACTION: &str = "stop";

#[derive(sqlx::FromRow)]
struct UserShareLimitRow {
    user_id: String,
    #[sqlx(flatten)]
    limits: ShareLimitRow,
}

impl Store {
    pub async fn facade_categories(&self, user_id: &str) -> DbResult<Vec<CategoryRow>> {
        const SQL: &str = "SELECT name, server_id, save_path FROM facade_categories \
             WHERE user_id = $1 ORDER BY name";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, CategoryRow>(
            SQL
        )
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Adds a category; `Conflict` when the user has one of that name.
    pub async fn insert_facade_category(&self, user_id: &str, row: &CategoryRow) -> DbResult<()> {
        const SQL: &str = "INSERT INTO facade_categories (user_id, name, server_id, save_path) \
             VALUES ($1, $2, $3, $4)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(user_id)
            .bind(&row.name)
            .bind(&row.server_id)
            .bind(&row.save_path)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(conflict_on_unique("category"))?;
        Ok(())
    }

    /// Changes a category's server and save path; false when there is none.
    pub async fn update_facade_category(&self, user_id: &str, row: &CategoryRow) -> DbResult<bool> {
        const SQL: &str = "UPDATE facade_categories SET server_id = $3, save_path = $4 \
             WHERE user_id = $1 AND name = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(user_id)
            .bind(&row.name)
            .bind(&row.server_id)
            .bind(&row.save_path)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Adds a category, or replaces the server and save path of the user's
    /// category of that name.
    pub async fn put_facade_category(&self, user_id: &str, row: &CategoryRow) -> DbResult<()> {
        const SQL: &str = "INSERT INTO facade_categories (user_id, name, server_id, save_path) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, name) DO UPDATE SET \
             server_id = excluded.server_id, save_path = excluded.save_path";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(user_id)
            .bind(&row.name)
            .bind(&row.server_id)
            .bind(&row.save_path)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Removes a category; false when the user has none of that name.
    pub async fn delete_facade_category(&self, user_id: &str, name: &str) -> DbResult<bool> {
        const SQL: &str = "DELETE FROM facade_categories WHERE user_id = $1 AND name = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(user_id)
            .bind(name)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    pub async fn share_limits_of(&self, user_id: &str) -> DbResult<Vec<ShareLimitRow>> {
        const SQL: &str = "SELECT server_id, info_hash, ratio_limit, seeding_time_limit, \
             inactive_seeding_time_limit, action FROM share_limits WHERE user_id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ShareLimitRow>(
            SQL
        )
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
    }

    pub async fn set_share_limits(&self, user_id: &str, row: &ShareLimitRow) -> DbResult<()> {
        const SQL: &str = "INSERT INTO share_limits (user_id, server_id, info_hash, ratio_limit, \
             seeding_time_limit, inactive_seeding_time_limit, action) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (user_id, server_id, info_hash) DO UPDATE SET \
             ratio_limit = excluded.ratio_limit, seeding_time_limit = excluded.seeding_time_limit, \
             inactive_seeding_time_limit = excluded.inactive_seeding_time_limit, action = excluded.action";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(user_id)
            .bind(&row.server_id)
            .bind(&row.info_hash)
            .bind(row.ratio_limit)
            .bind(row.seeding_time_limit)
            .bind(row.inactive_seeding_time_limit)
            .bind(&row.action)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}

impl Store {
    /// Every stored share limit that limits something, by user.
    pub async fn share_limits_by_user(&self) -> DbResult<Vec<(String, Vec<ShareLimitRow>)>> {
        const SQL: &str = "SELECT user_id, server_id, info_hash, ratio_limit, seeding_time_limit, \
             inactive_seeding_time_limit, action FROM share_limits WHERE ratio_limit >= 0 \
             OR seeding_time_limit >= 0 OR inactive_seeding_time_limit >= 0 ORDER BY user_id";
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, UserShareLimitRow>(SQL)
            .fetch_all(pool)
            .await)?;
        let mut by_user: Vec<(String, Vec<ShareLimitRow>)> = Vec::new();
        for row in rows {
            match by_user.last_mut() {
                Some((user_id, limits)) if *user_id == row.user_id => limits.push(row.limits),
                _ => by_user.push((row.user_id, vec![row.limits])),
            }
        }
        Ok(by_user)
    }

    /// Drops the share limits kept for a torrent that is gone.
    pub async fn delete_share_limits(&self, server_id: &str, info_hash: &str) -> DbResult<()> {
        const SQL: &str = "DELETE FROM share_limits WHERE server_id = $1 AND info_hash = $2";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(server_id)
            .bind(info_hash)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The tags a user created through the facade, sorted.
    pub async fn facade_tags(&self, user_id: &str) -> DbResult<Vec<String>> {
        const SQL: &str = "SELECT name FROM facade_tags WHERE user_id = $1 ORDER BY name";
        Ok(on_pool!(self, |pool| sqlx::query_scalar::<_, String>(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    /// Creates tags; existing ones stay as they are.
    pub async fn insert_facade_tags(&self, user_id: &str, names: &[String]) -> DbResult<()> {
        const SQL: &str = "INSERT INTO facade_tags (user_id, name) VALUES ($1, $2) \
             ON CONFLICT (user_id, name) DO NOTHING";
        self.per_tag(SQL, user_id, names).await
    }

    pub async fn delete_facade_tags(&self, user_id: &str, names: &[String]) -> DbResult<()> {
        const SQL: &str = "DELETE FROM facade_tags WHERE user_id = $1 AND name = $2";
        self.per_tag(SQL, user_id, names).await
    }

    /// Runs `sql` (`$1` the user, `$2` a tag) once per tag.
    async fn per_tag(&self, sql: &'static str, user_id: &str, names: &[String]) -> DbResult<()> {
        for name in names {
            on_pool!(self, |pool| sqlx::query(sql)
                .bind(user_id)
                .bind(name)
                .execute(pool)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }
}
