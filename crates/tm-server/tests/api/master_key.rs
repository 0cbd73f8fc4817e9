//! A server refuses to start with another master key than the one its
//! database was set up with, before it takes any server's lease.

use crate::harness::{Db, TestApp};

/// Not the key any test app runs with.
const OTHER_KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

#[tokio::test]
async fn a_server_with_another_master_key_than_its_database_does_not_start() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(app) = TestApp::try_spawn(db, |_| {}).await else {
            continue;
        };
        let mut config = app.config.clone();
        config.master_key = Some(OTHER_KEY.into());
        let Err(error) = tm_server::start(config).await else {
            panic!("{db:?}: started with another master key");
        };
        let message = format!("{error:#}");
        assert!(
            message.contains("master key is not the one this database was set up with"),
            "{db:?}: {message}"
        );
        assert!(!message.contains(OTHER_KEY), "no key in the message");
    }
}
