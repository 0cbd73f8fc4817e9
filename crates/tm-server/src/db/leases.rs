//! Instances and their server leases (PostgreSQL only: on SQLite the one
//! process owns every server and nothing here is called).
//!
//! Every time here is the database's clock (`db_now_ms!`), never an
//! instance's: instances whose clocks disagree still agree on which lease
//! has expired. An instance only measures locally how long its own renewal
//! is good for (see `core::ownership`).

use sqlx::PgPool;

use super::DbResult;

/// The database's current time in Unix ms (a macro so `concat!` can use it).
/// `clock_timestamp()`, not `now()`: the time of the statement, not of the
/// transaction that may have begun earlier.
macro_rules! db_now_ms {
    () => {
        "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"
    };
}
pub(crate) use db_now_ms;

/// Records that `instance` is alive and renews every lease it holds, in one
/// statement; returns the servers it holds.
pub async fn heartbeat(pool: &PgPool, instance: &str, lease_ms: i64) -> DbResult<Vec<String>> {
    Ok(sqlx::query_scalar(concat!(
        "WITH beat AS (INSERT INTO instances (id, heartbeat_at) VALUES ($1, ",
        db_now_ms!(),
        ") ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at RETURNING id) \
         UPDATE server_leases SET expires_at = ",
        db_now_ms!(),
        " + $2 WHERE owner = (SELECT id FROM beat) RETURNING server_id"
    ))
    .bind(instance)
    .bind(lease_ms)
    .fetch_all(pool)
    .await?)
}

/// The instances that beat within `within_ms`, and the enabled servers.
/// An enabled server's id, and the engine it is when it is an embedded
/// engine's (only the instance running that engine can poll it).
pub type EnabledServer = (String, Option<String>);

pub async fn live_instances_and_servers(
    pool: &PgPool,
    within_ms: i64,
) -> DbResult<(Vec<String>, Vec<EnabledServer>)> {
    let instances = sqlx::query_scalar(concat!(
        "SELECT id FROM instances WHERE heartbeat_at > ",
        db_now_ms!(),
        " - $1"
    ))
    .bind(within_ms)
    .fetch_all(pool)
    .await?;
    // An embedded engine's server names its engine in `host`.
    let servers = sqlx::query_as(
        "SELECT id, CASE WHEN server_type = 'embedded' THEN host END FROM servers WHERE enabled",
    )
    .fetch_all(pool)
    .await?;
    Ok((instances, servers))
}

/// Takes the leases of `servers` that are free, expired or already
/// `instance`'s, in one conditional upsert: a row another instance holds
/// unexpired is left alone, so two instances never both hold one. Returns
/// the servers taken.
pub async fn acquire(
    pool: &PgPool,
    instance: &str,
    servers: &[String],
    lease_ms: i64,
) -> DbResult<Vec<String>> {
    if servers.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar(concat!(
        "INSERT INTO server_leases (server_id, owner, expires_at) \
         SELECT wanted.id, $1, ",
        db_now_ms!(),
        " + $3 FROM UNNEST($2::TEXT[]) AS wanted(id) \
         WHERE EXISTS (SELECT 1 FROM servers WHERE servers.id = wanted.id) \
         ON CONFLICT (server_id) DO UPDATE \
         SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at \
         WHERE server_leases.owner = EXCLUDED.owner OR server_leases.expires_at <= ",
        db_now_ms!(),
        " RETURNING server_id"
    ))
    .bind(instance)
    .bind(servers)
    .bind(lease_ms)
    .fetch_all(pool)
    .await?)
}

/// Gives up `instance`'s leases of `servers` (another instance prefers them).
pub async fn release(pool: &PgPool, instance: &str, servers: &[String]) -> DbResult<()> {
    if servers.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM server_leases WHERE owner = $1 AND server_id = ANY($2::TEXT[])")
        .bind(instance)
        .bind(servers)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends `instance`: its leases are free at once, and it counts as gone.
pub async fn leave(pool: &PgPool, instance: &str) -> DbResult<()> {
    sqlx::query("DELETE FROM server_leases WHERE owner = $1")
        .bind(instance)
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM instances WHERE id = $1")
        .bind(instance)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets instances silent for longer than `silent_ms` (killed ones).
pub async fn forget_silent_instances(pool: &PgPool, silent_ms: i64) -> DbResult<u64> {
    Ok(sqlx::query(concat!(
        "DELETE FROM instances WHERE heartbeat_at < ",
        db_now_ms!(),
        " - $1"
    ))
    .bind(silent_ms)
    .execute(pool)
    .await?
    .rows_affected())
}
