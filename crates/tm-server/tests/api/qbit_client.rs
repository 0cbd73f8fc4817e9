//! A minimal qBittorrent WebAPI client for the facade tests: form posts,
//! plain-text answers, its own cookie jar.

use reqwest::StatusCode;
use serde_json::Value;

use tm_testkit::RunningClient;

use crate::daemons::register;
use crate::harness::{Api, TestApp};

pub struct Qbit {
    pub http: reqwest::Client,
    base: String,
}

impl Qbit {
    /// A client with a cookie jar (as Sonarr keeps the `SID` cookie).
    pub fn new(app: &TestApp) -> Self {
        Self::at(&app.base)
    }

    /// A client of the facade under `origin` (scheme, host, port and any
    /// URL base a proxy serves torrent-manager under).
    pub fn at(origin: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: format!("{origin}/api/v2"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends `request` and answers the status and the body as text.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, String) {
        let response = request.send().await.expect("answered");
        let status = response.status();
        if !status.is_success() {
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_string();
            assert!(
                content_type.starts_with("text/plain"),
                "{status}: {content_type}"
            );
        }
        (status, response.text().await.unwrap())
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        self.send(self.http.post(self.url(path)).with_form(form))
            .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        self.send(self.http.get(self.url(path))).await
    }

    /// A read that must succeed, as JSON.
    pub async fn json(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let (status, body) = self.post(path, form).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: not JSON: {body}"))
    }

    /// Creates `category`, routed to `server` with its own directory under
    /// `download_dir` as the save path; answers that directory.
    pub async fn routed_category(
        &self,
        category: &str,
        download_dir: &std::path::Path,
        server: &str,
    ) -> std::path::PathBuf {
        let dir = download_dir.join(category);
        std::fs::create_dir_all(&dir).unwrap();
        let save_path = dir.to_str().unwrap();
        self.ok(
            "/torrents/createCategory",
            &[
                ("category", category),
                ("savePath", save_path),
                ("server", server),
            ],
        )
        .await;
        dir
    }

    /// Logs in; answers the body (`Ok.` or `Fails.`).
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post(
                "/auth/login",
                &[("username", username), ("password", password)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// A call that must answer `Ok.`.
    pub async fn ok(&self, path: &str, form: &[(&str, &str)]) {
        let (status, body) = self.post(path, form).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "Ok."), "{path}");
    }
}

/// An urlencoded form body, as qBittorrent's clients send.
pub trait WithForm {
    fn with_form(self, form: &[(&str, &str)]) -> Self;
}

impl WithForm for reqwest::RequestBuilder {
    fn with_form(self, form: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

/// alice with one real client registered as `server` on `app` (see
/// `daemons::client_and_app`), and a facade client logged in with one of
/// her API keys as its password, as Sonarr does.
pub struct FacadeOverClient {
    pub app: TestApp,
    pub api: Api,
    pub server_id: String,
    pub qbit: Qbit,
}

pub async fn facade_over_client(
    client: &RunningClient,
    app: TestApp,
    server: &str,
) -> FacadeOverClient {
    let api = app.user("alice").await;
    let key = api.create_key("sonarr").await;
    let server_id = register(&api, server, &client.config).await;
    let qbit = Qbit::new(&app);
    assert_eq!(qbit.login("alice", &key).await, "Ok.");
    FacadeOverClient {
        app,
        api,
        server_id,
        qbit,
    }
}
