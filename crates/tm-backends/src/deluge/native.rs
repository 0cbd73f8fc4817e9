//! Deluge's daemon RPC, spoken on deluged's own port: TLS, then frames of
//! zlib-compressed rencode.
//!
//! A frame is a 5-byte header (`!BI`: protocol version 1, body length) and
//! the body. A request is `[[id, method, [args], {kwargs}]]`. The daemon
//! answers `(1, id, result)`, or `(2, id, exception type, args, kwargs,
//! traceback)` for an error, and may send events `(3, name, data)` at any
//! time (skipped here: none is subscribed).
//!
//! One connection is kept and logged in with `daemon.login`; calls take
//! turns on it (one request in flight, its reply matched by id). A connection
//! that failed is dropped, and the next call connects and logs in again.

use std::io::{Read, Write};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Map, Value, json};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;

use super::rencode;
use crate::config::{BackendConfig, Secret};
use crate::egress::{ResolveError, TargetPolicy};
use crate::error::{BackendError, ErrorKind, Result, io_error_kind};
use crate::http::{MAX_REPLY_BYTES, decode_off_runtime, reply_too_large};

mod tls;
use tls::tls_connector;

const PROTOCOL_VERSION: u8 = 1;
/// Deluge 2 refuses a login that names no client version.
const CLIENT_VERSION: &str = "2.0.3";
const RPC_RESPONSE: i64 = 1;
const RPC_ERROR: i64 = 2;
const RPC_EVENT: i64 = 3;
/// Exceptions meaning the credentials, or the user's rights, are the problem.
const AUTH_EXCEPTIONS: &[&str] = &[
    "BadLoginError",
    "AuthenticationRequired",
    "AuthManagerError",
    "NotAuthorizedError",
];
/// The longest exception message passed on (the daemon's text).
const MAX_MESSAGE_CHARS: usize = 200;

/// A logged-in connection to deluged, shared by all calls.
pub struct DelugeNative {
    host: String,
    port: u16,
    username: String,
    password: Secret,
    egress: TargetPolicy,
    timeout: Duration,
    server: String,
    endpoint: String,
    tls: TlsConnector,
    server_name: ServerName<'static>,
    connection: Mutex<Option<Connection>>,
}

impl DelugeNative {
    /// Fails at once when `config` is not Deluge's daemon RPC, or the
    /// egress policy refuses its host.
    pub fn new(config: &BackendConfig, server: &str) -> Result<Self> {
        let error = |kind| BackendError::new(server, kind);
        let crate::Connection::Deluge(crate::DelugeConnection::Rpc { host, port, login }) =
            &config.connection
        else {
            return Err(error(ErrorKind::Invalid(format!(
                "{} over {} is not Deluge's daemon RPC",
                config.kind(),
                config.transport().as_str()
            ))));
        };
        config
            .egress
            .check_host_literal(host)
            .map_err(|refusal| error(ErrorKind::Forbidden(refusal.0)))?;
        let bare_host = host.trim_start_matches('[').trim_end_matches(']');
        let server_name = ServerName::try_from(bare_host.to_owned())
            .map_err(|_| error(ErrorKind::Invalid("not a valid host name".to_owned())))?;
        let tls = tls_connector()
            .map_err(|e| error(ErrorKind::Network(format!("TLS set-up failed: {e}"))))?;
        Ok(Self {
            host: host.clone(),
            port: *port,
            username: login.username.clone(),
            password: login.password.clone(),
            egress: config.egress,
            timeout: config.timeout,
            server: server.to_owned(),
            endpoint: config.endpoint(),
            tls,
            server_name,
            connection: Mutex::new(None),
        })
    }

    /// Calls `method` and returns its result; an exception raised by the
    /// daemon is `AuthFailed` (login, rights) or `Rejected`.
    pub async fn call(
        &self,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value> {
        let request = Request {
            method,
            args: Value::Array(args),
            kwargs: Value::Object(kwargs),
        };
        let mut connection = self.connection.lock().await;
        // The daemon restarted, or dropped the idle connection: connect and
        // log in again. Only a drop seen before sending is repaired so: one
        // during a call may come after the daemon carried the call out, and
        // repeating it would turn a done add into a "duplicate".
        if connection
            .as_mut()
            .is_some_and(|open| closed_while_idle(&mut open.stream))
        {
            *connection = None;
        }
        self.call_on(&mut connection, &request)
            .await
            .map_err(|failure| BackendError::new(&self.server, failure.into_kind()))
    }

    /// One call on the connection in `slot`, connecting first if there is
    /// none; a connection in an unknown state is dropped.
    async fn call_on(
        &self,
        slot: &mut Option<Connection>,
        request: &Request<'_>,
    ) -> Result<Value, Failure> {
        let connection = match slot {
            Some(connection) => connection,
            None => slot.insert(self.connect().await?),
        };
        let result = tokio::time::timeout(self.timeout, connection.call(request))
            .await
            .unwrap_or(Err(Failure::Broken(ErrorKind::Timeout(self.timeout))));
        if let Err(Failure::Broken(_)) = result {
            // Possibly mid-frame: the next call starts on a new connection.
            *slot = None;
        }
        result
    }

    /// Opens the TLS connection and logs in, within the timeout.
    async fn connect(&self) -> Result<Connection, Failure> {
        let connecting = async {
            // Resolved and checked on every connection (no DNS rebinding).
            let addresses = self
                .egress
                .resolve(&self.host, self.port)
                .await
                .map_err(|e| {
                    Failure::Broken(match e {
                        ResolveError::Refused(refusal) => ErrorKind::Forbidden(refusal.0),
                        ResolveError::Lookup(reason) => ErrorKind::Network(reason),
                    })
                })?;
            let tcp = TcpStream::connect(&addresses[..])
                .await
                .map_err(|e| Failure::Broken(io_error_kind(&e, &self.endpoint)))?;
            let stream = self
                .tls
                .connect(self.server_name.clone(), tcp)
                .await
                .map_err(|e| {
                    Failure::Broken(ErrorKind::Network(format!(
                        "{}: TLS handshake failed: {e}",
                        self.endpoint
                    )))
                })?;
            let mut connection = Connection {
                stream: BufReader::new(stream),
                next_id: 0,
            };
            let login = Request {
                method: "daemon.login",
                args: json!([self.username, self.password.expose()]),
                kwargs: json!({"client_version": CLIENT_VERSION}),
            };
            // The answer is the user's auth level; 0 (none) logs nobody in.
            match connection.call(&login).await? {
                Value::Number(level) if level.as_i64().is_some_and(|level| level > 0) => {
                    Ok(connection)
                }
                _ => Err(Failure::Answered(ErrorKind::AuthFailed(
                    "the daemon refused the login".to_owned(),
                ))),
            }
        };
        tokio::time::timeout(self.timeout, connecting)
            .await
            .unwrap_or(Err(Failure::Broken(ErrorKind::Timeout(self.timeout))))
    }
}

struct Request<'a> {
    method: &'a str,
    args: Value,
    kwargs: Value,
}

struct Connection {
    /// Buffered, so that `closed_while_idle` can look without consuming.
    stream: BufReader<TlsStream<TcpStream>>,
    next_id: i64,
}

impl Connection {
    async fn call(&mut self, request: &Request<'_>) -> Result<Value, Failure> {
        self.next_id += 1;
        exchange(&mut self.stream, self.next_id, request).await
    }
}

/// Why a call failed, and what that means for the connection.
#[derive(Debug)]
enum Failure {
    /// The daemon answered with an exception: the connection is fine.
    Answered(ErrorKind),
    /// Garbage, no answer in time, or the connection closed: it is dropped.
    Broken(ErrorKind),
}

impl Failure {
    fn into_kind(self) -> ErrorKind {
        match self {
            Failure::Answered(kind) | Failure::Broken(kind) => kind,
        }
    }
}

/// Whether the peer closed `stream` (or it broke) while no call was on it;
/// looks without waiting, and leaves any bytes that arrived in the buffer.
fn closed_while_idle<S: AsyncBufRead + Unpin>(stream: &mut S) -> bool {
    let mut filled = std::pin::pin!(stream.fill_buf());
    match filled
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(buffered)) => buffered.is_empty(),
        Poll::Ready(Err(_)) => true,
        Poll::Pending => false,
    }
}

/// Sends `request` with `id` and reads messages until its reply.
async fn exchange<S>(stream: &mut S, id: i64, request: &Request<'_>) -> Result<Value, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let message = json!([[id, request.method, request.args, request.kwargs]]);
    write_frame(stream, &message).await?;
    loop {
        let message = read_message(stream).await?;
        if let Some(result) = reply_for(message, id, request.method)? {
            return Ok(result);
        }
    }
}

async fn write_frame<S: AsyncWrite + Unpin>(
    stream: &mut S,
    message: &Value,
) -> Result<(), Failure> {
    let frame = frame(message).map_err(|reason| Failure::Broken(ErrorKind::Invalid(reason)))?;
    stream.write_all(&frame).await.map_err(lost)?;
    stream.flush().await.map_err(lost)
}

/// Header and compressed body of `message`.
fn frame(message: &Value) -> Result<Vec<u8>, String> {
    let body = rencode::encode(message)?;
    let mut compressor =
        flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let compressed = compressor
        .write_all(&body)
        .and_then(|()| compressor.finish())
        .map_err(|e| format!("cannot compress the request: {e}"))?;
    let len =
        u32::try_from(compressed.len()).map_err(|_| "request larger than 4 GiB".to_owned())?;
    let mut frame = Vec::with_capacity(5 + compressed.len());
    frame.push(PROTOCOL_VERSION);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(&compressed);
    Ok(frame)
}

/// Reads one frame and decodes it (off the async workers when big).
async fn read_message<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Value, Failure> {
    let mut header = [0; 5];
    stream.read_exact(&mut header).await.map_err(lost)?;
    if header[0] != PROTOCOL_VERSION {
        return Err(malformed("not a Deluge RPC frame"));
    }
    let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
    if len > MAX_REPLY_BYTES {
        return Err(Failure::Broken(reply_too_large()));
    }
    // Grows as bytes arrive: a header alone cannot reserve the maximum.
    let mut body = Vec::new();
    (&mut *stream)
        .take(len as u64)
        .read_to_end(&mut body)
        .await
        .map_err(lost)?;
    if body.len() < len {
        return Err(lost(std::io::ErrorKind::UnexpectedEof.into()));
    }
    decode_off_runtime(Bytes::from(body), |body| {
        rencode::decode(&decompress(body)?)
    })
    .await
    .map_err(Failure::Broken)?
    .map_err(|reason| malformed(&format!("not a Deluge RPC reply ({reason})")))
}

/// Inflates a frame body, refusing more than the rencode decoder takes.
fn decompress(body: &[u8]) -> Result<Vec<u8>, String> {
    let limit = rencode::MAX_BYTES;
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(body)
        .take(limit as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|_| "not zlib data".to_owned())?;
    if raw.len() > limit {
        return Err(format!("more than {} MiB inflated", limit / (1024 * 1024)));
    }
    Ok(raw)
}

/// The result in `message` if it answers request `id`; `None` for an event
/// or a late answer to an earlier request.
fn reply_for(message: Value, id: i64, method: &str) -> Result<Option<Value>, Failure> {
    let Value::Array(mut items) = message else {
        return Err(malformed("a message that is not a list"));
    };
    let kind = items.first().and_then(Value::as_i64);
    if kind == Some(RPC_EVENT) {
        return Ok(None);
    }
    if items.len() < 3 || !matches!(kind, Some(RPC_RESPONSE | RPC_ERROR)) {
        return Err(malformed("an unknown kind of message"));
    }
    if items[1].as_i64() != Some(id) {
        return Ok(None);
    }
    if kind == Some(RPC_ERROR) {
        return Err(Failure::Answered(exception(method, &items)));
    }
    Ok(Some(items.swap_remove(2)))
}

/// `(2, id, type, args, kwargs, traceback)` → an error with the type and the
/// first line of the message; never the traceback.
fn exception(method: &str, items: &[Value]) -> ErrorKind {
    let args = items.get(3);
    // Deluge 1.x sent the message itself; Deluge 2 the exception's args.
    let arg = |index: usize| match args {
        Some(Value::String(message)) if index == 0 => Some(message.as_str()),
        Some(Value::Array(args)) => args.get(index).and_then(Value::as_str),
        _ => None,
    };
    let mut name = items[2].as_str().unwrap_or("unnamed exception");
    if name == "WrappedException" {
        // Exceptions outside Deluge's own classes come wrapped:
        // args = (message, type, traceback).
        name = arg(1).unwrap_or(name);
    }
    let name: String = name.chars().take(MAX_MESSAGE_CHARS).collect();
    let message = arg(0).and_then(|text| text.lines().next()).unwrap_or("");
    let message: String = message.trim().chars().take(MAX_MESSAGE_CHARS).collect();
    let text = if message.is_empty() {
        name.clone()
    } else {
        format!("{name}: {message}")
    };
    if AUTH_EXCEPTIONS.contains(&name.as_str()) {
        ErrorKind::AuthFailed(text)
    } else {
        ErrorKind::Rejected(format!("{method}: {text}"))
    }
}

fn malformed(reason: &str) -> Failure {
    Failure::Broken(ErrorKind::Malformed(reason.to_owned()))
}

fn lost(error: std::io::Error) -> Failure {
    Failure::Broken(ErrorKind::Network(match error.kind() {
        std::io::ErrorKind::UnexpectedEof => "the daemon closed the connection".to_owned(),
        _ => format!("connection lost: {error}"),
    }))
}

#[cfg(test)]
mod tests {
    use tokio::io::{DuplexStream, duplex};

    use super::*;

    fn request(method: &str) -> Request<'_> {
        Request {
            method,
            args: json!(["a", 1]),
            kwargs: json!({"k": true}),
        }
    }

    /// Runs `exchange` (id 7) against a daemon that checks the request and
    /// then writes `reply`, byte for byte.
    async fn exchange_with(reply: Vec<u8>) -> Result<Value, Failure> {
        let (mut client, mut daemon): (DuplexStream, DuplexStream) = duplex(1 << 20);
        let daemon_side = tokio::spawn(async move {
            let request = read_message(&mut daemon).await.unwrap();
            assert_eq!(request, json!([[7, "core.test", ["a", 1], {"k": true}]]));
            daemon.write_all(&reply).await.unwrap();
            // Closing after the reply: a reader wanting more sees EOF.
        });
        let result = exchange(&mut client, 7, &request("core.test")).await;
        daemon_side.await.unwrap();
        result
    }

    fn frames(messages: &[Value]) -> Vec<u8> {
        messages.iter().flat_map(|m| frame(m).unwrap()).collect()
    }

    #[tokio::test]
    async fn events_and_late_answers_are_skipped() {
        let reply = frames(&[
            json!([3, "TorrentAddedEvent", ["abc", false]]),
            json!([1, 6, "an earlier call's answer"]),
            json!([1, 7, {"abc": {"name": "x"}}]),
        ]);
        let result = exchange_with(reply).await.unwrap();
        assert_eq!(result, json!({"abc": {"name": "x"}}));
    }

    #[tokio::test]
    async fn exceptions_give_their_type_and_message_never_the_traceback() {
        let wrapped = json!([
            2,
            7,
            "WrappedException",
            [
                "RPC call on invalid function: core.test",
                "AttributeError",
                "Traceback (most recent call last): secret"
            ],
            {},
            "Traceback (most recent call last): secret"
        ]);
        let Err(Failure::Answered(kind)) = exchange_with(frames(&[wrapped])).await else {
            panic!("not an answered failure");
        };
        assert_eq!(
            kind,
            ErrorKind::Rejected(
                "core.test: AttributeError: RPC call on invalid function: core.test".to_owned()
            )
        );

        let login = json!([
            2,
            7,
            "BadLoginError",
            ["Password does not match", "user"],
            {},
            "Traceback"
        ]);
        let Err(Failure::Answered(kind)) = exchange_with(frames(&[login])).await else {
            panic!("not an answered failure");
        };
        assert_eq!(
            kind,
            ErrorKind::AuthFailed("BadLoginError: Password does not match".to_owned())
        );
    }

    #[tokio::test]
    async fn garbage_frames_are_malformed() {
        let mut bad_version = frame(&json!([1, 7, 0])).unwrap();
        bad_version[0] = b'D';
        let mut not_zlib = vec![PROTOCOL_VERSION, 0, 0, 0, 3];
        not_zlib.extend_from_slice(b"abc");
        let mut not_rencode = frame(&json!(0)).unwrap();
        let compressed = {
            let mut compressor =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            compressor.write_all(&[45, 45]).unwrap();
            compressor.finish().unwrap()
        };
        not_rencode.truncate(1);
        not_rencode.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        not_rencode.extend_from_slice(&compressed);
        for reply in [
            bad_version,
            not_zlib,
            not_rencode,
            frames(&[json!({"not": "a list"})]),
            frames(&[json!([9, 7, 0])]),
            frames(&[json!([1])]),
        ] {
            let result = exchange_with(reply).await;
            assert!(
                matches!(result, Err(Failure::Broken(ErrorKind::Malformed(_)))),
                "{result:?}"
            );
        }
    }

    #[tokio::test]
    async fn oversized_frames_are_refused_before_reading_them() {
        let header = vec![PROTOCOL_VERSION, 0xff, 0xff, 0xff, 0xff];
        let result = exchange_with(header).await;
        assert!(
            matches!(result, Err(Failure::Broken(ErrorKind::Malformed(ref m))) if m.contains("larger")),
            "{result:?}"
        );
    }

    #[test]
    fn inflating_stops_at_the_limit() {
        let mut compressor =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0; 1 << 20];
        for _ in 0..=rencode::MAX_BYTES / zeros.len() {
            compressor.write_all(&zeros).unwrap();
        }
        let bomb = compressor.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        assert!(decompress(&bomb).unwrap_err().contains("inflated"));
    }

    #[tokio::test]
    async fn a_connection_closed_mid_reply_is_broken() {
        let mut cut = frame(&json!([1, 7, "x".repeat(100)])).unwrap();
        cut.truncate(cut.len() - 3);
        for reply in [Vec::new(), vec![PROTOCOL_VERSION, 0], cut] {
            let result = exchange_with(reply).await;
            assert!(
                matches!(result, Err(Failure::Broken(ErrorKind::Network(_)))),
                "{result:?}"
            );
        }
    }

    #[tokio::test]
    async fn an_idle_connection_closed_by_the_daemon_is_noticed() {
        let (client, mut daemon) = duplex(64);
        let mut client = BufReader::new(client);
        assert!(!closed_while_idle(&mut client));
        daemon.write_all(b"event").await.unwrap();
        assert!(!closed_while_idle(&mut client));
        drop(daemon);
        let mut kept = [0; 5];
        client.read_exact(&mut kept).await.unwrap();
        assert_eq!(&kept, b"event");
        assert!(closed_while_idle(&mut client));
    }
}
