use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Db, TestApp, password_of};

/// Nothing secret in the SQLite files: not the API key, the session and
/// remember-me tokens, the user's password, or a client's passwords.
#[tokio::test]
async fn the_database_holds_no_secret_in_clear() {
    let Some(app) = TestApp::try_spawn(Db::Sqlite, |_| {}).await else {
        return;
    };
    app.user("alice").await;
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{}/auth/login", app.base))
        .json(&json!({"username": "alice", "password": password_of("alice"), "remember_me": true}))
        .send()
        .await
        .unwrap();
    let tokens: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|c| {
            c.split(';')
                .next()
                .unwrap()
                .split_once('=')
                .unwrap()
                .1
                .to_string()
        })
        .collect();
    assert_eq!(tokens.len(), 2);
    let api = app.client();
    api.login("alice", false).await;
    let key = api.create_key("k").await;
    let (status, _) = api.post("/servers", json!({"name": "s", "server_type": "rtorrent", "host": "127.0.0.1", "port": 80,
        "rpc_path": "/RPC2", "password": "rpc-password-in-clear", "http_password": "http-password-in-clear"})).await;
    assert_eq!(status, StatusCode::OK);

    let mut secrets = vec![
        key.clone(),
        key[3..].to_string(),
        password_of("alice"),
        "rpc-password-in-clear".into(),
        "http-password-in-clear".into(),
    ];
    secrets.extend(tokens);
    let mut files = 0;
    for entry in std::fs::read_dir(app.data_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("torrent-manager.db") {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).unwrap();
        for secret in &secrets {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{name} contains a secret in clear"
            );
        }
    }
    assert!(files >= 1, "the database files were read");
    // The check can fail: the user name is stored in clear.
    let db = std::fs::read(app.data_dir().join("torrent-manager.db-wal")).unwrap_or_default();
    let main = std::fs::read(app.data_dir().join("torrent-manager.db")).unwrap();
    assert!(contains(&db, b"alice") || contains(&main, b"alice"));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
