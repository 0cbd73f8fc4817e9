//! Each server's torrents as its owner publishes them for the other
//! instances (PostgreSQL only): a snapshot and the numbered deltas after it.
//!
//! Writes are fenced by the lease: a row is written only while the writer
//! holds the server's lease (by the database's clock), so an owner that lost
//! its lease without noticing yet cannot interleave its deltas with the new
//! owner's. Each write notifies `tm_deltas` with `<server_id>:<seq>` on
//! commit (tiny: NOTIFY payloads are limited to 8000 bytes).

use sqlx::PgPool;

use super::DbResult;
use super::leases::db_now_ms;

/// Channel announcing a new delta or snapshot: `<server_id>:<seq>`.
pub const DELTAS_CHANNEL: &str = "tm_deltas";
/// Channel asking a server's owner to re-read torrents written through
/// another instance: `<server_id>:<hash>,<hash>…`.
pub const REFRESH_CHANNEL: &str = "tm_refresh";
/// Bytes of info hashes a refresh request names at most (a notification's
/// payload must stay under 8,000 bytes).
const MAX_NAMED_BYTES: usize = 7_000;
/// Channel announcing that API keys or accounts changed (empty payload):
/// every instance forgets the keys it checked.
pub const CREDENTIALS_CHANNEL: &str = "tm_credentials";
/// Channel announcing a .torrent newly stored: `<info hash>`. Every
/// instance marks it in its `has_metainfo` index.
pub const METAINFO_CHANNEL: &str = "tm_metainfo";
/// Channel announcing that servers were added, changed or removed, or a
/// user's reach changed (empty payload): every instance reloads them.
pub const SERVERS_CHANNEL: &str = "tm_servers";

/// The lease condition every write carries ($1 instance, $2 server).
macro_rules! while_leased {
    () => {
        concat!(
            "EXISTS (SELECT 1 FROM server_leases WHERE server_id = $2 AND owner = $1 AND expires_at > ",
            db_now_ms!(),
            ")"
        )
    };
}

/// Writes the snapshot a new owner starts from, numbered after everything
/// written before (by any owner). `None`: `instance` does not hold the lease.
pub async fn start_snapshot(
    pool: &PgPool,
    instance: &str,
    server_id: &str,
    body: &str,
) -> DbResult<Option<i64>> {
    Ok(sqlx::query_scalar(concat!(
        "WITH saved AS (INSERT INTO server_snapshots (server_id, seq, body, updated_at) \
         SELECT $2, GREATEST(\
           COALESCE((SELECT MAX(seq) FROM server_deltas WHERE server_id = $2), 0), \
           COALESCE((SELECT seq FROM server_snapshots WHERE server_id = $2), 0)) + 1, $3, ",
        db_now_ms!(),
        " WHERE ",
        while_leased!(),
        " ON CONFLICT (server_id) DO UPDATE SET seq = EXCLUDED.seq, body = EXCLUDED.body, \
         updated_at = EXCLUDED.updated_at RETURNING seq) \
         SELECT seq FROM saved, LATERAL pg_notify('tm_deltas', $2 || ':' || seq)"
    ))
    .bind(instance)
    .bind(server_id)
    .bind(body)
    .fetch_optional(pool)
    .await?)
}

/// Replaces the snapshot with the state as of delta `seq` (so a reader
/// catching up needs few deltas). False: not `instance`'s lease.
pub async fn save_snapshot(
    pool: &PgPool,
    instance: &str,
    server_id: &str,
    seq: i64,
    body: &str,
) -> DbResult<bool> {
    let updated = sqlx::query(concat!(
        "UPDATE server_snapshots SET seq = $3, body = $4, updated_at = ",
        db_now_ms!(),
        " WHERE server_id = $2 AND seq <= $3 AND ",
        while_leased!()
    ))
    .bind(instance)
    .bind(server_id)
    .bind(seq)
    .bind(body)
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Appends delta `seq` and announces it. False: not `instance`'s lease, or
/// that number is taken (another owner wrote meanwhile).
pub async fn append_delta(
    pool: &PgPool,
    instance: &str,
    server_id: &str,
    seq: i64,
    body: &str,
) -> DbResult<bool> {
    let written: Option<i64> = sqlx::query_scalar(concat!(
        "WITH saved AS (INSERT INTO server_deltas (server_id, seq, body, created_at) \
         SELECT $2, $3, $4, ",
        db_now_ms!(),
        " WHERE ",
        while_leased!(),
        " ON CONFLICT DO NOTHING RETURNING seq) \
         SELECT seq FROM saved, LATERAL pg_notify('tm_deltas', $2 || ':' || seq)"
    ))
    .bind(instance)
    .bind(server_id)
    .bind(seq)
    .bind(body)
    .fetch_optional(pool)
    .await?;
    Ok(written.is_some())
}

/// Drops deltas a reader no longer needs: those the snapshot (at `seq`)
/// covers once they are older than `keep_ms`.
pub async fn prune_deltas(pool: &PgPool, server_id: &str, seq: i64, keep_ms: i64) -> DbResult<()> {
    sqlx::query(concat!(
        "DELETE FROM server_deltas WHERE server_id = $1 AND seq <= $2 AND created_at < ",
        db_now_ms!(),
        " - $3"
    ))
    .bind(server_id)
    .bind(seq)
    .bind(keep_ms)
    .execute(pool)
    .await?;
    Ok(())
}

/// The deltas after `seq`, in order, at most `limit`.
pub async fn deltas_after(
    pool: &PgPool,
    server_id: &str,
    seq: i64,
    limit: i64,
) -> DbResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT seq, body FROM server_deltas WHERE server_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(server_id)
    .bind(seq)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// The snapshot and the delta it is as of.
pub async fn snapshot(pool: &PgPool, server_id: &str) -> DbResult<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT seq, body FROM server_snapshots WHERE server_id = $1")
            .bind(server_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The delta the snapshot is as of (a newer one than a reader has means it
/// missed a change of owner).
pub async fn snapshot_seq(pool: &PgPool, server_id: &str) -> DbResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT seq FROM server_snapshots WHERE server_id = $1")
            .bind(server_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The newest delta (or snapshot) number of every server, in one query:
/// how an instance finds the mirrors a lost notification left behind.
pub async fn latest_seqs(pool: &PgPool) -> DbResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT s.server_id, GREATEST(s.seq, COALESCE(MAX(d.seq), 0)) \
         FROM server_snapshots s LEFT JOIN server_deltas d ON d.server_id = s.server_id \
         GROUP BY s.server_id, s.seq",
    )
    .fetch_all(pool)
    .await?)
}

/// Asks the owner of `server_id` to re-read the torrents `written` (a
/// write went to the client through another instance). Payload:
/// `<server id>:<hash>,<hash>…`; with more hashes than a notification
/// holds, none: the owner lists everything.
pub async fn request_refresh(pool: &PgPool, server_id: &str, written: &[String]) -> DbResult<()> {
    let hashes = written.join(",");
    let hashes = if hashes.len() > MAX_NAMED_BYTES {
        ""
    } else {
        &hashes
    };
    sqlx::query("SELECT pg_notify('tm_refresh', $1)")
        .bind(format!("{server_id}:{hashes}"))
        .execute(pool)
        .await?;
    Ok(())
}

impl super::Store {
    /// Tells every instance sharing the database that the metainfo of
    /// `info_hash` is stored.
    pub async fn announce_metainfo_stored(&self, info_hash: &str) -> DbResult<()> {
        self.announce(METAINFO_CHANNEL, info_hash).await
    }

    /// Tells every instance sharing the database that API keys or accounts
    /// changed.
    pub async fn announce_credentials_changed(&self) -> DbResult<()> {
        self.announce(CREDENTIALS_CHANNEL, "").await
    }

    /// Tells every instance sharing the database that servers (or what
    /// their owners may reach) changed.
    pub async fn announce_servers_changed(&self) -> DbResult<()> {
        self.announce(SERVERS_CHANNEL, "").await
    }

    /// Nothing to tell on SQLite: one process.
    async fn announce(&self, channel: &str, payload: &str) -> DbResult<()> {
        if let super::Store::Postgres(pool) = self {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(pool)
                .await?;
        }
        Ok(())
    }
}
