//! The activity log's rows: written in batches, read filtered and paged,
//! pruned by age.

use super::{DbResult, Store, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: String,
    pub at: i64,
    pub owner_id: Option<String>,
    pub scope: String,
    pub action: String,
    pub actor_kind: String,
    pub actor_name: String,
    pub actor_user_id: Option<String>,
    pub actor_detail: Option<String>,
    pub server_id: Option<String>,
    pub server_name: Option<String>,
    pub info_hash: Option<String>,
    pub torrent_name: Option<String>,
    pub outcome: String,
    pub message: String,
}

/// Which rows a reader may see and wants; `None` filters nothing.
#[derive(Debug, Default)]
pub struct ActivityFilter {
    /// The reader: rows they own.
    pub viewer_id: String,
    /// Admins also see everyone's account and server rows (the audit log).
    pub audit: bool,
    pub server_id: Option<String>,
    pub info_hash: Option<String>,
    pub rule_id: Option<String>,
    /// Lower-cased actor name.
    pub actor: Option<String>,
    pub actor_kind: Option<String>,
    pub scope: Option<String>,
    /// A LIKE pattern, lower-cased and escaped with `\`.
    pub search: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// The columns of `activity`, in `ActivityRow` order (a macro so `concat!` can use it).
macro_rules! columns {
    () => {
        "id, at, owner_id, scope, action, actor_kind, actor_name, actor_user_id, \
         actor_detail, server_id, server_name, info_hash, torrent_name, outcome, message"
    };
}

/// The filter as SQL over `$1`..`$11` (see `bind_filter!`).
macro_rules! filtered {
    () => {
        "WHERE (owner_id = $1 OR ($2 AND scope <> 'torrent')) \
     AND ($3 IS NULL OR server_id = $3) \
     AND ($4 IS NULL OR info_hash = $4) \
     AND ($5 IS NULL OR (actor_kind = 'rule' AND actor_detail = $5)) \
     AND ($6 IS NULL OR LOWER(actor_name) = $6) \
     AND ($7 IS NULL OR actor_kind = $7) \
     AND ($8 IS NULL OR scope = $8) \
     AND ($9 IS NULL OR LOWER(COALESCE(torrent_name, '')) LIKE $9 ESCAPE '\\' \
          OR LOWER(COALESCE(server_name, '')) LIKE $9 ESCAPE '\\' \
          OR LOWER(action) LIKE $9 ESCAPE '\\' OR LOWER(message) LIKE $9 ESCAPE '\\') \
     AND ($10 IS NULL OR at >= $10) \
     AND ($11 IS NULL OR at < $11)"
    };
}

const INSERT: &str = concat!("INSERT INTO activity (", columns!(), ") ");
/// 15 parameters a row, under SQLite's oldest limit of 999 a statement.
const ROWS_PER_INSERT: usize = 60;
const PAGE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM activity ",
    filtered!(),
    " ORDER BY at DESC, id DESC LIMIT $12 OFFSET $13"
);
const COUNT: &str = concat!("SELECT COUNT(*) FROM activity ", filtered!());

macro_rules! bind_filter {
    ($query:expr, $filter:expr) => {
        $query
            .bind(&$filter.viewer_id)
            .bind($filter.audit)
            .bind(&$filter.server_id)
            .bind(&$filter.info_hash)
            .bind(&$filter.rule_id)
            .bind(&$filter.actor)
            .bind(&$filter.actor_kind)
            .bind(&$filter.scope)
            .bind(&$filter.search)
            .bind($filter.since)
            .bind($filter.until)
    };
}

impl Store {
    /// Writes the rows in one transaction, many to a statement (a bulk
    /// action on thousands of torrents is a few round trips).
    pub async fn insert_activity(&self, rows: &[ActivityRow]) -> DbResult<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let mut insert = sqlx::QueryBuilder::new(INSERT);
                insert.push_values(chunk, |mut values, row| {
                    values
                        .push_bind(&row.id)
                        .push_bind(row.at)
                        .push_bind(&row.owner_id)
                        .push_bind(&row.scope)
                        .push_bind(&row.action)
                        .push_bind(&row.actor_kind)
                        .push_bind(&row.actor_name)
                        .push_bind(&row.actor_user_id)
                        .push_bind(&row.actor_detail)
                        .push_bind(&row.server_id)
                        .push_bind(&row.server_name)
                        .push_bind(&row.info_hash)
                        .push_bind(&row.torrent_name)
                        .push_bind(&row.outcome)
                        .push_bind(&row.message);
                });
                insert.build().execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// One page of matching rows, newest first, and how many match in all.
    pub async fn list_activity(
        &self,
        filter: &ActivityFilter,
        limit: i64,
        offset: i64,
    ) -> DbResult<(Vec<ActivityRow>, i64)> {
        let rows = on_pool!(self, |pool| bind_filter!(
            sqlx::query_as::<_, ActivityRow>(PAGE),
            filter
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)?;
        let total: i64 = on_pool!(self, |pool| bind_filter!(sqlx::query_scalar(COUNT), filter)
            .fetch_one(pool)
            .await)?;
        Ok((rows, total))
    }

    /// Removes rows older than `before`; returns how many.
    pub async fn prune_activity(&self, before: i64) -> DbResult<u64> {
        const SQL: &str = "DELETE FROM activity WHERE at < $1";
        Ok(on_pool!(self, |pool| sqlx::query(SQL)
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?)
    }
}
