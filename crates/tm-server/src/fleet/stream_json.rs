//! The live stream's form of a torrent: the API's JSON without null fields
//! and without the original's alias fields (`bytes_done`, `directory`,
//! `is_magnet`), which the web UI never reads. A 10,000-torrent reset is
//! about a fifth smaller, and so arrives and parses sooner.
//!
//! Works on the cached serialized form (serde_json's compact output), so a
//! reset costs one pass over bytes instead of a second serialization.

use std::sync::Arc;

use super::TorrentView;

/// The first alias field; the aliases are `TorrentInfo`'s last fields.
pub const FIRST_ALIAS: &str = r#","bytes_done":"#;

/// Where the alias fields start in `json`. Inside a JSON string every `"` is
/// escaped, so the unescaped key can only be the field itself.
pub fn alias_start(json: &str) -> usize {
    json.rfind(FIRST_ALIAS)
        .unwrap_or(json.len().saturating_sub(1))
}

/// A JSON array of the views' stream forms.
pub fn stream_array<'a>(views: impl IntoIterator<Item = &'a Arc<TorrentView>>) -> String {
    let views: Vec<&Arc<TorrentView>> = views.into_iter().collect();
    // At most the stored parts, the server's fields and the braces.
    let bound = |view: &&Arc<TorrentView>| {
        let (head, _, tail) = view.json.stream_parts();
        head.len() + view.server.json_fields.len() + tail.len() + 2
    };
    let mut out = String::with_capacity(2 + views.iter().map(bound).sum::<usize>());
    out.push('[');
    for (n, view) in views.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let (head, with_server, tail) = view.json.stream_parts();
        push_without_nulls(head, &mut out);
        if with_server {
            out.push_str(&view.server.json_fields);
        }
        push_without_nulls(tail, &mut out);
        out.push('}');
    }
    out.push(']');
    out
}

/// Whether `key` is one of the fields the stream leaves out.
pub fn is_alias(key: &str) -> bool {
    matches!(key, "bytes_done" | "directory" | "is_magnet")
}

/// Copies `json` (compact serde_json output) without its `,"key":null`
/// members. Such a member is recognised only where it cannot be text inside
/// a string: its opening quote follows a `,` (so it is unescaped), the key is
/// a plain identifier (so that quote opens a string), and `null` ends at a
/// `,` or `}`. The first member (`info_hash`) is never null.
fn push_without_nulls(json: &str, out: &mut String) {
    const NULL: &str = ":null";
    let mut rest = json;
    while let Some(at) = rest.find(NULL) {
        let end = at + NULL.len();
        let member_start = null_member_start(&rest[..at])
            .filter(|_| matches!(rest.as_bytes().get(end), None | Some(b',' | b'}')));
        match member_start {
            Some(start) => out.push_str(&rest[..start]),
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
}

/// If `before` ends with `,"identifier"`, where that member starts (its `,`).
fn null_member_start(before: &str) -> Option<usize> {
    let key_and_quote = before.strip_suffix('"')?;
    let open = key_and_quote.rfind('"')?;
    let key = &key_and_quote[open + 1..];
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (plain && open > 0 && before.as_bytes()[open - 1] == b',').then(|| open - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(json: &str) -> String {
        let mut out = String::new();
        push_without_nulls(json, &mut out);
        out
    }

    #[test]
    fn null_members_go_and_everything_else_stays() {
        let json = r#"{"a":1,"b":null,"c":"x","d":null,"e":[null,"y"],"f":null}"#;
        assert_eq!(strip(json), r#"{"a":1,"c":"x","e":[null,"y"]}"#);
    }

    #[test]
    fn text_that_looks_like_a_null_member_is_kept() {
        let hostile = [
            r#"{"a":",\"b\":null,","c":null}"#,
            r#"{"a":"x\\","b":"\":null}"}"#,
            r#"{"a":"null","b":":null"}"#,
            r#"{"a":["x",":null"],"b":"y\":nullz"}"#,
        ];
        for json in hostile {
            let stripped = strip(json);
            let before: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(json).unwrap();
            let after: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&stripped).unwrap();
            let expected: serde_json::Map<String, serde_json::Value> =
                before.into_iter().filter(|(_, v)| !v.is_null()).collect();
            assert_eq!(after, expected, "{json} → {stripped}");
        }
    }

    #[test]
    fn the_aliases_are_found_even_when_a_name_mentions_them() {
        let json = r#"{"name":"\",\"bytes_done\":1","size":2,"bytes_done":2,"directory":"/d","is_magnet":false}"#;
        assert_eq!(
            &json[..alias_start(json)],
            r#"{"name":"\",\"bytes_done\":1","size":2"#
        );
    }
}
