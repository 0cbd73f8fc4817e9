use super::{DbResult, Store, on_pool};

/// A live session together with its user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub is_admin: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
}

impl Store {
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        remember_token_id: Option<&str>,
        now: i64,
        expires_at: i64,
        absolute_expires_at: i64,
    ) -> DbResult<()> {
        const SQL: &str = "INSERT INTO sessions (token_hash, user_id, remember_token_id, created_at, last_seen_at, expires_at, absolute_expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5, $6)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(token_hash)
            .bind(user_id)
            .bind(remember_token_id)
            .bind(now)
            .bind(expires_at)
            .bind(absolute_expires_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The unexpired session with this token hash, and its user.
    pub async fn live_session(&self, token_hash: &str, now: i64) -> DbResult<Option<SessionUser>> {
        const SQL: &str = "SELECT u.id, u.username, u.is_admin, u.created_at, \
                    s.last_seen_at, s.absolute_expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, SessionUser>(
            SQL
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await)?)
    }

    /// Records activity: moves the idle expiry forward (capped by the caller).
    pub async fn touch_session(&self, token_hash: &str, now: i64, expires_at: i64) -> DbResult<()> {
        const SQL: &str =
            "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(now)
            .bind(expires_at)
            .bind(token_hash)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Ends a session and the remember-me token that minted it, if any.
    pub async fn delete_session(&self, token_hash: &str) -> DbResult<()> {
        const DELETE_TOKEN: &str = "DELETE FROM remember_tokens WHERE id = \
             (SELECT remember_token_id FROM sessions WHERE token_hash = $1)";
        const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(DELETE_TOKEN)
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query(DELETE_SESSION)
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Ends every session and remember-me token of a user, except the
    /// session `keep` and the remember-me token that minted it.
    pub async fn end_sessions_of(&self, user_id: &str, keep: Option<&str>) -> DbResult<()> {
        const TOKENS: &str = "DELETE FROM remember_tokens WHERE user_id = $1 AND id NOT IN \
             (SELECT remember_token_id FROM sessions \
              WHERE token_hash = $2 AND remember_token_id IS NOT NULL)";
        const SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
        // No session hash is empty, so "" keeps none.
        let keep = keep.unwrap_or_default();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for sql in [TOKENS, SESSIONS] {
                sqlx::query(sql)
                    .bind(user_id)
                    .bind(keep)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    pub async fn insert_remember_token(
        &self,
        id: &str,
        token_hash: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
    ) -> DbResult<()> {
        const SQL: &str = "INSERT INTO remember_tokens (id, token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Consumes an unexpired remember-me token: deletes it and returns its
    /// user id and expiry. Only one of two concurrent callers gets it.
    pub async fn take_remember_token(
        &self,
        token_hash: &str,
        now: i64,
    ) -> DbResult<Option<(String, i64)>> {
        const SQL: &str = "DELETE FROM remember_tokens WHERE token_hash = $1 AND expires_at > $2 \
             RETURNING user_id, expires_at";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, (String, i64)>(
            SQL
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await)?)
    }

    /// Removes expired sessions and remember-me tokens; returns how many.
    pub async fn purge_expired_sessions(&self, now: i64) -> DbResult<u64> {
        const SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
        const TOKENS: &str = "DELETE FROM remember_tokens WHERE expires_at <= $1";
        let removed = on_pool!(self, |pool| {
            let sessions = sqlx::query(SESSIONS).bind(now).execute(pool).await?;
            let tokens = sqlx::query(TOKENS).bind(now).execute(pool).await?;
            Ok::<_, sqlx::Error>(sessions.rows_affected() + tokens.rows_affected())
        })?;
        Ok(removed)
    }
}
