//! nginx on loopback: serving `/RPC2` with basic auth, `scgi_pass`ing to
//! rTorrent's SCGI port, proxying torrent-manager under a URL base, or
//! serving a folder with `autoindex` as a seedbox's web server does.

use std::io;
use std::net::Ipv4Addr;

use super::process::{DaemonProcess, tcp_ready};
use super::{daemon_command, free_port, temp_dir};
use crate::backend::{login, loopback_http, on_loopback};
use tm_backends::{BackendConfig, Connection, RtorrentConnection, Tls};

pub struct NginxScgiProxy {
    pub port: u16,
    pub username: String,
    pub password: String,
    /// Serves HTTPS with a self-signed certificate.
    pub tls: bool,
    _process: DaemonProcess,
    _dir: tempfile::TempDir,
}

impl NginxScgiProxy {
    /// Plain HTTP.
    pub async fn start(scgi_port: u16) -> io::Result<Self> {
        Self::start_with(scgi_port, false).await
    }

    /// HTTPS with a self-signed certificate made for this run (needs `openssl`).
    pub async fn start_tls(scgi_port: u16) -> io::Result<Self> {
        Self::start_with(scgi_port, true).await
    }

    async fn start_with(scgi_port: u16, tls: bool) -> io::Result<Self> {
        let dir = temp_dir("tm-nginx-")?;
        let root = dir.path();
        let port = free_port(Ipv4Addr::LOCALHOST)?;
        let listen = if tls {
            self_signed_certificate(root)?;
            format!(
                "listen 127.0.0.1:{port} ssl;\n\
                 ssl_certificate {root}/cert.pem;\n\
                 ssl_certificate_key {root}/key.pem;\n",
                root = root.display()
            )
        } else {
            format!("listen 127.0.0.1:{port};\n")
        };
        let (username, password) = ("rpcuser".to_owned(), "rpc-pass".to_owned());
        // `{PLAIN}` needs no crypt tool; fine for a throw-away test proxy.
        std::fs::write(
            root.join("htpasswd"),
            format!("{username}:{{PLAIN}}{password}\n"),
        )?;
        let location = format!(
            "location /RPC2 {{\n\
               auth_basic \"rtorrent\";\n\
               auth_basic_user_file {root}/htpasswd;\n\
               scgi_param REQUEST_METHOD $request_method;\n\
               scgi_param REQUEST_URI $request_uri;\n\
               scgi_param CONTENT_TYPE $content_type;\n\
               scgi_param CONTENT_LENGTH $content_length;\n\
               scgi_pass 127.0.0.1:{scgi_port};\n\
             }}\n",
            root = root.display(),
        );
        let process = spawn_nginx(root, port, "", &format!("{listen}{location}")).await?;
        Ok(Self {
            port,
            username,
            password,
            tls,
            _process: process,
            _dir: dir,
        })
    }

    /// rTorrent over HTTP through this proxy, with its credentials.
    pub fn config(&self) -> BackendConfig {
        let tls = if self.tls { Tls::Verified } else { Tls::Off };
        on_loopback(
            "test-rtorrent-http",
            Connection::Rtorrent(RtorrentConnection::Http {
                endpoint: loopback_http(self.port, Some("/RPC2"), tls),
                login: Some(login(&self.username, &self.password)),
            }),
        )
    }
}

/// Writes `cert.pem` and `key.pem` for 127.0.0.1, valid for a day.
fn self_signed_certificate(dir: &std::path::Path) -> io::Result<()> {
    let status = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("openssl failed: {status}")))
    }
}

/// nginx serving another loopback HTTP server under a path prefix that it
/// strips, as a user's reverse proxy does (`/tm/x` → `/x`).
pub struct NginxPathProxy {
    pub port: u16,
    _process: DaemonProcess,
    _dir: tempfile::TempDir,
}

impl NginxPathProxy {
    /// Serves `http://127.0.0.1:{upstream_port}/` under `base` (e.g. `/tm`).
    pub async fn start(upstream_port: u16, base: &str) -> io::Result<Self> {
        let dir = temp_dir("tm-nginx-")?;
        let port = free_port(Ipv4Addr::LOCALHOST)?;
        let base = base.trim_end_matches('/');
        let server = format!(
            "listen 127.0.0.1:{port};\n\
             location {base}/ {{\n\
               proxy_pass http://127.0.0.1:{upstream_port}/;\n\
               proxy_buffering off;\n\
             }}\n"
        );
        let process = spawn_nginx(dir.path(), port, "", &server).await?;
        Ok(Self {
            port,
            _process: process,
            _dir: dir,
        })
    }

    /// `http://127.0.0.1:port` followed by `base`.
    pub fn url(&self, base: &str) -> String {
        format!(
            "http://127.0.0.1:{}{}",
            self.port,
            base.trim_end_matches('/')
        )
    }
}

/// nginx balancing over torrent-manager instances on loopback, configured
/// as the README's recipe for several instances (`proxy_buffering off` for
/// the event stream, keep-alive to the upstreams).
pub struct NginxBalancer {
    pub port: u16,
    _process: DaemonProcess,
    _dir: tempfile::TempDir,
}

impl NginxBalancer {
    /// Round-robin over `http://127.0.0.1:{port}` for each of `upstream_ports`.
    pub async fn start(upstream_ports: &[u16]) -> io::Result<Self> {
        let dir = temp_dir("tm-nginx-")?;
        let port = free_port(Ipv4Addr::LOCALHOST)?;
        let servers: String = upstream_ports
            .iter()
            .map(|p| format!("server 127.0.0.1:{p};\n"))
            .collect();
        let upstream = format!("upstream torrent_manager {{\n{servers}keepalive 16;\n}}\n");
        let server = format!(
            "listen 127.0.0.1:{port};\n\
             location / {{\n\
               proxy_pass http://torrent_manager;\n\
               proxy_http_version 1.1;\n\
               proxy_set_header Host $host;\n\
               proxy_set_header Connection \"\";\n\
               proxy_buffering off;\n\
               proxy_read_timeout 1h;\n\
             }}\n"
        );
        let process = spawn_nginx(dir.path(), port, &upstream, &server).await?;
        Ok(Self {
            port,
            _process: process,
            _dir: dir,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// nginx serving a folder under `/files/` with `autoindex on` and basic
/// auth, logging every request it receives.
pub struct NginxFileServer {
    pub port: u16,
    pub username: String,
    pub password: String,
    /// Where `http_path` points.
    pub path: String,
    dir: tempfile::TempDir,
    _process: DaemonProcess,
}

impl NginxFileServer {
    pub async fn start(files: &std::path::Path) -> io::Result<Self> {
        let dir = temp_dir("tm-nginx-")?;
        let root = dir.path();
        let port = free_port(Ipv4Addr::LOCALHOST)?;
        let (username, password) = ("seedbox".to_owned(), "files-pass".to_owned());
        std::fs::write(
            root.join("htpasswd"),
            format!("{username}:{{PLAIN}}{password}\n"),
        )?;
        let server = format!(
            "listen 127.0.0.1:{port};\n\
             access_log {root}/access.log;\n\
             location /files/ {{\n\
               alias {files}/;\n\
               autoindex on;\n\
               auth_basic \"seedbox\";\n\
               auth_basic_user_file {root}/htpasswd;\n\
             }}\n",
            root = root.display(),
            files = files.display(),
        );
        let process = spawn_nginx(root, port, "", &server).await?;
        Ok(Self {
            port,
            username,
            password,
            path: "/files/".to_owned(),
            dir,
            _process: process,
        })
    }

    /// The request lines nginx has received so far (`GET /files/x HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split('"').nth(1).map(str::to_owned))
            .collect()
    }
}

/// Runs nginx in `root` with `http` directives (e.g. an `upstream`) and one
/// `server` block, ready on `port`.
async fn spawn_nginx(
    root: &std::path::Path,
    port: u16,
    http: &str,
    server: &str,
) -> io::Result<DaemonProcess> {
    // One process (no master/worker split), so it runs as the caller and
    // dies entirely with one kill.
    let conf = format!(
        "master_process off;\n\
         daemon off;\n\
         pid {root}/nginx.pid;\n\
         error_log {root}/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n\
           access_log off;\n\
           client_body_temp_path {root}/tmp_body;\n\
           scgi_temp_path {root}/tmp_scgi;\n\
           proxy_temp_path {root}/tmp_proxy;\n\
           fastcgi_temp_path {root}/tmp_fastcgi;\n\
           uwsgi_temp_path {root}/tmp_uwsgi;\n\
           client_max_body_size 16m;\n\
           {http}\
           server {{\n{server}}}\n\
         }}\n",
        root = root.display(),
    );
    let conf_path = root.join("nginx.conf");
    std::fs::write(&conf_path, conf)?;
    let mut command = daemon_command("nginx");
    command
        .arg("-e")
        .arg(root.join("error.log"))
        .arg("-p")
        .arg(root)
        .arg("-c")
        .arg(&conf_path);
    let mut process = DaemonProcess::spawn("nginx", command, &root.join("stdout.log"))?;
    process
        .wait_ready(|| tcp_ready(format!("127.0.0.1:{port}")))
        .await?;
    Ok(process)
}
