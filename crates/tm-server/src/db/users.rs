use super::{DbResult, Store, conflict_on_unique, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub created_at: i64,
}

/// Runs `$query` in a transaction after `LOCK_ADMINS`; its row count.
macro_rules! after_locking_admins {
    ($store:expr, $query:expr) => {
        on_pool!($store, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(LOCK_ADMINS).execute(&mut *tx).await?;
            let done = $query.execute(&mut *tx).await?.rows_affected();
            tx.commit().await.map(|_| done)
        })
    };
}

impl Store {
    /// Inserts a user. With `admin: None` the user is an admin exactly when it
    /// is the first user of the instance: the insert claims a settings row
    /// (a primary key, so one transaction wins even on PostgreSQL, where two
    /// concurrent "is the table empty?" checks would both say yes). With
    /// `only_first`, anything but the first account is not inserted (`None`).
    pub async fn insert_user(
        &self,
        id: &str,
        username: &str,
        password_hash: &str,
        admin: Option<bool>,
        only_first: bool,
        now: i64,
    ) -> DbResult<Option<UserRow>> {
        const CLAIM_FIRST: &str = "INSERT INTO settings (name, value) \
             VALUES ('first_account_claimed', 'true') ON CONFLICT (name) DO NOTHING";
        const SQL: &str = "INSERT INTO users (id, username, username_key, password_hash, is_admin, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING id, username, password_hash, is_admin, created_at";
        // An async block, so that `?` and `return` stay inside it and the
        // unique violation reaches `conflict_on_unique`.
        on_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            let first = sqlx::query(CLAIM_FIRST)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if only_first && !first {
                return Ok(None);
            }
            let row = sqlx::query_as::<_, UserRow>(SQL)
                .bind(id)
                .bind(username)
                .bind(username.to_lowercase())
                .bind(password_hash)
                .bind(admin.unwrap_or(first))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Some(row))
        }
        .await)
        .map_err(conflict_on_unique("username"))
    }

    pub async fn user_by_name(&self, username: &str) -> DbResult<Option<UserRow>> {
        const SQL: &str = "SELECT id, username, password_hash, is_admin, created_at FROM users WHERE username_key = $1";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, UserRow>(SQL)
            .bind(username.to_lowercase())
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn user_by_id(&self, id: &str) -> DbResult<Option<UserRow>> {
        const SQL: &str =
            "SELECT id, username, password_hash, is_admin, created_at FROM users WHERE id = $1";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, UserRow>(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn list_users(&self) -> DbResult<Vec<UserRow>> {
        const SQL: &str = "SELECT id, username, password_hash, is_admin, created_at FROM users ORDER BY created_at, id";
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, UserRow>(SQL)
            .fetch_all(pool)
            .await)?)
    }

    pub async fn user_count(&self) -> DbResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM users";
        Ok(on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(SQL)
            .fetch_one(pool)
            .await)?)
    }

    pub async fn set_user_password(&self, id: &str, password_hash: &str) -> DbResult<bool> {
        const SQL: &str = "UPDATE users SET password_hash = $1 WHERE id = $2";
        let done = on_pool!(self, |pool| sqlx::query(SQL)
            .bind(password_hash)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Changes the admin flag; refuses (returns false) to demote the last admin.
    pub async fn set_user_admin(&self, id: &str, is_admin: bool) -> DbResult<bool> {
        const SQL: &str = "UPDATE users SET is_admin = $1 WHERE id = $2 \
             AND ($1 OR NOT is_admin OR (SELECT COUNT(*) FROM users WHERE is_admin) > 1)";
        let done = after_locking_admins!(self, sqlx::query(SQL).bind(is_admin).bind(id))?;
        Ok(done == 1)
    }

    /// Deletes a user and, by cascade, their sessions, keys and servers.
    /// Refuses (returns false) to delete the last admin.
    pub async fn delete_user(&self, id: &str) -> DbResult<bool> {
        const SQL: &str = "DELETE FROM users WHERE id = $1 \
             AND (NOT is_admin OR (SELECT COUNT(*) FROM users WHERE is_admin) > 1)";
        let done = after_locking_admins!(self, sqlx::query(SQL).bind(id))?;
        Ok(done == 1)
    }
}

/// Serialises changes that may remove an admin. Under PostgreSQL's READ
/// COMMITTED, two demotions of different admins would each count two admins
/// and both succeed; writing one shared row first makes the second wait for
/// the first to commit, and its count (a new statement) then sees it.
/// SQLite already serialises writers.
const LOCK_ADMINS: &str = "INSERT INTO settings (name, value) VALUES ('admin_guard', '') \
     ON CONFLICT (name) DO UPDATE SET value = excluded.value";

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::Store;

    /// A new PostgreSQL database, when `TM_TEST_PG_URL` names a server.
    async fn fresh_postgres() -> Option<Store> {
        let admin_url = std::env::var("TM_TEST_PG_URL").ok()?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let name = format!("tm_unit_{}_{}", std::process::id(), nanos % 1_000_000_000);
        let mut conn = sqlx::PgConnection::connect(&admin_url).await.ok()?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .ok()?;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        Store::connect(&format!("{base}/{name}")).await.ok()
    }

    /// Without the claimed row, concurrent "is the table empty?" checks on
    /// PostgreSQL all said yes and every first account became an admin.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_first_accounts_make_one_admin_on_postgres() {
        let Some(store) = fresh_postgres().await else {
            eprintln!("skipped: TM_TEST_PG_URL is not set");
            return;
        };
        // Open the connections first, so that the inserts run side by side.
        futures::future::join_all((0..16).map(|_| store.ping())).await;
        let inserts: Vec<_> = (0..16)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let (id, name) = (format!("id{n}"), format!("user{n}"));
                    store.insert_user(&id, &name, "hash", None, false, n).await
                })
            })
            .collect();
        let mut admins = 0;
        for insert in inserts {
            let row = insert.await.unwrap().unwrap().unwrap();
            admins += usize::from(row.is_admin);
        }
        assert_eq!(admins, 1);
    }
}
