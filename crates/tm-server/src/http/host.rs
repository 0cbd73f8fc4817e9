//! Host-header allow-list against DNS rebinding: a page on `evil.example`
//! whose name is re-pointed at this server is same-origin with it in the
//! browser, so an Origin check alone passes. Its requests still name
//! `evil.example` in `Host`, and that is refused here.
//!
//! Accepted: loopback names, any IP address literal (a browser only sends
//! one when the user typed it, and no DNS answer can rebind it), the listen
//! host, and the hosts of `public_origins` and `allowed_origins`. Ports do
//! not matter: rebinding is about the name. On `0.0.0.0` without public
//! origins, clients reaching the server by address work; by host name they
//! need `--public-origin` (a warning at start says so).

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Config;
use crate::core::{Core, Error};

pub async fn check_host(State(core): State<Core>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        // Without a Host the caller is not a browser: nothing to rebind.
        None => next.run(request).await,
        Some(host) if host_allowed(core.config(), &host) => next.run(request).await,
        Some(host) => Error::Forbidden(format!(
            "Host {host:?} is not a name of this server; add its origin with --public-origin"
        ))
        .into_response(),
    }
}

/// Says, at start, when host names will be refused that users may expect.
pub fn warn_about_host_names(config: &Config) {
    let listen = name_of(&config.host);
    let loopback =
        listen == "localhost" || listen.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback && config.public_origins.is_empty() && config.allowed_origins.is_empty() {
        tracing::warn!(
            "listening on {} without --public-origin: requests naming this server by an IP \
             address or localhost are served, by any other host name refused (DNS rebinding)",
            config.host
        );
    }
}

fn host_allowed(config: &Config, host: &str) -> bool {
    let name = name_of(host);
    if name == "localhost" || name.ends_with(".localhost") || name.parse::<IpAddr>().is_ok() {
        return true;
    }
    if name == name_of(&config.host) {
        return true;
    }
    config
        .public_origins
        .iter()
        .chain(&config.allowed_origins)
        .any(|origin| origin_host(origin) == name)
}

/// The host name of an origin like `https://tm.example.org:8443/`.
fn origin_host(origin: &str) -> String {
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    name_of(rest.split('/').next().unwrap_or_default())
}

/// `Host` without its port, brackets and trailing dot, lower-cased.
fn name_of(host: &str) -> String {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let mut config = Config::new("/tmp/unused");
        for ok in [
            "localhost",
            "LOCALHOST:8144",
            "127.0.0.1:8144",
            "[::1]:8144",
            "[::1]",
            "192.168.1.20:8144",
            "app.localhost:1",
        ] {
            assert!(host_allowed(&config, ok), "{ok}");
        }
        for refused in ["evil.test:8144", "evil.test", "localhost.evil.test", ""] {
            assert!(!host_allowed(&config, refused), "{refused}");
        }
        config
            .public_origins
            .push("https://TM.example.org:8443/".into());
        assert!(host_allowed(&config, "tm.example.org"));
        assert!(host_allowed(&config, "tm.example.org.:443"));
        config.host = "nas.lan".into();
        assert!(host_allowed(&config, "nas.lan:8144"));
        assert!(!host_allowed(&config, "evil.test"));
    }
}
