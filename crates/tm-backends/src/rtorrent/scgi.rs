//! SCGI framing: one request per connection, reply read to EOF.

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::http::MAX_REPLY_BYTES;

/// Builds the request: netstring of the headers, then the body.
pub fn frame_request(body: &[u8]) -> Vec<u8> {
    let headers = format!(
        "CONTENT_LENGTH\0{}\0SCGI\x001\0REQUEST_METHOD\0POST\0REQUEST_URI\0/RPC2\0",
        body.len()
    );
    let mut request = format!("{}:{headers},", headers.len()).into_bytes();
    request.extend_from_slice(body);
    request
}

#[derive(Debug)]
pub enum ScgiError {
    Io(std::io::Error),
    /// The egress policy refused the target, or it did not resolve.
    Egress(crate::egress::ResolveError),
    /// The reply is not a CGI response, or its status is not 200. The text
    /// is ours: it never quotes the reply, which may come from any TCP
    /// service (banner grabbing, H-2).
    BadReply(String),
    /// The reply is larger than `MAX_REPLY_BYTES`.
    TooLarge,
}

/// Sends `body` and returns the reply body with the CGI headers stripped.
pub async fn exchange<S>(stream: &mut S, body: &[u8]) -> Result<Bytes, ScgiError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    stream
        .write_all(&frame_request(body))
        .await
        .map_err(ScgiError::Io)?;
    stream.flush().await.map_err(ScgiError::Io)?;
    let mut reply = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let n = stream.read(&mut chunk).await.map_err(ScgiError::Io)?;
        if n == 0 {
            break;
        }
        // Checked before growing: an endless reply stops at the cap.
        if reply.len() + n > MAX_REPLY_BYTES {
            return Err(ScgiError::TooLarge);
        }
        reply.extend_from_slice(&chunk[..n]);
    }
    strip_cgi_headers(reply)
}

/// `Status: 200 OK\r\nContent-Type: text/xml\r\n…\r\n\r\n<body>` → `<body>`.
fn strip_cgi_headers(reply: Vec<u8>) -> Result<Bytes, ScgiError> {
    let Some(end) = find(&reply, b"\r\n\r\n") else {
        return Err(ScgiError::BadReply(
            "no CGI headers in the reply".to_owned(),
        ));
    };
    let headers = String::from_utf8_lossy(&reply[..end]).into_owned();
    let mut saw_header = false;
    for line in headers.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ScgiError::BadReply("bad CGI header line".to_owned()));
        };
        saw_header = true;
        if name.eq_ignore_ascii_case("Status") && !value.trim_start().starts_with("200") {
            // The code only: the reason text is the peer's.
            let code: String = value
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect();
            return Err(ScgiError::BadReply(format!("status {code}")));
        }
    }
    if !saw_header {
        return Err(ScgiError::BadReply("empty CGI headers".to_owned()));
    }
    // A view of the body: no copy of a multi-MB list.
    Ok(Bytes::from(reply).slice(end + 4..))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_headers_as_netstring() {
        let framed = frame_request(b"<x/>");
        let text = String::from_utf8(framed).unwrap();
        let (length, rest) = text.split_once(':').unwrap();
        let length: usize = length.parse().unwrap();
        assert!(rest[..length].starts_with("CONTENT_LENGTH\x004\0SCGI\x001\0"));
        assert_eq!(&rest[length..], ",<x/>");
    }

    #[tokio::test]
    async fn strips_headers_from_the_reply() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        let server_task = tokio::spawn(async move {
            let mut buf = vec![0; 4096];
            let n = server.read(&mut buf).await.unwrap();
            assert!(buf[..n].ends_with(b",<q/>"));
            server
                .write_all(b"Status: 200 OK\r\nContent-Type: text/xml\r\n\r\n<a/>")
                .await
                .unwrap();
        });
        let body = exchange(&mut client, b"<q/>").await.unwrap();
        assert_eq!(body, &b"<a/>"[..]);
        server_task.await.unwrap();
    }

    #[test]
    fn rejects_non_cgi_replies() {
        assert!(strip_cgi_headers(b"garbage".to_vec()).is_err());
        assert!(strip_cgi_headers(b"garbage\r\n\r\nbody".to_vec()).is_err());
        assert!(strip_cgi_headers(b"Status: 500 Oops\r\n\r\nbody".to_vec()).is_err());
    }
}
