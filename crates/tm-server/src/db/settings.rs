use super::{DbResult, Store, on_pool};

impl Store {
    pub async fn setting(&self, name: &str) -> DbResult<Option<String>> {
        const SQL: &str = "SELECT value FROM settings WHERE name = $1";
        Ok(on_pool!(self, |pool| sqlx::query_scalar::<_, String>(SQL)
            .bind(name)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn set_setting(&self, name: &str, value: &str) -> DbResult<()> {
        self.write_setting(
            "INSERT INTO settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            name,
            value,
        )
        .await
    }

    /// Sets `name` unless it has a value already.
    pub async fn set_setting_if_absent(&self, name: &str, value: &str) -> DbResult<()> {
        self.write_setting(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            name,
            value,
        )
        .await
    }

    async fn write_setting(&self, sql: &'static str, name: &str, value: &str) -> DbResult<()> {
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(name)
            .bind(value)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
