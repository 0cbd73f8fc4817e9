use super::{DbResult, Store, conflict_on_unique, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}

impl Store {
    pub async fn insert_api_key(&self, key: &ApiKeyRow, key_hash: &str) -> DbResult<()> {
        const SQL: &str = "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, last_used_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(&key.id)
            .bind(&key.user_id)
            .bind(&key.name)
            .bind(&key.prefix)
            .bind(key_hash)
            .bind(key.created_at)
            .bind(key.last_used_at)
            .bind(key.expires_at)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(conflict_on_unique("API key"))?;
        Ok(())
    }

    /// The unexpired key with this hash.
    pub async fn live_api_key(&self, key_hash: &str, now: i64) -> DbResult<Option<ApiKeyRow>> {
        const SQL: &str = "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at \
             FROM api_keys WHERE key_hash = $1 AND (expires_at IS NULL OR expires_at > $2)";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ApiKeyRow>(SQL)
            .bind(key_hash)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn api_keys_of(&self, user_id: &str) -> DbResult<Vec<ApiKeyRow>> {
        const SQL: &str = "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at \
             FROM api_keys WHERE user_id = $1 ORDER BY created_at, id";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ApiKeyRow>(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    pub async fn delete_api_key(&self, id: &str, user_id: &str) -> DbResult<bool> {
        const SQL: &str = "DELETE FROM api_keys WHERE id = $1 AND user_id = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Writes coalesced `last_used_at` values in one transaction.
    pub async fn record_api_key_use(&self, uses: &[(String, i64)]) -> DbResult<()> {
        const SQL: &str = "UPDATE api_keys SET last_used_at = $1 \
             WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (id, used_at) in uses {
                sqlx::query(SQL)
                    .bind(used_at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Removes keys that expired before `now`; returns how many.
    pub async fn purge_expired_api_keys(&self, now: i64) -> DbResult<u64> {
        const SQL: &str = "DELETE FROM api_keys WHERE expires_at IS NOT NULL AND expires_at <= $1";
        Ok(on_pool!(self, |pool| sqlx::query(SQL)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?)
    }
}
