use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{on_both_databases, password_of, spawn};

on_both_databases! {
    async fn register_login_me_logout(db: Db) {
        let app = spawn!(db);
        let api = app.client();
        let (status, body) = api.post("/auth/register", json!({"username": "alice", "password": "password-alice"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["message"], "User registered successfully");
        assert_eq!(body["username"], "alice");
        let user_id = body["user_id"].as_str().unwrap().to_string();

        let (status, body) = api.get("/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "registering does not log in: {body}");

        let body = api.login("alice", false).await;
        assert_eq!(body["message"], "Login successful");
        assert_eq!(body["user_id"], user_id.as_str());

        let (status, me) = api.get("/auth/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["user_id"], user_id.as_str());
        assert_eq!(me["username"], "alice");
        assert_eq!(me["is_admin"], true, "the first user is an admin");
        assert_eq!(me["auth_method"], "session");
        assert!(me["created_at"].as_str().unwrap().ends_with('Z'));

        let (status, body) = api.post("/auth/logout", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["message"], "Logout successful");
        let response = api.request(reqwest::Method::GET, "/auth/me").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");

        let bob = app.user("bob").await;
        let (_, me) = bob.get("/auth/me").await;
        assert_eq!(me["is_admin"], false, "only the first user is an admin");
    }

    async fn login_sets_a_hardened_session_cookie(db: Db) {
        let app = spawn!(db);
        app.user("alice").await;
        let http = reqwest::Client::new();
        let login = |remember: bool, proto: Option<&'static str>| {
            let mut request = http
                .post(format!("{}/auth/login", app.base))
                .json(&json!({"username": "alice", "password": password_of("alice"), "remember_me": remember}));
            if let Some(proto) = proto {
                request = request.header("x-forwarded-proto", proto);
            }
            request.send()
        };
        let response = login(false, None).await.unwrap();
        let cookies: Vec<String> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        assert_eq!(cookies.len(), 1, "{cookies:?}");
        let session = &cookies[0];
        assert!(session.starts_with("session="));
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(session.contains(attribute), "{session} lacks {attribute}");
        }
        assert!(!session.contains("Secure"), "plain HTTP gets no Secure flag: {session}");
        assert!(!session.contains("Max-Age"), "the session cookie ends with the browser: {session}");

        let response = login(true, Some("https")).await.unwrap();
        let cookies: Vec<String> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        assert_eq!(cookies.len(), 2, "{cookies:?}");
        assert!(cookies.iter().all(|c| c.contains("Secure")), "HTTPS requests get Secure cookies: {cookies:?}");
        let remember = cookies.iter().find(|c| c.starts_with("remember_me=")).unwrap();
        assert!(remember.contains("Max-Age=2591"), "a 30-day remember-me cookie: {remember}");
    }

    async fn registration_rejects_bad_input(db: Db) {
        let app = spawn!(db);
        let api = app.client();
        let cases = [
            (json!({"username": "ab", "password": "long-enough"}), "3 to 64"),
            (json!({"username": "x".repeat(65), "password": "long-enough"}), "3 to 64"),
            (json!({"username": "bad name", "password": "long-enough"}), "may contain only"),
            (json!({"username": "alice", "password": "short"}), "at least 8"),
            (json!({"username": "alice"}), "password"),
            (json!({"password": "long-enough"}), "username"),
            (json!({"username": 5, "password": "long-enough"}), "username"),
            (json!([1, 2]), "Invalid request body"),
        ];
        for (body, expected) in cases {
            let (status, answer) = api.post("/auth/register", body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {answer}");
            let detail = answer["detail"].as_str().unwrap();
            assert!(detail.contains(expected), "{body}: {detail:?} should mention {expected:?}");
        }
        let not_json = api.request(reqwest::Method::POST, "/auth/register")
            .header("content-type", "application/json").body("{not json");
        let (status, _) = api.send(not_json).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let no_content_type = api.request(reqwest::Method::POST, "/auth/register").body("{}");
        let (status, _) = api.send(no_content_type).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        app.user("alice").await;
        let (status, body) = api.post("/auth/register", json!({"username": "ALICE", "password": "long-enough"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "usernames are unique regardless of case: {body}");
        assert!(body["detail"].as_str().unwrap().contains("already taken"));
    }

    async fn wrong_credentials_get_one_answer(db: Db) {
        let app = spawn!(db);
        app.user("alice").await;
        let api = app.client();
        let (status, wrong_password) = api.post("/auth/login", json!({"username": "alice", "password": "not-her-password"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, unknown_user) = api.post("/auth/login", json!({"username": "nobody", "password": "not-her-password"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong_password, unknown_user, "no hint whether the user exists");
        assert_eq!(wrong_password["detail"], "Invalid username or password");
        let (status, _) = api.post("/auth/login", json!({"username": "alice"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn sessions_survive_a_restart(db: Db) {
        let mut app = spawn!(db);
        let api = app.user("alice").await;
        app.restart().await;
        let api = api.rebased(&app.base);
        let (status, me) = api.get("/auth/me").await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["username"], "alice");
    }

    async fn remember_me_mints_a_session_after_browser_restart(db: Db) {
        let mut app = spawn!(db);
        app.user("alice").await;
        // Log in with remember_me using a raw client so the cookies can be handled by hand.
        let http = reqwest::Client::new();
        let response = http.post(format!("{}/auth/login", app.base))
            .json(&json!({"username": "alice", "password": password_of("alice"), "remember_me": true}))
            .send().await.unwrap();
        let remember = cookie_value(&response, "remember_me").expect("remember_me cookie");

        app.restart().await;
        // A "restarted browser" has only the remember-me cookie.
        let me = |token: String| http.get(format!("{}/auth/me", app.base))
            .header("cookie", format!("remember_me={token}")).send();
        let response = me(remember.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let new_session = cookie_value(&response, "session").expect("a new session cookie");
        let rotated = cookie_value(&response, "remember_me").expect("a rotated remember_me cookie");
        assert_ne!(rotated, remember);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["auth_method"], "session");

        // The old token was consumed; the new session and token work.
        assert_eq!(me(remember).await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let with_session = http.get(format!("{}/auth/me", app.base))
            .header("cookie", format!("session={new_session}")).send().await.unwrap();
        assert_eq!(with_session.status(), StatusCode::OK);

        // Logout ends the session and the remember-me token together.
        let logout = http.post(format!("{}/auth/logout", app.base))
            .header("cookie", format!("session={new_session}")).send().await.unwrap();
        assert_eq!(logout.status(), StatusCode::OK);
        let cleared: Vec<String> = logout.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        for name in ["session", "remember_me"] {
            assert!(cleared.iter().any(|c| c.starts_with(&format!("{name}=;")) && c.contains("Max-Age=0")), "{name} cleared: {cleared:?}");
        }
        assert_eq!(me(rotated).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }

    async fn sessions_slide_up_to_an_absolute_cap(db: Db) {
        let app = spawn!(db, |config: &mut tm_server::Config| {
            config.sessions.idle_timeout = Duration::from_millis(2000);
            config.sessions.absolute_lifetime = Duration::from_millis(5000);
        });
        let active = app.user("alice").await;
        let idle = app.client();
        idle.login("alice", false).await;
        // The clock starts with the active session's first use: a login
        // (argon2) on a busy machine can take longer than the idle timeout.
        let started = std::time::Instant::now();
        let (status, _) = active.get("/auth/me").await;
        assert_eq!(status, StatusCode::OK, "a fresh session works");
        // Activity every 500 ms keeps one session alive past the idle timeout...
        while started.elapsed() < Duration::from_millis(3000) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let (status, _) = active.get("/auth/me").await;
            assert_eq!(status, StatusCode::OK, "an active session slides at {:?}", started.elapsed());
        }
        // ...while the idle one has expired.
        let (status, _) = idle.get("/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an idle session expires");
        // Activity does not carry a session past its absolute lifetime.
        while started.elapsed() < Duration::from_millis(5300) {
            tokio::time::sleep(Duration::from_millis(400)).await;
            active.get("/auth/me").await;
        }
        let (status, _) = active.get("/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the absolute cap ends every session");
    }

    async fn failed_logins_are_throttled(db: Db) {
        let app = spawn!(db);
        app.user("alice").await;
        app.user("bob").await;
        let api = app.client();
        for _ in 0..5 {
            let (status, _) = api.post("/auth/login", json!({"username": "alice", "password": "wrong-password"})).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let response = api.request(reqwest::Method::POST, "/auth/login")
            .json(&json!({"username": "alice", "password": password_of("alice")}))
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry_after), "Retry-After {retry_after}");
        let (status, _) = api.post("/auth/login", json!({"username": "ALICE", "password": "x-password"})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "usernames are throttled regardless of case");
        // Another user from the same address is not locked out by alice's failures...
        api.login("bob", false).await;
        // ...until the address itself has failed too often (20 in the window).
        for n in 0..15 {
            let (status, _) = api.post("/auth/login", json!({"username": format!("ghost{n}"), "password": "whatever-pw"})).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n}");
        }
        let (status, body) = api.post("/auth/login", json!({"username": "bob", "password": password_of("bob")})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    }

    async fn cross_origin_cookie_writes_are_refused(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let key = api.create_key("script").await;
        let server = json!({"name": "s", "server_type": "transmission", "host": "127.0.0.1", "port": 9091});
        let post_from = |origin: &'static str| api.request(reqwest::Method::POST, "/servers")
            .header("origin", origin).json(&server);
        let (status, body) = api.send(post_from("http://evil.example")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("Cross-origin"));
        let evil_referer = api.request(reqwest::Method::DELETE, "/auth/api-keys/whatever")
            .header("referer", "http://evil.example/form.html");
        let (status, _) = api.send(evil_referer).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let own_origin: &'static str = Box::leak(app.base.clone().into_boxed_str());
        let (status, body) = api.send(post_from(own_origin)).await;
        assert_eq!(status, StatusCode::OK, "same-origin writes work: {body}");
        // Reads are not writes.
        let read = api.request(reqwest::Method::GET, "/servers").header("origin", "http://evil.example");
        assert_eq!(api.send(read).await.0, StatusCode::OK);
        // API-key requests carry no ambient credential, so they are exempt.
        let with_key = app.key_client(&key);
        let keyed = with_key.request(reqwest::Method::POST, "/servers").header("origin", "http://evil.example").json(&server);
        assert_eq!(with_key.send(keyed).await.0, StatusCode::OK);
        // Login CSRF is refused as well.
        let login = app.client().request(reqwest::Method::POST, "/auth/login")
            .header("origin", "http://evil.example")
            .json(&json!({"username": "alice", "password": password_of("alice")}));
        assert_eq!(app.client().send(login).await.0, StatusCode::FORBIDDEN);
    }

    async fn closed_registration_leaves_account_creation_to_admins(db: Db) {
        let app = spawn!(db, |config: &mut tm_server::Config| {
            config.registration_mode = Some(tm_server::config::RegistrationMode::Closed);
        });
        // The very first account can always be made, or nobody could administer the instance.
        let admin = app.user("admin").await;
        let (status, body) = app.client().post("/auth/register", json!({"username": "eve", "password": "password-eve"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("closed"));
        let (status, body) = admin.post("/admin/users", json!({"username": "carol", "password": "password-carol"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        app.client().login("carol", false).await;

        let (status, body) = admin.put("/admin/settings", json!({"registration_mode": "open"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["registration_mode"], "open");
        let (status, _) = app.client().post("/auth/register", json!({"username": "eve", "password": "password-eve"})).await;
        assert_eq!(status, StatusCode::OK, "an admin reopened registration at run time");
        let (status, body) = admin.put("/admin/settings", json!({"registration_mode": "sometimes"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = admin.get("/admin/settings").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["registration_mode"], "open");
    }
}

fn cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
        })
        .filter(|v| !v.is_empty())
}
