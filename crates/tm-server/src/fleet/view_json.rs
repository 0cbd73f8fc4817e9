//! A torrent's API JSON as a snapshot keeps it: without its server's fields
//! (`server_id`, `server_name`, `server_type`), which every torrent of that
//! server shares ([`ServerIdentity::json_fields`]) and which go back in as
//! the JSON is written out: about 100 bytes less per torrent, 0.5 MB with
//! 5,000 (measured with heaptrack, `tm-bench --memory`).
//!
//! Keys are found by their quotes: inside a JSON string every `"` is
//! escaped, so `,"server_id":` can only be the field itself.

use serde::Serialize;
use tm_api_types::ServerType;

use super::stream_json;

/// Where the server's fields start: they follow `name`.
const SERVER_FIELDS: &str = r#","server_id":"#;

/// The server's fields as `TorrentInfo` serializes them, with the comma
/// that follows them.
pub fn server_fields(id: &str, name: &str, server_type: ServerType) -> Box<str> {
    #[derive(Serialize)]
    struct Fields<'a> {
        server_id: &'a str,
        server_name: &'a str,
        server_type: ServerType,
    }
    let object = serde_json::to_string(&Fields {
        server_id: id,
        server_name: name,
        server_type,
    })
    .unwrap_or_default();
    let members = object
        .strip_prefix('{')
        .and_then(|o| o.strip_suffix('}'))
        .unwrap_or_default();
    format!("{members},").into_boxed_str()
}

#[derive(Debug)]
pub struct ViewJson {
    /// The JSON, without the server's fields where `server_at` is set.
    text: Box<str>,
    /// Where the server's fields go back.
    server_at: Option<usize>,
    /// Where the alias fields start in `text` (see `stream_json`).
    alias_at: usize,
}

impl ViewJson {
    /// `json` is a torrent's full API JSON, holding `server_fields`.
    pub fn new(json: String, server_fields: &str) -> Self {
        let server_at = json
            .find(SERVER_FIELDS)
            .map(|comma| comma + 1)
            .filter(|&at| json[at..].starts_with(server_fields));
        let text = match server_at {
            Some(at) => [&json[..at], &json[at + server_fields.len()..]].concat(),
            None => json,
        };
        Self {
            alias_at: stream_json::alias_start(&text),
            text: text.into_boxed_str(),
            server_at,
        }
    }

    pub fn len(&self, server_fields: &str) -> usize {
        self.text.len() + self.server_at.map_or(0, |_| server_fields.len())
    }

    /// Appends the full JSON.
    pub fn write(&self, server_fields: &str, out: &mut String) {
        let (head, tail) = self.parts(self.text.len());
        out.push_str(head);
        if self.server_at.is_some() {
            out.push_str(server_fields);
        }
        out.push_str(tail);
    }

    /// The JSON before the server's fields and after them up to the alias
    /// fields (the stream's form, see `stream_json`).
    pub fn stream_parts(&self) -> (&str, bool, &str) {
        let (head, tail) = self.parts(self.alias_at);
        (head, self.server_at.is_some(), tail)
    }

    /// `text[..end]`, split where the server's fields go.
    fn parts(&self, end: usize) -> (&str, &str) {
        let at = self.server_at.unwrap_or(0).min(end);
        (&self.text[..at], &self.text[at..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_fields_come_out_and_go_back() {
        let fields = server_fields("s-1", "box \"one\"", ServerType::Transmission);
        let json = format!(
            r#"{{"info_hash":"a","name":"\",\"server_id\":",{fields}"state":"seeding","bytes_done":1,"directory":"/d","is_magnet":false}}"#
        );
        let kept = ViewJson::new(json.clone(), &fields);
        assert_eq!(
            &*kept.text,
            r#"{"info_hash":"a","name":"\",\"server_id\":","state":"seeding","bytes_done":1,"directory":"/d","is_magnet":false}"#
        );
        let mut out = String::new();
        kept.write(&fields, &mut out);
        assert_eq!(out, json);
        assert_eq!(kept.len(&fields), json.len());
        let (head, server, tail) = kept.stream_parts();
        assert!(server);
        assert_eq!(
            format!("{head}{fields}{tail}}}"),
            json.replace(r#","bytes_done":1,"directory":"/d","is_magnet":false"#, "")
        );
    }

    #[test]
    fn json_without_the_fields_is_kept_whole() {
        let json = r#"{"info_hash":"a","state":"seeding"}"#.to_owned();
        let kept = ViewJson::new(json.clone(), r#""server_id":"x","#);
        let mut out = String::new();
        kept.write(r#""server_id":"x","#, &mut out);
        assert_eq!(out, json);
        assert!(!kept.stream_parts().1);
    }
}
