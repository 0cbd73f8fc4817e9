use super::{DbResult, Store, on_pool};

/// One of a user's live sessions, as listed to them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub token_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
}

/// What a new session is made of (the token itself is never stored).
#[derive(Debug)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub user_id: &'a str,
    pub remember_token_id: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub now: i64,
    pub expires_at: i64,
    pub absolute_expires_at: i64,
}

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
    pub async fn insert_session(&self, session: &NewSession<'_>) -> DbResult<()> {
        const SQL: &str = "INSERT INTO sessions (id, token_hash, user_id, remember_token_id, user_agent, \
             created_at, last_seen_at, expires_at, absolute_expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(session.id)
            .bind(session.token_hash)
            .bind(session.user_id)
            .bind(session.remember_token_id)
            .bind(session.user_agent)
            .bind(session.now)
            .bind(session.expires_at)
            .bind(session.absolute_expires_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The user's unexpired sessions, newest first.
    pub async fn sessions_of(&self, user_id: &str, now: i64) -> DbResult<Vec<SessionRow>> {
        const SQL: &str = "SELECT id, token_hash, created_at, last_seen_at, expires_at, user_agent \
             FROM sessions WHERE user_id = $1 AND expires_at > $2 AND id IS NOT NULL \
             ORDER BY created_at DESC";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, SessionRow>(SQL)
            .bind(user_id)
            .bind(now)
            .fetch_all(pool)
            .await)?)
    }

    /// Token hashes of the user's sessions that have no public id yet
    /// (opened before sessions had one).
    pub async fn sessions_without_id(&self, user_id: &str) -> DbResult<Vec<String>> {
        const SQL: &str = "SELECT token_hash FROM sessions WHERE user_id = $1 AND id IS NULL";
        Ok(on_pool!(self, |pool| sqlx::query_scalar::<_, String>(SQL)
            .bind(user_id)
            .fetch_all(pool)
            .await)?)
    }

    pub async fn set_session_id(&self, token_hash: &str, id: &str) -> DbResult<()> {
        const SQL: &str = "UPDATE sessions SET id = $1 WHERE token_hash = $2 AND id IS NULL";
        on_pool!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(token_hash)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Ends the user's session with public id `id` and the remember-me token
    /// that minted it; false when the user has no such session.
    pub async fn end_session_of(&self, user_id: &str, id: &str) -> DbResult<bool> {
        const DELETE_TOKEN: &str = "DELETE FROM remember_tokens WHERE user_id = $1 AND id = \
             (SELECT remember_token_id FROM sessions WHERE user_id = $1 AND id = $2)";
        const DELETE_SESSION: &str = "DELETE FROM sessions WHERE user_id = $1 AND id = $2";
        let deleted = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(DELETE_TOKEN)
                .bind(user_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let deleted = sqlx::query(DELETE_SESSION)
                .bind(user_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(deleted.rows_affected())
        })?;
        Ok(deleted > 0)
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
    /// session `keep` and the remember-me token that minted it. Returns how
    /// many unexpired (at `now`) sessions ended.
    pub async fn end_sessions_of(
        &self,
        user_id: &str,
        keep: Option<&str>,
        now: i64,
    ) -> DbResult<u64> {
        const TOKENS: &str = "DELETE FROM remember_tokens WHERE user_id = $1 AND id NOT IN \
             (SELECT remember_token_id FROM sessions \
              WHERE token_hash = $2 AND remember_token_id IS NOT NULL)";
        const SESSIONS: &str =
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 RETURNING expires_at";
        // No session hash is empty, so "" keeps none.
        let keep = keep.unwrap_or_default();
        let ended = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(TOKENS)
                .bind(user_id)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
            let expiries = sqlx::query_scalar::<_, i64>(SESSIONS)
                .bind(user_id)
                .bind(keep)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(expiries)
        })?;
        Ok(ended.into_iter().filter(|&expires| expires > now).count() as u64)
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
