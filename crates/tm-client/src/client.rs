//! The client, how it is configured, and how one request goes out and comes back.

use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, Url};
use serde::de::DeserializeOwned;

use crate::Error;

/// Where the server listens when nothing else is said.
pub const DEFAULT_URL: &str = "http://localhost:8144";

/// A connection to one torrent-manager server.
///
/// It authenticates with an API key (sent as `Authorization: Bearer`), or
/// with the session cookie that [`Client::login`] obtains and the client
/// keeps. Cloning is cheap and shares the connection pool and cookies.
///
/// ```no_run
/// # async fn run() -> Result<(), tm_client::Error> {
/// let client = tm_client::Client::builder("http://127.0.0.1:8144")
///     .api_key("tm_0123456789abcdef")
///     .build()?;
/// println!("{}", client.me().await?.username);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    cookies: Arc<Jar>,
}

impl std::fmt::Debug for Client {
    // The API key and cookies stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// Settings of a [`Client`]; see [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    api_key: Option<String>,
    session_cookies: Option<String>,
    timeout: Duration,
}

impl ClientBuilder {
    /// Authenticate every request with this API key (`tm_…`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Resume a session saved from [`Client::session_cookies`].
    pub fn session_cookies(mut self, cookies: impl Into<String>) -> Self {
        self.session_cookies = Some(cookies.into());
        self
    }

    /// How long to wait for each answer (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let base = parse_base_url(&self.base_url)?;
        let cookies = Arc::new(Jar::default());
        if let Some(saved) = &self.session_cookies {
            for pair in saved.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                // Path=/ as the server sets it, so a renewed cookie replaces this one.
                cookies.add_cookie_str(&format!("{pair}; Path=/"), &base);
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(key) = &self.api_key {
            let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                Error::InvalidConfig("the API key contains characters a header cannot carry".into())
            })?;
            value.set_sensitive(true);
            headers.insert(header::AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .cookie_provider(cookies.clone())
            .timeout(self.timeout)
            .user_agent(concat!("tm-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(Error::Transport)?;
        Ok(Client {
            http,
            base,
            cookies,
        })
    }
}

/// The URL with a trailing slash removed from its path, so paths append cleanly.
fn parse_base_url(text: &str) -> Result<Url, Error> {
    let invalid =
        |reason: &str| Error::InvalidConfig(format!("invalid server URL '{text}': {reason}"));
    let mut url = Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a server URL has no query or fragment"));
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

impl Client {
    /// A client of the server at `base_url` (e.g. `http://127.0.0.1:8144`),
    /// with default settings and no credentials yet.
    pub fn new(base_url: &str) -> Result<Client, Error> {
        Client::builder(base_url).build()
    }

    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            api_key: None,
            session_cookies: None,
            timeout: Duration::from_secs(30),
        }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// The cookies of the current session (`session=…; remember_me=…`), to
    /// save and hand to [`ClientBuilder::session_cookies`] later. `None`
    /// before a login and after a logout.
    pub fn session_cookies(&self) -> Option<String> {
        let header = self.cookies.cookies(&self.base)?;
        header
            .to_str()
            .ok()
            .filter(|value| !value.is_empty())
            .map(str::to_string)
    }

    /// A request to the API path made of `segments`, each percent-encoded.
    pub(crate) fn request(
        &self,
        method: Method,
        segments: &[&str],
    ) -> Result<RequestBuilder, Error> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| Error::InvalidConfig(format!("{} cannot have a path", self.base)))?
            .pop_if_empty()
            .extend(segments);
        Ok(self.http.request(method, url))
    }

    /// Sends the request; an error status becomes an [`Error`].
    pub(crate) async fn send(&self, request: RequestBuilder) -> Result<Response, Error> {
        let response = request
            .send()
            .await
            .map_err(|e| Error::from_transport(self.base.as_str(), e))?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(Error::from_response(response).await)
        }
    }

    /// Sends the request and decodes its JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
    ) -> Result<T, Error> {
        let response = self.send(request).await?;
        decode(response, self.base.as_str()).await
    }
}

pub(crate) async fn decode<T: DeserializeOwned>(response: Response, url: &str) -> Result<T, Error> {
    let body = response
        .bytes()
        .await
        .map_err(|e| Error::from_transport(url, e))?;
    serde_json::from_slice(&body).map_err(|e| Error::Decode(e.to_string()))
}

/// Adds `?server_id=` when the caller names the server holding a torrent.
pub(crate) fn on_server(request: RequestBuilder, server_id: Option<&str>) -> RequestBuilder {
    match server_id {
        Some(id) => request.query(&[("server_id", id)]),
        None => request,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalised() {
        assert_eq!(
            parse_base_url("http://h:8144/").unwrap().as_str(),
            "http://h:8144/"
        );
        assert_eq!(
            parse_base_url("https://h/tm/").unwrap().as_str(),
            "https://h/tm"
        );
        assert!(parse_base_url("ftp://h").is_err());
        assert!(parse_base_url("localhost:8144").is_err());
        assert!(parse_base_url("http://h/?x=1").is_err());
    }

    #[test]
    fn paths_are_percent_encoded_segments() {
        let client = Client::new("http://h/tm/").unwrap();
        let request = client
            .request(Method::GET, &["torrents", "abc", "labels", "a/b c"])
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            request.url().as_str(),
            "http://h/tm/torrents/abc/labels/a%2Fb%20c"
        );
    }

    #[test]
    fn saved_cookies_are_restored() {
        let client = Client::builder("http://h:1")
            .session_cookies("session=abc; remember_me=def")
            .build()
            .unwrap();
        let cookies = client.session_cookies().unwrap();
        assert!(cookies.contains("session=abc"), "{cookies}");
        assert!(cookies.contains("remember_me=def"), "{cookies}");
        assert_eq!(Client::new("http://h:1").unwrap().session_cookies(), None);
    }
}
