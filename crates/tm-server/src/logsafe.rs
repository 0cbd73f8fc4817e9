//! User-supplied text made safe for logs: control characters (newlines that
//! would forge log lines) are escaped, and URLs lose their credentials and
//! query strings (an `rpc_path` like `/rpc?token=…` carries secrets).

/// `text` for a log line.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        // The URL starts at the scheme before `://` and ends at a delimiter.
        let start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |i| i + 1);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>' | ','))
            .map_or(rest.len(), |i| at + i);
        out.push_str(&rest[..start]);
        out.push_str(&url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    let mut escaped = String::with_capacity(out.len());
    for c in out.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    escaped
}

fn url(url: &str) -> String {
    let redacted = crate::db::redact_url(url);
    match redacted.split_once('?') {
        Some((base, _)) => format!("{base}?***"),
        None => redacted,
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn escapes_newlines_and_hides_url_secrets() {
        assert_eq!(text("box\nINFO forged"), "box\\nINFO forged");
        assert_eq!(
            text("error sending request for url (http://h:1/rpc?token=abc&x=1): refused"),
            "error sending request for url (http://h:1/rpc?***): refused"
        );
        assert_eq!(
            text("https://u:pw@h/RPC2 failed"),
            "https://u:***@h/RPC2 failed"
        );
        assert_eq!(text("naïve name"), "naïve name");
    }
}
