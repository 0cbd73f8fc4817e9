use super::{DbResult, Store, on_pool};

/// One row of `servers`: the stored form of a registered torrent client.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ServerRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub server_type: String,
    pub host: String,
    pub port: i64,
    pub username: Option<String>,
    pub password_enc: Option<String>,
    pub rpc_path: Option<String>,
    pub use_ssl: bool,
    pub transport: Option<String>,
    pub socket_path: Option<String>,
    pub tls_accept_invalid_certs: bool,
    pub enabled: bool,
    pub is_default: bool,
    pub http_host: Option<String>,
    pub http_port: Option<i64>,
    pub http_path: Option<String>,
    pub http_username: Option<String>,
    pub http_password_enc: Option<String>,
    pub http_use_ssl: bool,
    pub http_download_root: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The columns of `servers`, in `ServerRow` order (a macro so `concat!` can use it).
macro_rules! columns {
    () => {
        "id, user_id, name, server_type, host, port, username, password_enc, rpc_path, use_ssl, \
         transport, socket_path, tls_accept_invalid_certs, enabled, is_default, http_host, http_port, \
         http_path, http_username, http_password_enc, http_use_ssl, http_download_root, created_at, \
         updated_at"
    };
}

const SELECT_ONE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM servers WHERE id = $1 AND user_id = $2"
);
const SELECT_ALL_OF_KIND: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM servers WHERE server_type = $1 ORDER BY created_at, id"
);
const SELECT_ALL_ENABLED: &str = concat!("SELECT ", columns!(), " FROM servers WHERE enabled");
const SELECT_ALL_OF_USER: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM servers WHERE user_id = $1 ORDER BY created_at, id"
);

/// Binds every column of `ServerRow` in `COLUMNS` order.
macro_rules! bind_server {
    ($query:expr, $row:expr) => {
        $query
            .bind(&$row.id)
            .bind(&$row.user_id)
            .bind(&$row.name)
            .bind(&$row.server_type)
            .bind(&$row.host)
            .bind($row.port)
            .bind(&$row.username)
            .bind(&$row.password_enc)
            .bind(&$row.rpc_path)
            .bind($row.use_ssl)
            .bind(&$row.transport)
            .bind(&$row.socket_path)
            .bind($row.tls_accept_invalid_certs)
            .bind($row.enabled)
            .bind($row.is_default)
            .bind(&$row.http_host)
            .bind($row.http_port)
            .bind(&$row.http_path)
            .bind(&$row.http_username)
            .bind(&$row.http_password_enc)
            .bind($row.http_use_ssl)
            .bind(&$row.http_download_root)
            .bind($row.created_at)
            .bind($row.updated_at)
    };
}

const INSERT: &str = concat!(
    "INSERT INTO servers (",
    columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
     $15 OR NOT EXISTS (SELECT 1 FROM servers WHERE user_id = $2), \
     $16, $17, $18, $19, $20, $21, $22, $23, $24)"
);

const UPDATE: &str = "UPDATE servers SET user_id = $2, name = $3, server_type = $4, host = $5, port = $6, username = $7, \
     password_enc = $8, rpc_path = $9, use_ssl = $10, transport = $11, socket_path = $12, \
     tls_accept_invalid_certs = $13, enabled = $14, is_default = $15, http_host = $16, http_port = $17, \
     http_path = $18, http_username = $19, http_password_enc = $20, http_use_ssl = $21, http_download_root = $22, \
     created_at = $23, updated_at = $24 WHERE id = $1 AND user_id = $2";

/// After the default server is deleted, the oldest remaining one takes over.
const PROMOTE_OLDEST: &str = "UPDATE servers SET is_default = TRUE WHERE id = \
     (SELECT id FROM servers WHERE user_id = $1 ORDER BY created_at, id LIMIT 1) \
     AND NOT EXISTS (SELECT 1 FROM servers WHERE user_id = $1 AND is_default)";

impl Store {
    /// Inserts a server. The user's first server becomes the default, and a
    /// new default clears the flag on the others.
    pub async fn insert_server(&self, row: &ServerRow) -> DbResult<ServerRow> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            bind_server!(sqlx::query(INSERT), row)
                .execute(&mut *tx)
                .await?;
            sqlx::query(CLEAR_OTHER_DEFAULTS_IF_DEFAULT)
                .bind(&row.user_id)
                .bind(&row.id)
                .execute(&mut *tx)
                .await?;
            let stored = sqlx::query_as::<_, ServerRow>(SELECT_ONE)
                .bind(&row.id)
                .bind(&row.user_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(stored)
        })
        .map_err(Into::into)
    }

    pub async fn server_of(&self, id: &str, user_id: &str) -> DbResult<Option<ServerRow>> {
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ServerRow>(
            SELECT_ONE
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await)?)
    }

    pub async fn servers_of(&self, user_id: &str) -> DbResult<Vec<ServerRow>> {
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ServerRow>(
            SELECT_ALL_OF_USER
        )
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Every user's servers of one kind (`server_type`).
    pub async fn servers_of_kind(&self, server_type: &str) -> DbResult<Vec<ServerRow>> {
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ServerRow>(
            SELECT_ALL_OF_KIND
        )
        .bind(server_type)
        .fetch_all(pool)
        .await)?)
    }

    /// Every enabled server of every user: what this instance polls.
    pub async fn enabled_servers(&self) -> DbResult<Vec<ServerRow>> {
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ServerRow>(
            SELECT_ALL_ENABLED
        )
        .fetch_all(pool)
        .await)?)
    }

    /// Writes every column of `row`; keeps the one-default rule.
    pub async fn update_server(&self, row: &ServerRow) -> DbResult<bool> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let updated = bind_server!(sqlx::query(UPDATE), row)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(CLEAR_OTHER_DEFAULTS_IF_DEFAULT)
                .bind(&row.user_id)
                .bind(&row.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(PROMOTE_OLDEST)
                .bind(&row.user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(updated == 1)
        })
        .map_err(Into::into)
    }

    pub async fn delete_server(&self, id: &str, user_id: &str) -> DbResult<bool> {
        const DELETE: &str = "DELETE FROM servers WHERE id = $1 AND user_id = $2";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let deleted = sqlx::query(DELETE)
                .bind(id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(PROMOTE_OLDEST)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(deleted == 1)
        })
        .map_err(Into::into)
    }
}

/// Clears the other servers' default flag when `$2` is (now) the default.
const CLEAR_OTHER_DEFAULTS_IF_DEFAULT: &str = "UPDATE servers SET is_default = FALSE \
     WHERE user_id = $1 AND id <> $2 AND is_default \
     AND EXISTS (SELECT 1 FROM servers WHERE id = $2 AND is_default)";
