//! The cached file lists of torrents (as content digests), per server.

use super::{DbResult, Store, on_pool};

/// One row of `file_lists`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FileListRow {
    pub server_id: String,
    pub info_hash: String,
    /// Digest of the file list (see `content::ContentKey`).
    pub content: String,
    pub file_count: i64,
    pub size: i64,
    pub fetched_at: i64,
}

/// Hashes deleted per statement.
const DELETE_CHUNK: usize = 500;

impl Store {
    /// Records (or replaces) a torrent's file list.
    pub async fn save_file_list(&self, row: &FileListRow) -> DbResult<()> {
        const SQL: &str = "INSERT INTO file_lists \
            (server_id, info_hash, content, file_count, size, fetched_at) \
            VALUES ($1, $2, $3, $4, $5, $6) \
            ON CONFLICT (server_id, info_hash) DO UPDATE SET content = excluded.content, \
            file_count = excluded.file_count, size = excluded.size, fetched_at = excluded.fetched_at";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&row.server_id)
            .bind(&row.info_hash)
            .bind(&row.content)
            .bind(row.file_count)
            .bind(row.size)
            .bind(row.fetched_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The info hashes of a server whose file list is known.
    pub async fn file_list_hashes(&self, server_id: &str) -> DbResult<Vec<String>> {
        const SQL: &str = "SELECT info_hash FROM file_lists WHERE server_id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_scalar::<_, String>(SQL)
            .bind(server_id)
            .fetch_all(pool)
            .await)?)
    }

    /// Forgets the file lists of torrents that left a server.
    pub async fn delete_file_lists(&self, server_id: &str, hashes: &[String]) -> DbResult<()> {
        for chunk in hashes.chunks(DELETE_CHUNK) {
            on_pool!(self, |pool| {
                let mut delete =
                    sqlx::QueryBuilder::new("DELETE FROM file_lists WHERE server_id = ");
                delete.push_bind(server_id).push(" AND info_hash IN (");
                let mut list = delete.separated(", ");
                for hash in chunk {
                    list.push_bind(hash);
                }
                delete.push(")");
                delete.build().execute(pool).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Every known file list of the user's servers.
    pub async fn file_lists_of_user(&self, user_id: &str) -> DbResult<Vec<FileListRow>> {
        const SQL: &str = "SELECT f.server_id, f.info_hash, f.content, f.file_count, f.size, \
            f.fetched_at FROM file_lists f JOIN servers s ON s.id = f.server_id \
            WHERE s.user_id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, FileListRow>(
            SQL
        )
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
    }
}
