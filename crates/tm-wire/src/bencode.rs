//! A small, zero-copy, lenient bencode decoder.
//!
//! Lenient means: dictionary keys need not be sorted or unique (real-world
//! .torrent files are not always canonical). Every value keeps the byte span
//! it was decoded from, so callers can hash the exact raw `info` dictionary.

use std::ops::Range;

/// Nesting deeper than this is rejected (protects the stack against hostile input).
pub const MAX_DEPTH: usize = 64;

/// More values than this in one input are rejected: each takes ~50 bytes
/// decoded from as little as 2 bytes of input (`le`), so a 10 MiB upload
/// could otherwise claim ~500 MB. A 100k-file torrent has under 1M values.
pub const MAX_VALUES: usize = 2_000_000;

/// A decoded value borrowing from the input buffer.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Int(i64),
    Bytes(&'a [u8]),
    List(Vec<Spanned<'a>>),
    /// Entries in input order; duplicate keys are kept.
    Dict(Vec<(&'a [u8], Spanned<'a>)>),
}

/// A value together with the byte range of its encoding in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<'a> {
    pub value: Value<'a>,
    pub span: Range<usize>,
}

impl<'a> Spanned<'a> {
    /// The first entry with this key, when the value is a dictionary.
    pub fn get(&self, key: &str) -> Option<&Spanned<'a>> {
        match &self.value {
            Value::Dict(entries) => entries
                .iter()
                .find(|(k, _)| *k == key.as_bytes())
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.value {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The value as text, replacing invalid UTF-8 rather than failing.
    pub fn as_text(&self) -> Option<String> {
        self.as_bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    pub fn as_list(&self) -> Option<&[Spanned<'a>]> {
        match &self.value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_dict(&self) -> bool {
        matches!(self.value, Value::Dict(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bencode error at byte {offset}: {reason}")]
pub struct DecodeError {
    pub offset: usize,
    pub reason: &'static str,
}

/// Decodes one value that must span the whole input.
pub fn decode(input: &[u8]) -> Result<Spanned<'_>, DecodeError> {
    let mut decoder = Decoder {
        input,
        pos: 0,
        values: 0,
    };
    let value = decoder.value(0)?;
    if decoder.pos != input.len() {
        return Err(decoder.error("trailing data after the top-level value"));
    }
    Ok(value)
}

struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    /// Values decoded so far (see `MAX_VALUES`).
    values: usize,
}

impl<'a> Decoder<'a> {
    fn error(&self, reason: &'static str) -> DecodeError {
        DecodeError {
            offset: self.pos,
            reason,
        }
    }

    fn peek(&self) -> Result<u8, DecodeError> {
        self.input
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error("unexpected end of input"))
    }

    fn value(&mut self, depth: usize) -> Result<Spanned<'a>, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(self.error("too many values"));
        }
        let start = self.pos;
        let value = match self.peek()? {
            b'i' => {
                self.pos += 1;
                Value::Int(self.integer(b'e')?)
            }
            b'l' => {
                self.pos += 1;
                let mut items = Vec::new();
                while self.peek()? != b'e' {
                    items.push(self.value(depth + 1)?);
                }
                self.pos += 1;
                Value::List(items)
            }
            b'd' => {
                self.pos += 1;
                let mut entries = Vec::new();
                while self.peek()? != b'e' {
                    if !self.peek()?.is_ascii_digit() {
                        return Err(self.error("dictionary key is not a byte string"));
                    }
                    let key = self.byte_string()?;
                    entries.push((key, self.value(depth + 1)?));
                }
                self.pos += 1;
                Value::Dict(entries)
            }
            b'0'..=b'9' => Value::Bytes(self.byte_string()?),
            _ => return Err(self.error("unexpected byte, expected i, l, d or a digit")),
        };
        Ok(Spanned {
            value,
            span: start..self.pos,
        })
    }

    /// Reads a decimal integer up to `terminator` (consumed).
    fn integer(&mut self, terminator: u8) -> Result<i64, DecodeError> {
        let start = self.pos;
        let end = self.input[start..]
            .iter()
            .position(|&b| b == terminator)
            .map(|i| start + i)
            .ok_or_else(|| self.error("unterminated integer"))?;
        let digits = std::str::from_utf8(&self.input[start..end])
            .map_err(|_| self.error("integer is not ASCII"))?;
        let value = digits
            .parse::<i64>()
            .map_err(|_| self.error("invalid integer"))?;
        self.pos = end + 1;
        Ok(value)
    }

    fn byte_string(&mut self) -> Result<&'a [u8], DecodeError> {
        let length = self.integer(b':')?;
        let length = usize::try_from(length).map_err(|_| self.error("negative string length"))?;
        let end = self
            .pos
            .checked_add(length)
            .filter(|&end| end <= self.input.len())
            .ok_or_else(|| self.error("string runs past the end of input"))?;
        let bytes = &self.input[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_nested_values_with_spans() {
        let input = b"d3:cow3:moo4:spaml1:ai-42eee";
        let root = decode(input).unwrap();
        assert_eq!(root.span, 0..input.len());
        assert_eq!(root.get("cow").unwrap().as_bytes(), Some(&b"moo"[..]));
        let spam = root.get("spam").unwrap();
        assert_eq!(&input[spam.span.clone()], b"l1:ai-42ee");
        let items = spam.as_list().unwrap();
        assert_eq!(items[1].as_int(), Some(-42));
    }

    #[test]
    fn accepts_unsorted_keys() {
        let root = decode(b"d1:zi1e1:ai2ee").unwrap();
        assert_eq!(root.get("a").unwrap().as_int(), Some(2));
        assert_eq!(root.get("z").unwrap().as_int(), Some(1));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in [
            &b""[..],
            b"i12",
            b"5:abc",
            b"d1:a",
            b"di1ei2ee",
            b"x",
            b"i1ei2e",
            b"ixe",
        ] {
            assert!(decode(bad).is_err(), "{:?} should fail", bad);
        }
    }

    #[test]
    fn rejects_excessive_nesting() {
        let mut input = vec![b'l'; MAX_DEPTH + 2];
        input.extend(vec![b'e'; MAX_DEPTH + 2]);
        let err = decode(&input).unwrap_err();
        assert_eq!(err.reason, "nesting too deep");
    }

    #[test]
    fn rejects_depth_bombs_without_overflowing() {
        for open in [&b"l"[..], b"d1:k"] {
            let mut input = open.repeat(100_000);
            input.extend(b"e".repeat(100_000));
            assert_eq!(decode(&input).unwrap_err().reason, "nesting too deep");
        }
    }

    #[test]
    fn rejects_value_floods() {
        let mut input = b"l".to_vec();
        input.extend(b"le".repeat(MAX_VALUES));
        input.push(b'e');
        assert_eq!(decode(&input).unwrap_err().reason, "too many values");
        let mut input = b"l".to_vec();
        input.extend(b"le".repeat(MAX_VALUES - 1));
        input.push(b'e');
        assert!(decode(&input).is_ok());
    }
}
