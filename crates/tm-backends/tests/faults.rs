//! Transport failures, injected with tiny fake servers (no daemon needed):
//! nothing listening, a server that never answers, one that answers garbage,
//! other services (SSH, a web page, some JSON API), and hostile replies
//! (nesting bombs, endless bodies) that must end in a clean error with
//! bounded memory.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tm_backends::{
    BackendConfig, BackendError, ClientKind, Connection, ErrorKind, Secret, ServerSettings,
    TargetPolicy, Transport, connect,
};
use tm_testkit::free_port;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TIMEOUT: Duration = Duration::from_millis(400);

/// The flat settings the API would hold, with a user and password.
fn settings(kind: ClientKind, port: u16, transport: Transport) -> ServerSettings {
    ServerSettings {
        kind,
        transport,
        host: "127.0.0.1".to_owned(),
        port,
        username: Some("user".to_owned()),
        password: Some(Secret::new("pw")),
        rpc_path: None,
        use_ssl: false,
        accept_invalid_certs: false,
        socket_path: None,
        engine: None,
    }
}

fn backend(settings: ServerSettings) -> BackendConfig {
    BackendConfig {
        name: "fake".to_owned(),
        connection: Connection::from_settings(settings).unwrap(),
        timeout: TIMEOUT,
        egress: TargetPolicy::unrestricted(),
    }
}

fn config(kind: ClientKind, port: u16, transport: Transport) -> BackendConfig {
    backend(settings(kind, port, transport))
}

/// Every way to reach a client over TCP.
const TCP_WAYS: [(ClientKind, Transport); 4] = [
    (ClientKind::Transmission, Transport::Http),
    (ClientKind::Rtorrent, Transport::Http),
    (ClientKind::Rtorrent, Transport::Scgi),
    (ClientKind::Qbittorrent, Transport::Http),
];

fn tcp_configs(port: u16) -> [BackendConfig; 4] {
    TCP_WAYS.map(|(kind, transport)| config(kind, port, transport))
}

/// Accepts connections; `answer` gets each one once its request arrived.
async fn serve<F, Fut>(answer: F) -> u16
where
    F: Fn(TcpStream) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0; 65536];
                let _ = socket.read(&mut buf).await;
                answer(socket).await;
            });
        }
    });
    port
}

/// Each connection gets `reply` (`None`: held open and never answered).
async fn fake_server(reply: Option<&'static [u8]>) -> u16 {
    serve(move |mut socket| async move {
        match reply {
            Some(bytes) => {
                let _ = socket.write_all(bytes).await;
                let _ = socket.shutdown().await;
            }
            None => tokio::time::sleep(Duration::from_secs(60)).await,
        }
    })
    .await
}

/// Each connection gets `head`, then `piece` over and over until the client
/// hangs up: an endless reply.
async fn endless_server(head: &'static [u8], piece: &'static [u8]) -> u16 {
    serve(move |mut socket| async move {
        if socket.write_all(head).await.is_err() {
            return;
        }
        while socket.write_all(piece).await.is_ok() {}
    })
    .await
}

/// Resident memory of this process, from `/proc/self/statm` (4 KiB pages).
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let resident: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    resident * 4096
}

/// Memory tests run one at a time: RSS is per process.
static MEMORY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Probes and lists with `config`; each must fail. Returns the errors and the
/// peak RSS growth (sampled every 2 ms) over the calls.
async fn fail_with_peak_rss(config: &BackendConfig) -> (Vec<BackendError>, u64) {
    let _serial = MEMORY.lock().await;
    let before = rss_bytes();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_bytes(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let client = connect(config).unwrap();
    let errors = vec![
        client.probe().await.unwrap_err(),
        client.list().await.unwrap_err(),
    ];
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    (errors, peak.load(Ordering::Relaxed).saturating_sub(before))
}

const MIB: u64 = 1024 * 1024;

#[tokio::test]
async fn nothing_listening_is_refused() {
    let port = free_port(Ipv4Addr::LOCALHOST).unwrap();
    let unix = backend(ServerSettings {
        socket_path: Some("/nonexistent/rtorrent.sock".to_owned()),
        ..settings(ClientKind::Rtorrent, 0, Transport::ScgiUnix)
    });
    for config in tcp_configs(port).into_iter().chain([unix]) {
        let err = connect(&config).unwrap().probe().await.unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Refused(_)), "{err}");
        assert!(err.to_string().starts_with("fake ("), "{err}");
    }
}

#[tokio::test]
async fn silent_server_times_out_within_the_configured_timeout() {
    let port = fake_server(None).await;
    for config in tcp_configs(port) {
        let started = Instant::now();
        let err = connect(&config).unwrap().list().await.unwrap_err();
        let elapsed = started.elapsed();
        assert_eq!(err.kind, ErrorKind::Timeout(TIMEOUT), "{err}");
        assert!(
            elapsed >= TIMEOUT && elapsed < TIMEOUT + Duration::from_secs(2),
            "{elapsed:?}"
        );
    }
}

#[tokio::test]
async fn garbage_is_malformed() {
    let port = fake_server(Some(b"HELLO GARBAGE\r\n\r\n\x00\x01\x02")).await;
    for config in tcp_configs(port) {
        let err = connect(&config).unwrap().probe().await.unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Malformed(_)), "{err}");
    }
}

#[tokio::test]
async fn http_ok_with_a_garbage_body_is_malformed() {
    let port = fake_server(Some(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{{{<<<???",
    ))
    .await;
    for config in &tcp_configs(port)[..2] {
        let err = connect(config).unwrap().probe().await.unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Malformed(_)), "{err}");
    }
}

#[tokio::test]
async fn scgi_reply_with_a_server_error_status_is_malformed() {
    let port = fake_server(Some(
        b"Status: 500 Internal\r\nContent-Type: text/xml\r\n\r\n",
    ))
    .await;
    let config = config(ClientKind::Rtorrent, port, Transport::Scgi);
    let err = connect(&config).unwrap().probe().await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Malformed(m) if m.contains("500")),
        "{err}"
    );
}

#[test]
fn transmission_over_scgi_cannot_be_configured() {
    let err = Connection::from_settings(settings(ClientKind::Transmission, 1, Transport::Scgi))
        .expect_err("must fail");
    assert_eq!(err.to_string(), "Transmission is not reached over scgi");
}

/// Bytes of other services that must never come back in an error (H-2).
const FOREIGN: [&str; 6] = [
    "SSH-2.0",
    "OpenSSH",
    "Secret page",
    "internal-token",
    "db-password",
    "Apache",
];

fn assert_no_foreign_bytes(err: &BackendError) {
    let text = format!("{err} {err:?}");
    for foreign in FOREIGN {
        assert!(!text.contains(foreign), "{text:?} quotes {foreign:?}");
    }
}

#[tokio::test]
async fn other_services_answers_are_never_echoed() {
    let replies: [&'static [u8]; 7] = [
        b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n\
          <!doctype html><title>Secret page</title><p>db-password=hunter2",
        b"HTTP/1.1 404 Not Found\r\nServer: Apache\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n\
          Secret page not found",
        b"HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\nSecret page",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n\
          {\"status\":\"ok\",\"token\":\"internal-token-42\"}",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n\
          {\"result\":\"internal-token-42\"}",
        b"Status: 302 Secret page\r\nLocation: internal-token\r\n\r\n",
    ];
    for reply in replies {
        let port = fake_server(Some(reply)).await;
        for config in tcp_configs(port) {
            let err = connect(&config).unwrap().probe().await.unwrap_err();
            assert_no_foreign_bytes(&err);
        }
    }
}

/// An IPv4 shorthand is the address the URL parser dials (`127.1` is
/// 127.0.0.1): the egress policy must see that address, not a "name".
#[tokio::test]
async fn ipv4_shorthands_do_not_slip_past_the_egress_policy() {
    let port = fake_server(Some(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")).await;
    for host in ["127.1", "2130706433", "0x7f.1"] {
        for (kind, transport) in TCP_WAYS {
            let mut config = backend(ServerSettings {
                host: host.to_owned(),
                ..settings(kind, port, transport)
            });
            config.egress = TargetPolicy::public_only();
            let refused = match connect(&config) {
                Err(err) => err,
                Ok(client) => client.probe().await.unwrap_err(),
            };
            assert!(
                matches!(refused.kind, ErrorKind::Forbidden(_)),
                "{host}: {refused}"
            );
        }
    }
}

/// `<methodResponse>` around 10⁵ nested arrays (H-4), ~2 MB.
fn nested_xml(cgi_head: &str) -> &'static [u8] {
    let mut reply = cgi_head.as_bytes().to_vec();
    reply.extend(b"<?xml version=\"1.0\"?><methodResponse><params><param><value>");
    reply.extend(b"<array><data><value>".repeat(100_000));
    reply.extend(b"<i8>1</i8>");
    reply.extend(b"</value></data></array>".repeat(100_000));
    reply.extend(b"</value></param></params></methodResponse>");
    Box::leak(reply.into_boxed_slice())
}

#[tokio::test]
async fn deeply_nested_xml_is_malformed_over_scgi_and_http() {
    let scgi = fake_server(Some(nested_xml("Status: 200 OK\r\n\r\n"))).await;
    let http_body = nested_xml("");
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        http_body.len()
    );
    let http = fake_server(Some(Box::leak(
        [head.as_bytes(), http_body].concat().into_boxed_slice(),
    )))
    .await;
    for config in [
        config(ClientKind::Rtorrent, scgi, Transport::Scgi),
        config(ClientKind::Rtorrent, http, Transport::Http),
    ] {
        let (errors, growth) = fail_with_peak_rss(&config).await;
        for err in errors {
            assert!(
                matches!(&err.kind, ErrorKind::Malformed(m) if m.contains("nested deeper")),
                "{err}"
            );
        }
        assert!(growth < 200 * MIB, "RSS grew by {} MiB", growth / MIB);
    }
}

/// Long enough for 64 MiB to arrive: the cap, not the clock, ends the reply.
fn patient(mut config: BackendConfig) -> BackendConfig {
    config.timeout = Duration::from_secs(20);
    config
}

fn assert_reply_too_large(errors: &[BackendError]) {
    for err in errors {
        assert!(
            matches!(&err.kind, ErrorKind::Malformed(m) if m.contains("reply larger than 64 MiB")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn endless_replies_stop_at_the_cap() {
    const CHUNK: &[u8] = &[b'a'; 65536];
    let scgi = endless_server(b"Status: 200 OK\r\nContent-Type: text/xml\r\n\r\n", CHUNK).await;
    let chunked = Box::leak(
        [&b"10000\r\n"[..], CHUNK, b"\r\n"]
            .concat()
            .into_boxed_slice(),
    );
    let http = endless_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunked,
    )
    .await;
    for config in [
        patient(config(ClientKind::Rtorrent, scgi, Transport::Scgi)),
        patient(config(ClientKind::Rtorrent, http, Transport::Http)),
        patient(config(ClientKind::Transmission, http, Transport::Http)),
        patient(config(ClientKind::Qbittorrent, http, Transport::Http)),
    ] {
        let started = Instant::now();
        let (errors, growth) = fail_with_peak_rss(&config).await;
        assert_reply_too_large(&errors);
        assert!(
            started.elapsed() < config.timeout,
            "{:?}",
            started.elapsed()
        );
        assert!(growth < 200 * MIB, "RSS grew by {} MiB", growth / MIB);
    }
}

#[tokio::test]
async fn gzip_bomb_on_loopback_is_not_inflated() {
    // Loopback connections do not ask for gzip, so a compressed body stays
    // compressed and is refused as it is (the inflating path is tested in
    // `http.rs`, where compression can be forced on).
    let member = gzip_of_zeros(MIB as usize);
    let chunk = format!("{:x}\r\n", member.len()).into_bytes();
    let piece = Box::leak([&chunk[..], &member, b"\r\n"].concat().into_boxed_slice());
    let port = endless_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\
          Transfer-Encoding: chunked\r\n\r\n",
        piece,
    )
    .await;
    for config in [
        config(ClientKind::Transmission, port, Transport::Http),
        config(ClientKind::Rtorrent, port, Transport::Http),
    ] {
        let (errors, growth) = fail_with_peak_rss(&patient(config)).await;
        assert_reply_too_large(&errors);
        assert!(growth < 200 * MIB, "RSS grew by {} MiB", growth / MIB);
    }
}

/// One gzip member holding `len` zero bytes (~1 KB per MiB).
fn gzip_of_zeros(len: usize) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0; len]).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn random_garbage_is_a_clean_error() {
    // Deterministic noise: a xorshift over a fixed seed.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let port = fake_server(Some(Box::leak(noise.into_boxed_slice()))).await;
    for config in tcp_configs(port) {
        let err = connect(&config).unwrap().probe().await.unwrap_err();
        assert!(
            matches!(err.kind, ErrorKind::Malformed(_) | ErrorKind::Network(_)),
            "{err}"
        );
    }
}
