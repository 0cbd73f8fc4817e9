//! The metainfo store: .torrent files by info hash, and who added them.

use sqlx::Row;

use super::{DbResult, Store, on_pool};

/// A stored .torrent file.
#[derive(Debug, Clone)]
pub struct MetainfoRow {
    pub name: String,
    pub data: Vec<u8>,
}

impl Store {
    /// Keeps `data` under `info_hash` unless a file is already stored there
    /// (the first one wins: every copy has the same `info`), and records
    /// `owner` as having added it.
    pub async fn put_metainfo(
        &self,
        info_hash: &str,
        name: &str,
        data: &[u8],
        owner: Option<&str>,
        now: i64,
    ) -> DbResult<()> {
        const INSERT: &str = "INSERT INTO metainfo (info_hash, name, data, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (info_hash) DO NOTHING";
        const OWNER: &str = "INSERT INTO metainfo_owners (info_hash, user_id) VALUES ($1, $2) \
             ON CONFLICT (info_hash, user_id) DO NOTHING";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(INSERT)
                .bind(info_hash)
                .bind(name)
                .bind(data)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if let Some(user_id) = owner {
                sqlx::query(OWNER)
                    .bind(info_hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The stored file, if any.
    pub async fn metainfo(&self, info_hash: &str) -> DbResult<Option<MetainfoRow>> {
        const SQL: &str = "SELECT name, data FROM metainfo WHERE info_hash = $1";
        let row = on_pool!(self, |pool| {
            match sqlx::query(SQL)
                .bind(info_hash)
                .fetch_optional(pool)
                .await?
            {
                // Unchecked: SQLite does not know the type name BYTEA.
                Some(row) => Some(MetainfoRow {
                    name: row.try_get(0)?,
                    data: row.try_get_unchecked(1)?,
                }),
                None => None,
            }
        });
        Ok(row)
    }

    /// Whether `user_id` added the torrent `info_hash` through the manager.
    pub async fn is_metainfo_owner(&self, info_hash: &str, user_id: &str) -> DbResult<bool> {
        const SQL: &str =
            "SELECT COUNT(*) FROM metainfo_owners WHERE info_hash = $1 AND user_id = $2";
        let (count,): (i64,) = on_pool!(self, |pool| sqlx::query_as(SQL)
            .bind(info_hash)
            .bind(user_id)
            .fetch_one(pool)
            .await)?;
        Ok(count > 0)
    }

    /// Every stored hash (loaded once at start: lists say which torrents
    /// have their metainfo without asking the database).
    pub async fn metainfo_hashes(&self) -> DbResult<Vec<String>> {
        const SQL: &str = "SELECT info_hash FROM metainfo";
        let rows: Vec<(String,)> =
            on_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(hash,)| hash).collect())
    }
}
