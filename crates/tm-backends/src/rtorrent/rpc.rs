//! rTorrent XML-RPC calls over SCGI (TCP or unix socket) or HTTP.

use std::time::Duration;

use bytes::Bytes;
use tokio::net::{TcpStream, UnixStream};

use super::scgi::{self, ScgiError};
use super::xmlrpc::{self, Fault, Value};
use crate::config::BackendConfig;
use crate::connection::RtorrentConnection;
use crate::egress::{ResolveError, TargetPolicy};
use crate::error::{BackendError, ErrorKind, Result, io_error_kind};
use crate::http::{HttpAuth, HttpChannel, decode_off_runtime};

/// rTorrent's fault for an unknown info hash.
const FAULT_UNKNOWN_HASH: i64 = -501;

enum Channel {
    Scgi { host: String, port: u16 },
    ScgiUnix { path: String },
    Http(HttpChannel),
}

pub(crate) struct RtorrentRpc {
    channel: Channel,
    egress: TargetPolicy,
    server: String,
    endpoint: String,
    timeout: Duration,
}

impl RtorrentRpc {
    pub fn new(config: &BackendConfig, way: &RtorrentConnection, server: &str) -> Result<Self> {
        let forbidden = |refusal: crate::egress::Refusal| {
            BackendError::new(server, ErrorKind::Forbidden(refusal.0))
        };
        let channel = match way {
            RtorrentConnection::Scgi { host, port } => {
                config.egress.check_host_literal(host).map_err(forbidden)?;
                Channel::Scgi {
                    host: host.clone(),
                    port: *port,
                }
            }
            RtorrentConnection::ScgiUnix { path } => {
                config.egress.check_unix_socket().map_err(forbidden)?;
                Channel::ScgiUnix { path: path.clone() }
            }
            RtorrentConnection::Http { endpoint, login } => {
                let auth = login.clone().map(HttpAuth::Basic);
                Channel::Http(HttpChannel::new(config, endpoint, auth, server)?)
            }
        };
        Ok(Self {
            channel,
            egress: config.egress,
            server: server.to_owned(),
            endpoint: config.endpoint(),
            timeout: config.timeout,
        })
    }

    pub fn error(&self, kind: ErrorKind) -> BackendError {
        BackendError::new(&self.server, kind)
    }

    /// Calls `method`; a fault becomes an error (`NotFound` for an unknown hash target).
    pub async fn call(&self, method: &str, params: &[Value]) -> Result<Value> {
        self.call_raw(method, params)
            .await?
            .map_err(|fault| self.fault_error(method, params, fault))
    }

    /// Calls a method answering a list of rows (`d.multicall2`, `f.multicall`…).
    /// `None` when the answer is not such a list.
    pub async fn call_rows(
        &self,
        method: &str,
        params: &[Value],
    ) -> Result<Option<Vec<Vec<Value>>>> {
        let reply = self.exchange(method, params).await?;
        let decoded = self
            .decode_with(reply, |body| match xmlrpc::decode_rows(body) {
                Some(rows) => Ok(Ok(Some(rows))),
                None => xmlrpc::decode_response(body).map(|answer| answer.map(into_rows)),
            })
            .await?;
        decoded.map_err(|fault| self.fault_error(method, params, fault))
    }

    /// Runs several calls in one `system.multicall`; each gets its own result.
    pub async fn multicall(
        &self,
        calls: &[(&str, Vec<Value>)],
    ) -> Result<Vec<Result<Value, BackendError>>> {
        let requests = calls
            .iter()
            .map(|(method, params)| {
                Value::Struct(vec![
                    ("methodName".to_owned(), Value::from(*method)),
                    ("params".to_owned(), Value::Array(params.clone())),
                ])
            })
            .collect();
        let answer = self
            .call("system.multicall", &[Value::Array(requests)])
            .await?;
        let results = answer
            .as_array()
            .filter(|results| results.len() == calls.len())
            .ok_or_else(|| {
                self.error(ErrorKind::Malformed(
                    "system.multicall answer does not match the calls".to_owned(),
                ))
            })?;
        Ok(results
            .iter()
            .zip(calls)
            .map(|(result, (method, params))| match result {
                // Success is a one-element array; a fault is a struct.
                Value::Array(items) if items.len() == 1 => Ok(items[0].clone()),
                fault => {
                    let code = fault.member("faultCode").and_then(Value::as_i64);
                    let message = fault.member("faultString").and_then(Value::as_str);
                    match (code, message) {
                        (Some(code), Some(message)) => Err(self.fault_error(
                            method,
                            params,
                            Fault {
                                code,
                                message: message.to_owned(),
                            },
                        )),
                        _ => Err(self.error(ErrorKind::Malformed(format!(
                            "unexpected system.multicall entry for {method}"
                        )))),
                    }
                }
            })
            .collect())
    }

    /// Like `multicall`, but any failed call fails the whole batch.
    pub async fn multicall_all(&self, calls: &[(&str, Vec<Value>)]) -> Result<Vec<Value>> {
        self.multicall(calls).await?.into_iter().collect()
    }

    fn fault_error(&self, method: &str, params: &[Value], fault: Fault) -> BackendError {
        let target = params.first().and_then(Value::as_str).unwrap_or_default();
        if fault.code == FAULT_UNKNOWN_HASH && !target.is_empty() {
            // Targets look like `HASH` or `HASH:f0`.
            let hash = target.split(':').next().unwrap_or(target);
            return self.error(ErrorKind::NotFound(hash.to_ascii_lowercase()));
        }
        // A well-formed XML-RPC fault is the client's own refusal, worth
        // showing; kept short all the same.
        let message: String = fault.message.chars().take(200).collect();
        self.error(ErrorKind::Rejected(format!(
            "{method}: {message} (fault {})",
            fault.code
        )))
    }

    async fn call_raw(&self, method: &str, params: &[Value]) -> Result<Result<Value, Fault>> {
        let reply = self.exchange(method, params).await?;
        self.decode_with(reply, xmlrpc::decode_response).await
    }

    /// Sends the call; the reply body, not yet decoded.
    async fn exchange(&self, method: &str, params: &[Value]) -> Result<Bytes> {
        let body = xmlrpc::encode_call(method, params).into_bytes();
        let reply = match &self.channel {
            Channel::Http(http) => {
                let reply = http.post(body, "text/xml", None).await?;
                reply.check_status().map_err(|kind| self.error(kind))?;
                if reply.looks_like_html() {
                    return Err(self.error(ErrorKind::NotATorrentClient(
                        "got an HTML page instead of XML-RPC".to_owned(),
                    )));
                }
                reply.body
            }
            Channel::Scgi { host, port } => {
                self.with_timeout(async {
                    // Resolved and checked on every connection (no DNS rebinding).
                    let addresses = self
                        .egress
                        .resolve(host, *port)
                        .await
                        .map_err(ScgiError::Egress)?;
                    let mut stream = TcpStream::connect(&addresses[..])
                        .await
                        .map_err(ScgiError::Io)?;
                    scgi::exchange(&mut stream, &body).await
                })
                .await?
            }
            Channel::ScgiUnix { path } => {
                self.with_timeout(async {
                    let mut stream = UnixStream::connect(path).await.map_err(ScgiError::Io)?;
                    scgi::exchange(&mut stream, &body).await
                })
                .await?
            }
        };
        Ok(reply)
    }

    /// Runs `decode` on the reply, off the async workers when it is big.
    /// The decoders' reasons never quote the reply (see `xmlrpc`).
    async fn decode_with<T: Send + 'static>(
        &self,
        reply: Bytes,
        decode: impl FnOnce(&[u8]) -> Result<T, String> + Send + 'static,
    ) -> Result<T> {
        decode_off_runtime(reply, decode)
            .await
            .map_err(|kind| self.error(kind))?
            .map_err(|reason| {
                self.error(ErrorKind::Malformed(format!(
                    "not an XML-RPC response ({reason})"
                )))
            })
    }

    async fn with_timeout(
        &self,
        exchange: impl Future<Output = Result<Bytes, ScgiError>>,
    ) -> Result<Bytes> {
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => Err(self.error(ErrorKind::Timeout(self.timeout))),
            Ok(Err(ScgiError::Io(e))) => Err(self.error(io_error_kind(&e, &self.endpoint))),
            Ok(Err(ScgiError::Egress(ResolveError::Refused(reason)))) => {
                Err(self.error(ErrorKind::Forbidden(reason.0)))
            }
            Ok(Err(ScgiError::Egress(ResolveError::Lookup(reason)))) => {
                Err(self.error(ErrorKind::Network(reason)))
            }
            Ok(Err(ScgiError::BadReply(reason))) => {
                Err(self.error(ErrorKind::Malformed(format!("not an SCGI reply: {reason}"))))
            }
            Ok(Err(ScgiError::TooLarge)) => Err(self.error(crate::http::reply_too_large())),
            Ok(Ok(body)) => Ok(body),
        }
    }
}

/// A list of lists, moved out of the value.
pub fn into_rows(answer: Value) -> Option<Vec<Vec<Value>>> {
    match answer {
        Value::Array(rows) => rows
            .into_iter()
            .map(|row| match row {
                Value::Array(cells) => Some(cells),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}
