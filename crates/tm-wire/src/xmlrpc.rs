//! A small XML-RPC codec: encodes method calls, decodes method responses.
//! Accepts `i4`, `int` and rTorrent's `i8` integers.

use std::fmt::Write as _;

use data_encoding::BASE64;
use quick_xml::Reader;
use quick_xml::events::Event;

mod rows;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    String(String),
    Double(f64),
    Base64(Vec<u8>),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
    Nil,
}

impl Value {
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn member(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

/// An XML-RPC fault answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub code: i64,
    pub message: String,
}

/// Serialises a `<methodCall>`.
pub fn encode_call(method: &str, params: &[Value]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\"?><methodCall><methodName>");
    escape_into(&mut xml, method);
    xml.push_str("</methodName><params>");
    for param in params {
        xml.push_str("<param>");
        encode_value(&mut xml, param);
        xml.push_str("</param>");
    }
    xml.push_str("</params></methodCall>");
    xml
}

fn encode_value(xml: &mut String, value: &Value) {
    xml.push_str("<value>");
    match value {
        Value::Int(i) => {
            // rTorrent accepts i8 for everything; plain `int` is 32-bit only.
            let _ = write!(xml, "<i8>{i}</i8>");
        }
        Value::Bool(b) => {
            let _ = write!(xml, "<boolean>{}</boolean>", u8::from(*b));
        }
        Value::String(s) => {
            xml.push_str("<string>");
            escape_into(xml, s);
            xml.push_str("</string>");
        }
        Value::Double(d) => {
            let _ = write!(xml, "<double>{d}</double>");
        }
        Value::Base64(bytes) => {
            xml.push_str("<base64>");
            xml.push_str(&BASE64.encode(bytes));
            xml.push_str("</base64>");
        }
        Value::Array(items) => {
            xml.push_str("<array><data>");
            for item in items {
                encode_value(xml, item);
            }
            xml.push_str("</data></array>");
        }
        Value::Struct(members) => {
            xml.push_str("<struct>");
            for (name, member) in members {
                xml.push_str("<member><name>");
                escape_into(xml, name);
                xml.push_str("</name>");
                encode_value(xml, member);
                xml.push_str("</member>");
            }
            xml.push_str("</struct>");
        }
        Value::Nil => xml.push_str("<nil/>"),
    }
    xml.push_str("</value>");
}

fn escape_into(xml: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '&' => xml.push_str("&amp;"),
            _ => xml.push(c),
        }
    }
}

/// Values nested deeper than this are refused: the decoder recurses once per
/// level, and a hostile reply of 10⁵ nested arrays would overflow the stack.
/// rTorrent's own answers nest at most 3 deep (multicall rows of lists).
pub const MAX_DEPTH: usize = 64;

/// Parses a `<methodResponse>`: the single result value, or the fault.
/// The error string says why the document is not a valid response; it never
/// quotes the document, which may come from any service (see `describe`).
pub fn decode_response(body: &[u8]) -> Result<Result<Value, Fault>, String> {
    let mut parser = Parser::new(body);
    parser.expect_open("methodResponse")?;
    match parser.next_tag()? {
        Tag::Open(name) if name == "params" => {
            parser.expect_open("param")?;
            parser.expect_open("value")?;
            let value = parser.value_body(0)?;
            parser.expect_close("param")?;
            parser.expect_close("params")?;
            Ok(Ok(value))
        }
        Tag::Open(name) if name == "fault" => {
            parser.expect_open("value")?;
            let fault = parser.value_body(0)?;
            let code = fault.member("faultCode").and_then(Value::as_i64);
            let message = fault.member("faultString").and_then(Value::as_str);
            match (code, message) {
                (Some(code), Some(message)) => Ok(Err(Fault {
                    code,
                    message: message.to_owned(),
                })),
                _ => Err("fault without faultCode/faultString".to_owned()),
            }
        }
        other => Err(format!(
            "expected <params> or <fault>, found {}",
            describe(&other)
        )),
    }
}

pub use rows::decode_rows;

#[derive(Debug, PartialEq)]
enum Tag {
    Open(String),
    /// `<x/>`
    Empty(String),
    Close(String),
    Text(String),
    End,
}

/// What kind of token `tag` is, without its name or text: errors must not
/// carry bytes of a foreign service's answer back to the user (banner grabbing).
fn describe(tag: &Tag) -> &'static str {
    match tag {
        Tag::Open(_) => "another element",
        Tag::Empty(_) => "another empty element",
        Tag::Close(_) => "another closing tag",
        Tag::Text(_) => "text",
        Tag::End => "the end of the document",
    }
}

/// Turns quick-xml events into tags and merged text runs, skipping
/// declarations and comments. Whitespace is kept: it is only insignificant
/// between elements, which `next_tag` and `value_body` decide.
///
/// Entities: only the five predefined ones and character references are
/// resolved here; quick-xml expands nothing itself and a DOCTYPE is skipped,
/// so there is no entity expansion to bomb.
struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    peeked: Option<Tag>,
}

impl<'a> Parser<'a> {
    fn new(body: &'a [u8]) -> Self {
        Self {
            reader: Reader::from_reader(body),
            peeked: None,
        }
    }

    fn malformed(&self) -> String {
        format!(
            "not well-formed XML near byte {}",
            self.reader.buffer_position()
        )
    }

    /// Next tag or text run; text pieces split by entity references are joined.
    fn next(&mut self) -> Result<Tag, String> {
        if let Some(tag) = self.peeked.take() {
            return Ok(tag);
        }
        let mut text = String::new();
        loop {
            let event = self.reader.read_event().map_err(|_| self.malformed())?;
            let tag = match event {
                Event::Text(t) => {
                    text.push_str(&t.decode().map_err(|_| self.malformed())?);
                    continue;
                }
                Event::CData(c) => {
                    text.push_str(&String::from_utf8_lossy(&c));
                    continue;
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref().map_err(|_| self.malformed())? {
                        Some(c) => c,
                        None => match r.as_ref() {
                            b"amp" => '&',
                            b"lt" => '<',
                            b"gt" => '>',
                            b"quot" => '"',
                            b"apos" => '\'',
                            _ => return Err("unknown entity".to_owned()),
                        },
                    };
                    text.push(resolved);
                    continue;
                }
                Event::Start(s) => Tag::Open(name_of(s.name().as_ref())),
                Event::Empty(s) => Tag::Empty(name_of(s.name().as_ref())),
                Event::End(e) => Tag::Close(name_of(e.name().as_ref())),
                Event::Eof => Tag::End,
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => continue,
            };
            if text.is_empty() {
                return Ok(tag);
            }
            self.peeked = Some(tag);
            return Ok(Tag::Text(std::mem::take(&mut text)));
        }
    }

    /// The next tag, skipping whitespace between elements.
    fn next_tag(&mut self) -> Result<Tag, String> {
        loop {
            match self.next()? {
                Tag::Text(t) if t.trim().is_empty() => continue,
                Tag::Text(_) => return Err("unexpected text between elements".to_owned()),
                tag => return Ok(tag),
            }
        }
    }

    fn expect_open(&mut self, name: &str) -> Result<(), String> {
        match self.next_tag()? {
            Tag::Open(n) if n == name => Ok(()),
            other => Err(format!("expected <{name}>, found {}", describe(&other))),
        }
    }

    fn expect_close(&mut self, name: &str) -> Result<(), String> {
        match self.next_tag()? {
            Tag::Close(n) if n == name => Ok(()),
            other => Err(format!("expected </{name}>, found {}", describe(&other))),
        }
    }

    /// Text up to the closing tag `name` (empty when there is none).
    fn text_until_close(&mut self, name: &str) -> Result<String, String> {
        match self.next()? {
            Tag::Text(t) => {
                self.expect_close(name)?;
                Ok(t)
            }
            Tag::Close(n) if n == name => Ok(String::new()),
            other => Err(format!(
                "expected text in <{name}>, found {}",
                describe(&other)
            )),
        }
    }

    /// Parses what follows an already consumed `<value>`, through `</value>`;
    /// `depth` counts the arrays and structs around it.
    fn value_body(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("values nested deeper than {MAX_DEPTH} levels"));
        }
        let mut first = self.next()?;
        if let Tag::Text(text) = first {
            // `<value>text</value>` is an implicit string (even if only
            // whitespace); whitespace before a type element is layout.
            match self.next_tag()? {
                Tag::Close(n) if n == "value" => return Ok(Value::String(text)),
                tag if text.trim().is_empty() => first = tag,
                other => {
                    return Err(format!(
                        "expected </value> after text, found {}",
                        describe(&other)
                    ));
                }
            }
        }
        let value = match first {
            Tag::Close(n) if n == "value" => return Ok(Value::String(String::new())),
            Tag::Empty(n) => match n.as_str() {
                "nil" => Value::Nil,
                "string" => Value::String(String::new()),
                "array" => Value::Array(Vec::new()),
                "struct" => Value::Struct(Vec::new()),
                _ => return Err("unexpected empty element in <value>".to_owned()),
            },
            Tag::Open(n) => match n.as_str() {
                "i4" | "i8" | "int" => {
                    let text = self.text_until_close(&n)?;
                    Value::Int(text.trim().parse().map_err(|_| "bad integer")?)
                }
                "boolean" => {
                    let text = self.text_until_close(&n)?;
                    match text.trim() {
                        "1" => Value::Bool(true),
                        "0" => Value::Bool(false),
                        _ => return Err("bad boolean".to_owned()),
                    }
                }
                "string" => Value::String(self.text_until_close(&n)?),
                "double" => {
                    let text = self.text_until_close(&n)?;
                    Value::Double(text.trim().parse().map_err(|_| "bad double")?)
                }
                "base64" => {
                    let text = self.text_until_close(&n)?;
                    let compact: String = text.split_whitespace().collect();
                    Value::Base64(
                        BASE64
                            .decode(compact.as_bytes())
                            .map_err(|_| "bad base64")?,
                    )
                }
                "nil" => {
                    self.expect_close("nil")?;
                    Value::Nil
                }
                "array" => self.array_body(depth + 1)?,
                "struct" => self.struct_body(depth + 1)?,
                _ => return Err("unknown value type".to_owned()),
            },
            other => return Err(format!("expected a value, found {}", describe(&other))),
        };
        self.expect_close("value")?;
        Ok(value)
    }

    fn array_body(&mut self, depth: usize) -> Result<Value, String> {
        let mut items = Vec::new();
        match self.next_tag()? {
            Tag::Empty(n) if n == "data" => {}
            Tag::Open(n) if n == "data" => loop {
                match self.next_tag()? {
                    Tag::Open(n) if n == "value" => items.push(self.value_body(depth)?),
                    Tag::Empty(n) if n == "value" => items.push(Value::String(String::new())),
                    Tag::Close(n) if n == "data" => break,
                    other => {
                        return Err(format!(
                            "expected <value> in <data>, found {}",
                            describe(&other)
                        ));
                    }
                }
            },
            other => return Err(format!("expected <data>, found {}", describe(&other))),
        }
        self.expect_close("array")?;
        Ok(Value::Array(items))
    }

    fn struct_body(&mut self, depth: usize) -> Result<Value, String> {
        let mut members = Vec::new();
        loop {
            match self.next_tag()? {
                Tag::Open(n) if n == "member" => {
                    self.expect_open("name")?;
                    let name = self.text_until_close("name")?;
                    let value = match self.next_tag()? {
                        Tag::Open(n) if n == "value" => self.value_body(depth)?,
                        Tag::Empty(n) if n == "value" => Value::String(String::new()),
                        other => {
                            return Err(format!(
                                "expected member <value>, found {}",
                                describe(&other)
                            ));
                        }
                    };
                    self.expect_close("member")?;
                    members.push((name, value));
                }
                Tag::Close(n) if n == "struct" => return Ok(Value::Struct(members)),
                other => return Err(format!("expected <member>, found {}", describe(&other))),
            }
        }
    }
}

fn name_of(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

#[cfg(test)]
mod tests;
