//! The daemons' own list calls, made directly: the same request bodies the
//! adapters send, over the same transports, timed to the last byte of the
//! reply and not parsed.

use std::io;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use tm_backends::list_request::{RTORRENT_COMMANDS, TRANSMISSION_FIELDS};

/// One timed call: wall time and reply size.
#[derive(Debug, Clone, Copy)]
pub struct Timed {
    pub elapsed: Duration,
    pub bytes: usize,
}

// ---------------------------------------------------------------- Transmission

const SESSION_HEADER: &str = "X-Transmission-Session-Id";

/// How the direct Transmission call talks HTTP.
#[derive(Debug, Clone, Copy)]
pub enum HttpMode {
    /// Keep-alive, no `Accept-Encoding` (what curl or Python's http.client send).
    Identity,
    /// Keep-alive with `Accept-Encoding: gzip`, decompressed: what the adapter
    /// does for remote or TLS servers (on loopback it asks for no compression).
    Gzip,
    /// No `Accept-Encoding`, a new TCP connection per call.
    IdentityFreshConnection,
}

/// `torrent-get` over one HTTP client, with the session id
/// fetched once beforehand.
pub struct TransmissionRaw {
    client: reqwest::Client,
    url: String,
    username: String,
    password: String,
    session_id: String,
    /// Exactly the adapter's request body.
    body: Vec<u8>,
}

impl TransmissionRaw {
    pub async fn new(
        url: String,
        username: String,
        password: String,
        mode: HttpMode,
    ) -> reqwest::Result<Self> {
        let client = match mode {
            HttpMode::Identity => reqwest::Client::builder().no_gzip(),
            HttpMode::Gzip => reqwest::Client::builder(),
            HttpMode::IdentityFreshConnection => reqwest::Client::builder()
                .no_gzip()
                .pool_max_idle_per_host(0),
        }
        .build()?;
        // Built like `TransmissionRpc::call` builds it (same serde_json map order).
        let body = serde_json::to_vec(&json!({
            "method": "torrent-get",
            "arguments": { "fields": TRANSMISSION_FIELDS, "format": "table" },
        }))
        .expect("serialisable");
        let handshake = client
            .post(&url)
            .basic_auth(&username, Some(&password))
            .body("{\"method\":\"session-get\"}")
            .send()
            .await?;
        let session_id = handshake
            .headers()
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(Self {
            client,
            url,
            username,
            password,
            session_id,
            body,
        })
    }

    fn request(&self, body: Vec<u8>) -> reqwest::RequestBuilder {
        self.client
            .post(&self.url)
            .basic_auth(&self.username, Some(&self.password))
            .header(SESSION_HEADER, &self.session_id)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
    }

    /// The list call, to the last byte of the (decompressed) body.
    pub async fn list(&self) -> reqwest::Result<(Timed, bytes::Bytes)> {
        let start = Instant::now();
        let reply = self.request(self.body.clone()).send().await?;
        let status = reply.status();
        let body = reply.bytes().await?;
        let elapsed = start.elapsed();
        assert!(status.is_success(), "torrent-get: HTTP {status}");
        Ok((
            Timed {
                elapsed,
                bytes: body.len(),
            },
            body,
        ))
    }

    /// Asks for gzip on a client that does not decode it: the bytes on the
    /// wire and whether the daemon compressed at all.
    pub async fn wire_size_with_gzip(&self) -> reqwest::Result<(usize, Option<String>)> {
        let reply = self
            .request(self.body.clone())
            .header(reqwest::header::ACCEPT_ENCODING, "gzip")
            .send()
            .await?;
        let encoding = reply
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok((reply.bytes().await?.len(), encoding))
    }
}

/// The minimal parse a list needs to be usable: the JSON document into a
/// `Value` (the adapter's first step).
pub fn parse_transmission(body: &[u8]) -> usize {
    let value: Value = serde_json::from_slice(body).expect("JSON");
    value["arguments"]["torrents"]
        .as_array()
        .map_or(0, |rows| rows.len().saturating_sub(1))
}

// --------------------------------------------------------------------- rTorrent

/// The `d.multicall2` call of the rTorrent adapter's `list()`, byte for byte
/// what its `xmlrpc::encode_call` writes.
pub fn rtorrent_list_body() -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><methodCall><methodName>d.multicall2</methodName><params>\
         <param><value><string></string></value></param>\
         <param><value><string>main</string></value></param>",
    );
    for field in RTORRENT_COMMANDS {
        xml.push_str("<param><value><string>");
        xml.push_str(field);
        xml.push_str("</string></value></param>");
    }
    xml.push_str("</params></methodCall>");
    xml.into_bytes()
}

/// `system.multicall` of `load.raw "" <base64>` for each torrent (added, not started).
pub fn rtorrent_load_body(torrents: &[Vec<u8>]) -> Vec<u8> {
    use data_encoding::BASE64;
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><methodCall><methodName>system.multicall</methodName>\
         <params><param><value><array><data>",
    );
    for torrent in torrents {
        xml.push_str(
            "<value><struct><member><name>methodName</name><value><string>load.raw</string>\
             </value></member><member><name>params</name><value><array><data>\
             <value><string></string></value><value><base64>",
        );
        xml.push_str(&BASE64.encode(torrent));
        xml.push_str("</base64></value></data></array></value></member></struct></value>");
    }
    xml.push_str("</data></array></value></param></params></methodCall>");
    xml.into_bytes()
}

/// A call without the target argument, e.g. `view.size "" main`.
pub fn rtorrent_call_body(method: &str, params: &[&str]) -> Vec<u8> {
    let mut xml =
        format!("<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params>");
    for param in params {
        xml.push_str("<param><value><string>");
        xml.push_str(param);
        xml.push_str("</string></value></param>");
    }
    xml.push_str("</params></methodCall>");
    xml.into_bytes()
}

/// One SCGI exchange, framed as the adapter frames it (a new TCP connection
/// per call, as rTorrent requires); returns the whole reply, CGI headers included.
pub async fn scgi(address: &str, body: &[u8]) -> io::Result<(Timed, Vec<u8>)> {
    let headers = format!(
        "CONTENT_LENGTH\0{}\0SCGI\x001\0REQUEST_METHOD\0POST\0REQUEST_URI\0/RPC2\0",
        body.len()
    );
    let mut request = format!("{}:{headers},", headers.len()).into_bytes();
    request.extend_from_slice(body);
    let start = Instant::now();
    let mut stream = TcpStream::connect(address).await?;
    stream.write_all(&request).await?;
    stream.flush().await?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await?;
    let elapsed = start.elapsed();
    Ok((
        Timed {
            elapsed,
            bytes: reply.len(),
        },
        reply,
    ))
}

/// The first integer in an XML-RPC reply (`<i8>`, `<i4>` or `<int>`).
pub fn first_int(reply: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(reply).ok()?;
    ["<i8>", "<i4>", "<int>"].iter().find_map(|tag| {
        let start = text.find(tag)? + tag.len();
        let end = start + text[start..].find('<')?;
        text[start..end].trim().parse().ok()
    })
}

/// A minimal parse of the `d.multicall2` reply: rows of borrowed values
/// (what any XML-RPC client must at least do), with quick-xml as the adapter
/// uses it. Returns (rows, values).
pub fn parse_rtorrent(reply: &[u8]) -> (usize, usize) {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    let body = match reply.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => &reply[end + 4..],
        None => reply,
    };
    let mut reader = Reader::from_reader(body);
    let mut rows: Vec<Vec<std::borrow::Cow<'_, str>>> = Vec::new();
    let mut row = Vec::new();
    let mut depth = 0usize;
    let mut in_scalar = false;
    let mut text: Option<std::borrow::Cow<'_, str>> = None;
    loop {
        match reader.read_event().expect("XML") {
            Event::Start(s) => match s.name().as_ref() {
                b"array" => depth += 1,
                b"string" | b"i8" | b"i4" | b"int" => {
                    in_scalar = true;
                    text = None;
                }
                _ => {}
            },
            Event::Text(t) if in_scalar => {
                let decoded = t.decode().expect("UTF-8");
                text = Some(match text.take() {
                    None => decoded,
                    Some(before) => (before.into_owned() + &decoded).into(),
                });
            }
            Event::GeneralRef(r) if in_scalar => {
                let piece = format!("&{};", String::from_utf8_lossy(&r));
                text = Some(match text.take() {
                    None => piece.into(),
                    Some(before) => (before.into_owned() + &piece).into(),
                });
            }
            Event::End(e) => match e.name().as_ref() {
                b"array" => {
                    if depth == 2 {
                        rows.push(std::mem::take(&mut row));
                    }
                    depth -= 1;
                }
                b"string" | b"i8" | b"i4" | b"int" => {
                    in_scalar = false;
                    row.push(text.take().unwrap_or_default());
                }
                _ => {}
            },
            Event::Empty(e) if e.name().as_ref() == b"string" => row.push("".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    let values = rows.iter().map(Vec::len).sum();
    (rows.len(), values)
}
