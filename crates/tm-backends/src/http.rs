//! The HTTP side shared by the adapters: one pooled reqwest client per
//! backend, basic or bearer auth, timeouts, and mapping of transport failures.

use std::error::Error as _;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Client, StatusCode};

use crate::config::{BackendConfig, Secret};
use crate::connection::{HttpEndpoint, Login, Tls};
use crate::error::{BackendError, ErrorKind, Result};

pub(crate) use tm_wire::MAX_REPLY_BYTES;

/// Replies at least this large are decoded on tokio's blocking pool: a
/// multi-MB list takes tens of ms to decode, which would stall every other
/// task on the worker (H-6). Small replies are cheaper to decode in place.
const BLOCKING_DECODE_BYTES: usize = 64 * 1024;

/// Runs `decode` on `body`, off the async workers when the body is big.
pub(crate) async fn decode_off_runtime<T, E>(
    body: Bytes,
    decode: impl FnOnce(&[u8]) -> Result<T, E> + Send + 'static,
) -> Result<Result<T, E>, ErrorKind>
where
    T: Send + 'static,
    E: Send + 'static,
{
    if body.len() < BLOCKING_DECODE_BYTES {
        return Ok(decode(&body));
    }
    tokio::task::spawn_blocking(move || decode(&body))
        .await
        .map_err(|_| ErrorKind::Malformed("decoding the reply was aborted".to_owned()))
}

/// The error for a reply over `MAX_REPLY_BYTES`.
pub(crate) fn reply_too_large() -> ErrorKind {
    ErrorKind::Malformed(format!(
        "reply larger than {} MiB",
        MAX_REPLY_BYTES / (1024 * 1024)
    ))
}

/// What a channel sends on every call to say who it is.
pub(crate) enum HttpAuth {
    Basic(Login),
    Bearer(Secret),
}

/// Requests to one HTTP endpoint.
pub(crate) struct HttpChannel {
    client: Client,
    url: String,
    auth: Option<HttpAuth>,
    server: String,
    timeout: Duration,
}

pub(crate) struct HttpReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Error texts never quote the body or headers: the URL may point at any
/// HTTP service, whose answer must not come back to the user (H-2).
impl HttpReply {
    /// Fails on statuses that say "this is not an RPC answer".
    pub fn check_status(&self) -> Result<(), ErrorKind> {
        match self.status {
            StatusCode::OK => Ok(()),
            StatusCode::UNAUTHORIZED => Err(ErrorKind::AuthFailed(
                "wrong username or password (HTTP 401)".to_owned(),
            )),
            StatusCode::FORBIDDEN => Err(ErrorKind::AuthFailed(
                "access forbidden (HTTP 403)".to_owned(),
            )),
            StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT => Err(ErrorKind::Network(format!(
                "HTTP {}: a proxy answered but cannot reach the client behind it",
                self.status
            ))),
            status => Err(ErrorKind::NotATorrentClient(format!(
                "HTTP {}",
                status.as_u16()
            ))),
        }
    }

    pub fn looks_like_html(&self) -> bool {
        let html_type = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("html"));
        let start = String::from_utf8_lossy(&self.body[..self.body.len().min(100)])
            .trim_start()
            .to_ascii_lowercase();
        html_type || start.starts_with("<!doctype html") || start.starts_with("<html")
    }
}

impl HttpChannel {
    pub fn new(
        config: &BackendConfig,
        endpoint: &HttpEndpoint,
        auth: Option<HttpAuth>,
        server: &str,
    ) -> Result<Self> {
        let url = endpoint.url(config.kind());
        let parsed = url::Url::parse(&url).map_err(|_| {
            BackendError::new(server, ErrorKind::Invalid("not a valid URL".to_owned()))
        })?;
        // The host the URL parser will dial: it reads IPv4 shorthands such as
        // `127.1` or `2130706433` that std does not, and reqwest connects to
        // an IP host without asking the policy's resolver.
        let host = parsed.host_str().unwrap_or(&endpoint.host).to_owned();
        for host in [endpoint.host.as_str(), &host] {
            config
                .egress
                .check_host_literal(host)
                .map_err(|refusal| BackendError::new(server, ErrorKind::Forbidden(refusal.0)))?;
        }
        let compress = endpoint.tls != Tls::Off || !is_loopback(&host);
        Self::build(config, endpoint.tls, auth, server, url, compress)
    }

    /// `compress`: ask for gzip (and keep connections alive).
    fn build(
        config: &BackendConfig,
        tls: Tls,
        auth: Option<HttpAuth>,
        server: &str,
        url: String,
        compress: bool,
    ) -> Result<Self> {
        let mut builder = Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // Names are checked against the egress policy on every new
            // connection; an RPC endpoint has no business redirecting.
            .dns_resolver(config.egress.resolver())
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(tls == Tls::AcceptInvalidCerts);
        if !compress {
            // On loopback, compression costs more than it saves: Transmission
            // spends ~14 ms gzipping a 5,000-torrent list (859 KB) that
            // loopback moves in well under 1 ms. Uncompressed replies under
            // ~1 MB on a reused connection sometimes stall ~40 ms (Nagle on
            // the daemon's side meeting our delayed ACK), so each call gets a
            // fresh connection instead, which costs next to nothing on
            // loopback. Remote and TLS servers keep gzip and keep-alive: there
            // the 5× smaller transfer and the saved handshakes pay off.
            builder = builder.no_gzip().pool_max_idle_per_host(0);
        }
        let client = builder
            .build()
            .map_err(|e| BackendError::new(server, ErrorKind::Network(e.to_string())))?;
        Ok(Self {
            client,
            url,
            auth,
            server: server.to_owned(),
            timeout: config.timeout,
        })
    }

    /// POSTs `body`; any HTTP status is returned, transport failures are errors.
    pub async fn post(
        &self,
        body: Vec<u8>,
        content_type: &str,
        extra_header: Option<(&str, &str)>,
    ) -> Result<HttpReply> {
        self.post_to("", body, content_type, extra_header).await
    }

    /// Like `post`, to `relative` under the configured URL (qBittorrent's
    /// API is a tree of paths below the WebUI's root).
    pub async fn post_to(
        &self,
        relative: &str,
        body: Vec<u8>,
        content_type: &str,
        extra_header: Option<(&str, &str)>,
    ) -> Result<HttpReply> {
        let request = self
            .client
            .post(self.url_of(relative))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        self.send(request, extra_header).await
    }

    /// GETs `relative` under the configured URL (rqbit's API reads with GET).
    pub async fn get_from(&self, relative: &str) -> Result<HttpReply> {
        let request = self.client.get(self.url_of(relative));
        self.send(request, None).await
    }

    fn url_of(&self, relative: &str) -> String {
        if relative.is_empty() {
            self.url.clone()
        } else {
            format!("{}/{relative}", self.url.trim_end_matches('/'))
        }
    }

    /// Sends `request` with the channel's auth; the reply body is capped.
    async fn send(
        &self,
        mut request: reqwest::RequestBuilder,
        extra_header: Option<(&str, &str)>,
    ) -> Result<HttpReply> {
        match &self.auth {
            Some(HttpAuth::Basic(login)) => {
                request = request.basic_auth(&login.username, Some(login.password.expose()));
            }
            Some(HttpAuth::Bearer(token)) => request = request.bearer_auth(token.expose()),
            None => {}
        }
        if let Some((name, value)) = extra_header {
            request = request.header(name, value);
        }
        let fail = |e: reqwest::Error| BackendError::new(&self.server, self.classify(&e));
        let mut response = request.send().await.map_err(fail)?;
        let status = response.status();
        let headers = response.headers().clone();
        // Chunk by chunk, already inflated when gzip is on, so the cap holds
        // for what we keep in memory, whatever the wire size.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            if body.len() + chunk.len() > MAX_REPLY_BYTES {
                return Err(BackendError::new(&self.server, reply_too_large()));
            }
            body.extend_from_slice(&chunk);
        }
        let body = Bytes::from(body);
        Ok(HttpReply {
            status,
            headers,
            body,
        })
    }

    fn classify(&self, err: &reqwest::Error) -> ErrorKind {
        if err.is_timeout() {
            return ErrorKind::Timeout(self.timeout);
        }
        let mut io_kind = None;
        let mut source = err.source();
        while let Some(cause) = source {
            if let Some(refused) = cause.downcast_ref::<crate::egress::ResolveError>() {
                return match refused {
                    crate::egress::ResolveError::Refused(reason) => {
                        ErrorKind::Forbidden(reason.0.clone())
                    }
                    crate::egress::ResolveError::Lookup(reason) => {
                        ErrorKind::Network(reason.clone())
                    }
                };
            }
            if let Some(io) = cause.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::ConnectionRefused
            {
                return ErrorKind::Refused(self.url.clone());
            }
            if let Some(hyper) = cause.downcast_ref::<hyper::Error>()
                && hyper.is_parse()
            {
                return ErrorKind::Malformed(format!("not an HTTP answer ({hyper})"));
            }
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                io_kind = Some(io.kind());
            }
            source = cause.source();
        }
        // Only a cause of our own wording: the inner messages can quote the
        // peer (a TLS certificate's names, say).
        let chain = error_chain(err).to_ascii_lowercase();
        let cause = if chain.contains("certificate") {
            "TLS handshake failed: the server's certificate is not trusted \
             (self-signed, expired or for another name)"
                .to_owned()
        } else if chain.contains("tls") {
            "TLS handshake failed".to_owned()
        } else if let Some(kind) = io_kind {
            kind.to_string()
        } else if err.is_connect() {
            "could not connect".to_owned()
        } else if err.is_body() || err.is_decode() {
            "the reply was cut off or could not be decoded".to_owned()
        } else {
            "the request failed".to_owned()
        };
        ErrorKind::Network(format!("{}: {cause}", self.url))
    }
}

/// Whether `host` (a name, an IP address, or an IPv6 address in brackets)
/// is this machine; `::ffff:127.0.0.1` is IPv4 loopback too.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// `outer: inner: innermost`, for messages.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_loopback_hosts() {
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "localhost",
            "LocalHost",
            "::1",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "::ffff:127.9.9.9",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "192.168.1.2",
            "seedbox.example",
            "[2001:db8::1]",
            "[::ffff:192.168.1.2]",
            "localhost.example",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    /// H-6: a remote server's gzip bomb (compression is forced on here; it
    /// is off for loopback hosts): 1 GiB of zeros, compressed as it is sent
    /// (~1 KB per MiB). The reply must stop at the cap after inflating.
    #[tokio::test]
    async fn gzip_bomb_stops_at_the_cap_after_inflating() {
        use std::io::Write as _;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = vec![0; 65536];
            let _ = socket.read(&mut request).await;
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                        Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n";
            socket.write_all(head.as_bytes()).await.unwrap();
            let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let zeros = vec![0; 1024 * 1024];
            for _ in 0..1024 {
                gzip.write_all(&zeros).unwrap();
                gzip.flush().unwrap();
                let out = std::mem::take(gzip.get_mut());
                let chunk = [format!("{:x}\r\n", out.len()).as_bytes(), &out, b"\r\n"].concat();
                if socket.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        });
        let endpoint = HttpEndpoint {
            host: "127.0.0.1".to_owned(),
            port,
            path: None,
            tls: Tls::Off,
        };
        let config = BackendConfig {
            name: "bomb".to_owned(),
            connection: crate::Connection::Transmission {
                endpoint: endpoint.clone(),
                login: None,
            },
            timeout: Duration::from_secs(60),
            egress: crate::TargetPolicy::unrestricted(),
        };
        let url = endpoint.url(config.kind());
        let channel = HttpChannel::build(&config, Tls::Off, None, "bomb", url, true).unwrap();
        let err = channel
            .post(b"{}".to_vec(), "application/json", None)
            .await
            .err()
            .expect("the bomb must be refused");
        assert_eq!(err.kind, reply_too_large());
    }
}
