//! The byte-scan fast path for rTorrent's big `*.multicall*` answers.

use std::borrow::Cow;

use super::Value;

/// The fast path for the one big answer: a `<methodResponse>` whose value is
/// a list of rows of strings and integers, laid out as rTorrent writes its
/// `*.multicall*` answers. `None` for anything else (a fault, another layout,
/// other value types, comments, unknown entities, bad UTF-8…): the caller then
/// uses `decode_response`, which stays the reference for what a reply means.
///
/// A 5,000-torrent `d.multicall2` reply is 4 MB and 600,000 tags; going
/// through quick-xml events with an owned string per tag and per text took
/// twice as long as this plain byte scan, which allocates only the values.
pub fn decode_rows(body: &[u8]) -> Option<Vec<Vec<Value>>> {
    let mut scan = Scanner { body, at: 0 };
    scan.skip_space();
    if scan.rest().starts_with(b"<?xml") {
        let end = find(scan.rest(), b"?>")?;
        scan.at += end + 2;
    }
    for tag in [
        &b"<methodResponse>"[..],
        b"<params>",
        b"<param>",
        b"<value>",
        b"<array>",
        b"<data>",
    ] {
        scan.tag(tag)?;
    }
    let mut rows = Vec::new();
    let mut width = 0;
    while !scan.try_tag(b"</data>") {
        scan.tag(b"<value>")?;
        scan.tag(b"<array>")?;
        scan.tag(b"<data>")?;
        let mut row = Vec::with_capacity(width);
        while !scan.try_tag(b"</data>") {
            scan.tag(b"<value>")?;
            row.push(scan.scalar()?);
            scan.tag(b"</value>")?;
        }
        scan.tag(b"</array>")?;
        scan.tag(b"</value>")?;
        width = row.len();
        rows.push(row);
    }
    for tag in [
        &b"</array>"[..],
        b"</value>",
        b"</param>",
        b"</params>",
        b"</methodResponse>",
    ] {
        scan.tag(tag)?;
    }
    scan.skip_space();
    scan.rest().is_empty().then_some(rows)
}

struct Scanner<'a> {
    body: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a [u8] {
        &self.body[self.at..]
    }

    /// Whitespace between elements is layout.
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.body.get(self.at) {
            self.at += 1;
        }
    }

    /// Consumes `tag` (after layout) if it comes next.
    fn try_tag(&mut self, tag: &[u8]) -> bool {
        self.skip_space();
        let found = self.rest().starts_with(tag);
        if found {
            self.at += tag.len();
        }
        found
    }

    fn tag(&mut self, tag: &[u8]) -> Option<()> {
        self.try_tag(tag).then_some(())
    }

    /// Raw text up to the next `<`, then `close` right there.
    fn text_until(&mut self, close: &[u8]) -> Option<&'a [u8]> {
        let rest = self.rest();
        let end = rest.iter().position(|&b| b == b'<')?;
        if !rest[end..].starts_with(close) {
            return None;
        }
        self.at += end + close.len();
        Some(&rest[..end])
    }

    /// An integer, `<string>…</string>` or `<string/>`, as `value_body` reads them.
    fn scalar(&mut self) -> Option<Value> {
        for (open, close) in [
            (&b"<i8>"[..], &b"</i8>"[..]),
            (b"<i4>", b"</i4>"),
            (b"<int>", b"</int>"),
        ] {
            if self.try_tag(open) {
                let text = unescape(self.text_until(close)?)?;
                return text.trim().parse().ok().map(Value::Int);
            }
        }
        if self.try_tag(b"<string>") {
            let text = unescape(self.text_until(b"</string>")?)?;
            return Some(Value::String(text.into_owned()));
        }
        if self.try_tag(b"<string/>") {
            return Some(Value::String(String::new()));
        }
        None
    }
}

/// Text with its references resolved the way `Parser::next` resolves them;
/// `None` for bad UTF-8 or a reference this fast path does not take.
fn unescape(raw: &[u8]) -> Option<Cow<'_, str>> {
    let text = std::str::from_utf8(raw).ok()?;
    if !raw.contains(&b'&') {
        return Some(Cow::Borrowed(text));
    }
    let first = text.find('&')?;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let (name, after) = rest[amp + 1..].split_once(';')?;
        out.push(match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => char_ref(name)?,
        });
        rest = after;
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// `#65` or `#x41`: digits only (no sign), not NUL, a valid char.
fn char_ref(name: &str) -> Option<char> {
    let number = name.strip_prefix('#')?;
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok()?;
    char::from_u32(code).filter(|&c| c != '\0')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
