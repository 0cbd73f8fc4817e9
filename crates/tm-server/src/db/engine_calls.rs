//! Calls relayed to an embedded engine that another instance runs
//! (PostgreSQL only): queued by the caller, claimed and answered by the
//! engine's instance, taken back by the caller.

use sqlx::PgPool;

use super::DbResult;
use super::leases::db_now_ms;

/// Channel announcing a queued call: `<engine id>:<call id>`.
pub const CALLS_CHANNEL: &str = "tm_engine_calls";

/// Queues `call` (JSON) for `server_id` on the engine `engine_id` and wakes
/// the instance running it; the call's id.
pub async fn queue(
    pool: &PgPool,
    engine_id: &str,
    server_id: &str,
    call: &str,
) -> DbResult<String> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    sqlx::query(concat!(
        "WITH queued AS (INSERT INTO engine_calls (id, engine_id, server_id, call, created_at) \
         VALUES ($1, $2, $3, $4, ",
        db_now_ms!(),
        ") RETURNING id) SELECT pg_notify('tm_engine_calls', $2 || ':' || id) FROM queued"
    ))
    .bind(&id)
    .bind(engine_id)
    .bind(server_id)
    .bind(call)
    .execute(pool)
    .await?;
    Ok(id)
}

/// Claims call `id` for the engine `engine_id`, once: its server and call.
pub async fn claim(pool: &PgPool, engine_id: &str, id: &str) -> DbResult<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "UPDATE engine_calls SET claimed = TRUE \
         WHERE id = $1 AND engine_id = $2 AND NOT claimed RETURNING server_id, call",
    )
    .bind(id)
    .bind(engine_id)
    .fetch_optional(pool)
    .await?)
}

/// The calls waiting for the engine `engine_id` (their notification may
/// have been lost).
pub async fn waiting(pool: &PgPool, engine_id: &str) -> DbResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM engine_calls WHERE engine_id = $1 AND NOT claimed")
            .bind(engine_id)
            .fetch_all(pool)
            .await?,
    )
}

pub async fn answer(pool: &PgPool, id: &str, answer: &str) -> DbResult<()> {
    sqlx::query("UPDATE engine_calls SET answer = $2 WHERE id = $1")
        .bind(id)
        .bind(answer)
        .execute(pool)
        .await?;
    Ok(())
}

/// The answer to call `id` once there; the call is then gone.
pub async fn take_answer(pool: &PgPool, id: &str) -> DbResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "DELETE FROM engine_calls WHERE id = $1 AND answer IS NOT NULL RETURNING answer",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Deletes call `id` (its caller stopped waiting) and every call older
/// than `max_age_ms` (callers that died).
pub async fn forget(pool: &PgPool, id: &str, max_age_ms: i64) -> DbResult<()> {
    sqlx::query(concat!(
        "DELETE FROM engine_calls WHERE id = $1 OR created_at < ",
        db_now_ms!(),
        " - $2"
    ))
    .bind(id)
    .bind(max_age_ms)
    .execute(pool)
    .await?;
    Ok(())
}
