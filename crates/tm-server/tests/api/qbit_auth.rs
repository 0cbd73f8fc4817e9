//! The qBittorrent API's authentication: `auth/login` (password or API
//! key), the `SID` cookie, Bearer and Basic, 403 for anyone else, login
//! throttling; and its plain-text errors.

use base64::Engine;
use reqwest::StatusCode;

use crate::harness::{on_both_databases, password_of, spawn};
use crate::qbit_client::{Qbit, WithForm};

fn basic(username: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{secret}"));
    format!("Basic {encoded}")
}

on_both_databases! {
    async fn login_sets_a_sid_cookie_and_unauthenticated_calls_get_403(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let qbit = Qbit::new(&app);

        // Sonarr probes before logging in: 403 means "API v2 is here".
        let (status, body) = qbit.get("/app/webapiVersion").await;
        assert_eq!((status, body.as_str()), (StatusCode::FORBIDDEN, "Forbidden"));
        assert_eq!(qbit.post("/torrents/info", &[]).await.0, StatusCode::FORBIDDEN);

        assert_eq!(qbit.login("alice", "wrong-password").await, "Fails.");
        assert_eq!(qbit.login("nobody", "wrong-password").await, "Fails.");
        assert_eq!(qbit.get("/app/version").await.0, StatusCode::FORBIDDEN);

        // The cookie: SID, HttpOnly, for the whole site.
        let response = qbit.http.post(qbit.url("/auth/login"))
            .with_form(&[("username", "alice"), ("password", password_of("alice").as_str())])
            .send().await.unwrap();
        let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.starts_with("SID="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/"), "{cookie}");
        assert_eq!(response.text().await.unwrap(), "Ok.");
        assert_eq!(qbit.get("/app/webapiVersion").await, (StatusCode::OK, "2.11.2".to_string()));
        let (status, version) = qbit.get("/app/version").await;
        assert_eq!(status, StatusCode::OK);
        assert!(version.starts_with("v5."), "{version}");
        // It is a real session of the user's, listed with the program that opened it.
        let (_, sessions) = api.get("/auth/sessions").await;
        assert_eq!(sessions["sessions"].as_array().unwrap().len(), 2, "{sessions}");
        // The SID cookie is the facade's: the rest of the API does not take it.
        let sid = cookie.split(';').next().unwrap().to_string();
        let me = reqwest::Client::new().get(format!("{}/auth/me", app.base)).header("cookie", &sid).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

        qbit.ok("/auth/logout", &[]).await;
        assert_eq!(qbit.get("/app/version").await.0, StatusCode::FORBIDDEN);
        let replayed = reqwest::Client::new().get(qbit.url("/app/version")).header("cookie", &sid).send().await.unwrap();
        assert_eq!(replayed.status(), StatusCode::FORBIDDEN, "the session ended with the logout");
    }

    async fn an_api_key_works_as_password_bearer_and_basic(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let key = api.create_key("sonarr").await;
        app.user("bob").await;

        let qbit = Qbit::new(&app);
        assert_eq!(qbit.login("alice", &key).await, "Ok.");
        assert_eq!(qbit.get("/app/webapiVersion").await.0, StatusCode::OK);
        // Only for its owner.
        assert_eq!(Qbit::new(&app).login("bob", &key).await, "Fails.");

        let plain = Qbit::new(&app);
        let call = |auth: String| plain.send(plain.http.get(plain.url("/app/version")).header("authorization", auth));
        assert_eq!(call(format!("Bearer {key}")).await.0, StatusCode::OK);
        assert_eq!(call(basic("alice", &key)).await.0, StatusCode::OK);
        assert_eq!(call(basic("alice", &password_of("alice"))).await.0, StatusCode::OK);
        assert_eq!(call(basic("bob", &key)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(call(basic("alice", "wrong-password")).await.0, StatusCode::FORBIDDEN);
        assert_eq!(call("Bearer tm_not_a_key".into()).await, (StatusCode::FORBIDDEN, "Forbidden".to_string()));
        // Basic is the facade's: the rest of the API does not take it.
        let me = reqwest::Client::new().get(format!("{}/auth/me", app.base))
            .header("authorization", basic("alice", &key)).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

        // A revoked key stops working at once.
        let prefix = &key[..11];
        let (status, _) = api.delete(&format!("/auth/api-keys/{prefix}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(call(basic("alice", &key)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(Qbit::new(&app).login("alice", &key).await, "Fails.");
    }

    async fn failed_logins_are_throttled(db: Db) {
        let app = spawn!(db);
        app.user("alice").await;
        let qbit = Qbit::new(&app);
        for _ in 0..5 {
            assert_eq!(qbit.login("alice", "tm_wrong-key").await, "Fails.");
        }
        let (status, body) = qbit.post("/auth/login", &[("username", "alice"), ("password", password_of("alice").as_str())]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("banned"), "{body}");
        // Basic goes through the same throttle.
        let basic_call = qbit.http.get(qbit.url("/app/version")).header("authorization", basic("alice", &password_of("alice")));
        assert_eq!(qbit.send(basic_call).await.0, StatusCode::FORBIDDEN);
    }

    async fn errors_are_qbittorrents_plain_text(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let key = api.create_key("k").await;
        let qbit = Qbit::new(&app);
        assert_eq!(qbit.login("alice", &key).await, "Ok.");
        let hash = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(qbit.post("/torrents/properties", &[("hash", hash)]).await.0, StatusCode::NOT_FOUND);
        assert_eq!(qbit.post("/torrents/properties", &[]).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(qbit.post("/torrents/topPrio", &[("hashes", hash)]).await.0, StatusCode::CONFLICT);
        assert_eq!(qbit.post("/torrents/setCategory", &[("hashes", hash), ("category", "nope")]).await.0, StatusCode::CONFLICT);
        assert_eq!(qbit.post("/torrents/createCategory", &[("category", "")]).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(qbit.get("/no/such/call").await.0, StatusCode::NOT_FOUND);
        let prefs = qbit.json("/app/preferences", &[]).await;
        assert_eq!(prefs["queueing_enabled"], false);
        assert_eq!(prefs["max_ratio_enabled"], false);
        let transfer = qbit.json("/transfer/info", &[]).await;
        assert_eq!(transfer["dl_info_speed"], 0);
        assert_eq!(qbit.json("/torrents/info", &[]).await, serde_json::json!([]));
    }
}

/// Behind a reverse proxy that serves torrent-manager under a URL base (the
/// "URL Base" of Sonarr's form), a real nginx: login, the cookie and the
/// calls all work through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_behind_a_url_base() {
    if !tm_testkit::daemon_available("nginx") {
        return;
    }
    let app = spawn!(crate::harness::Db::Sqlite);
    let api = app.user("alice").await;
    let key = api.create_key("sonarr").await;
    let port: u16 = app.base.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = tm_testkit::NginxPathProxy::start(port, "/tm")
        .await
        .unwrap();
    let qbit = Qbit::at(&proxy.url("/tm"));

    assert_eq!(
        qbit.get("/app/webapiVersion").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(qbit.login("alice", &key).await, "Ok.");
    assert_eq!(
        qbit.get("/app/webapiVersion").await,
        (StatusCode::OK, "2.11.2".to_string())
    );
    qbit.ok("/torrents/createCategory", &[("category", "tv")])
        .await;
    let categories = qbit.json("/torrents/categories", &[]).await;
    assert_eq!(categories["tv"]["name"], "tv");
    assert_eq!(
        qbit.json("/torrents/info", &[]).await,
        serde_json::json!([])
    );

    let bearer = reqwest::Client::new()
        .get(format!("{}/api/v2/app/version", proxy.url("/tm")))
        .header("Authorization", format!("Bearer {key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::OK);
}

/// Sonarr sends topPrio's form, gets 409 at once and reuses the connection:
/// the unread form must not make the server close it. The body arrives
/// late on purpose, after the answer, as a slow client's would.
#[tokio::test]
async fn an_answer_before_the_form_arrives_keeps_the_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = crate::harness::TestApp::try_spawn(crate::harness::Db::Sqlite, |_| {})
        .await
        .expect("sqlite");
    app.user("alice").await;
    let auth = basic("alice", &password_of("alice"));
    let address = app.base.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let form = "hashes=0123456789abcdef0123456789abcdef01234567";
    let head = format!(
        "POST /api/v2/torrents/topPrio HTTP/1.1\r\nHost: {address}\r\nAuthorization: {auth}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        form.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    socket.write_all(form.as_bytes()).await.unwrap();
    let first = read_answer(&mut socket).await;
    assert!(first.starts_with("HTTP/1.1 409"), "{first}");

    let next = format!(
        "GET /api/v2/app/version HTTP/1.1\r\nHost: {address}\r\nAuthorization: {auth}\r\n\r\n"
    );
    // A closed connection fails here or answers nothing.
    let _ = socket.write_all(next.as_bytes()).await;
    let second = read_answer(&mut socket).await;
    assert!(
        second.starts_with("HTTP/1.1 200"),
        "the connection was closed: {second:?}"
    );

    /// One answer's head and body (by its Content-Length), or what came
    /// before the connection ended.
    async fn read_answer(socket: &mut tokio::net::TcpStream) -> String {
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&answer).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if answer.len() >= end + 4 + length {
                    return text;
                }
            }
            match tokio::time::timeout(std::time::Duration::from_secs(5), socket.read(&mut chunk))
                .await
            {
                Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&chunk[..n]),
                _ => return text,
            }
        }
    }
}
