//! Backend settings for the daemons of this crate, and the API's flat form
//! of any settings (`server_body`).

use std::time::Duration;

use serde_json::{Value, json};
use tm_backends::{
    BackendConfig, Connection, DelugeConnection, HttpEndpoint, Login, QbittorrentAuth,
    RtorrentConnection, Secret, TargetPolicy, Tls,
};

/// A daemon on loopback: 10 s per call, every target allowed.
pub(crate) fn on_loopback(name: &str, connection: Connection) -> BackendConfig {
    BackendConfig {
        name: name.to_owned(),
        connection,
        timeout: Duration::from_secs(10),
        egress: TargetPolicy::unrestricted(),
    }
}

/// `127.0.0.1:port`, at the kind's default path unless one is given.
pub(crate) fn loopback_http(port: u16, path: Option<&str>, tls: Tls) -> HttpEndpoint {
    HttpEndpoint {
        host: "127.0.0.1".to_owned(),
        port,
        path: path.map(str::to_owned),
        tls,
    }
}

pub(crate) fn login(username: &str, password: &str) -> Login {
    Login {
        username: username.to_owned(),
        password: Secret::new(password),
    }
}

/// The `POST /servers` body that reaches `config`: the flat form the API
/// keeps, which `Connection::from_settings` reads back.
pub fn server_body(name: &str, config: &BackendConfig) -> Value {
    let mut body = json!({
        "name": name,
        "server_type": config.kind().as_str(),
        "transport": config.transport().as_str(),
    });
    let fields = match &config.connection {
        Connection::Transmission { endpoint, login }
        | Connection::Rqbit { endpoint, login }
        | Connection::Rtorrent(RtorrentConnection::Http { endpoint, login }) => http_fields(
            endpoint,
            login.as_ref().map(|l| (Some(&l.username), &l.password)),
        ),
        Connection::Qbittorrent { endpoint, auth } => http_fields(
            endpoint,
            match auth {
                QbittorrentAuth::None => None,
                QbittorrentAuth::Login(l) => Some((Some(&l.username), &l.password)),
                QbittorrentAuth::ApiKey(key) => Some((None, key)),
            },
        ),
        Connection::Deluge(DelugeConnection::Web { endpoint, password }) => {
            http_fields(endpoint, Some((None, password)))
        }
        Connection::Rtorrent(RtorrentConnection::Scgi { host, port }) => {
            json!({ "host": host, "port": port })
        }
        Connection::Rtorrent(RtorrentConnection::ScgiUnix { path }) => {
            json!({ "host": "127.0.0.1", "port": 0, "socket_path": path })
        }
        Connection::Deluge(DelugeConnection::Rpc { host, port, login }) => json!({
            "host": host,
            "port": port,
            "username": login.username,
            "password": login.password.expose(),
        }),
        // In the server's own process, or reached the server's own way:
        // nothing to say where.
        Connection::Embedded(_) | Connection::Relay(_) => json!({}),
    };
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        body.extend(fields);
    }
    body
}

/// The flat fields of an HTTP endpoint and its credentials.
fn http_fields(endpoint: &HttpEndpoint, credentials: Option<(Option<&String>, &Secret)>) -> Value {
    let (username, password) = match credentials {
        Some((username, password)) => (username, Some(password.expose())),
        None => (None, None),
    };
    json!({
        "host": endpoint.host,
        "port": endpoint.port,
        "rpc_path": endpoint.path,
        "use_ssl": endpoint.tls != Tls::Off,
        "tls_accept_invalid_certs": endpoint.tls == Tls::AcceptInvalidCerts,
        "username": username,
        "password": password,
    })
}

/// `config` with another password (or API key), for tests of refusals.
/// Panics on settings that have none (rTorrent's SCGI, a client without login).
pub fn with_password(config: &BackendConfig, password: &str) -> BackendConfig {
    let mut changed = config.clone();
    let slot = match &mut changed.connection {
        Connection::Transmission {
            login: Some(login), ..
        }
        | Connection::Rqbit {
            login: Some(login), ..
        }
        | Connection::Rtorrent(RtorrentConnection::Http {
            login: Some(login), ..
        })
        | Connection::Qbittorrent {
            auth: QbittorrentAuth::Login(login),
            ..
        }
        | Connection::Deluge(DelugeConnection::Rpc { login, .. }) => &mut login.password,
        Connection::Qbittorrent {
            auth: QbittorrentAuth::ApiKey(key),
            ..
        } => key,
        Connection::Deluge(DelugeConnection::Web { password, .. }) => password,
        other => panic!("{other:?} has no password"),
    };
    *slot = Secret::new(password);
    changed
}

/// `config` at another HTTP path. Panics on settings that are not HTTP.
pub fn with_path(config: &BackendConfig, path: &str) -> BackendConfig {
    let mut changed = config.clone();
    http_endpoint(&mut changed).path = Some(path.to_owned());
    changed
}

/// `config` accepting a self-signed certificate. Panics on settings that
/// are not HTTPS.
pub fn trusting_any_certificate(config: &BackendConfig) -> BackendConfig {
    let mut changed = config.clone();
    let endpoint = http_endpoint(&mut changed);
    assert_ne!(endpoint.tls, Tls::Off, "not HTTPS");
    endpoint.tls = Tls::AcceptInvalidCerts;
    changed
}

fn http_endpoint(config: &mut BackendConfig) -> &mut HttpEndpoint {
    match &mut config.connection {
        Connection::Transmission { endpoint, .. }
        | Connection::Rqbit { endpoint, .. }
        | Connection::Rtorrent(RtorrentConnection::Http { endpoint, .. })
        | Connection::Qbittorrent { endpoint, .. }
        | Connection::Deluge(DelugeConnection::Web { endpoint, .. }) => endpoint,
        other => panic!("{other:?} is not HTTP"),
    }
}
