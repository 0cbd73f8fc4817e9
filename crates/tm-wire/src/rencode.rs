//! rencode, the serialisation of Deluge's daemon RPC (the wire format of
//! python rencode 1.0.6, which Deluge 2 uses), to and from `serde_json::Value`.
//!
//! Every value starts with a one-byte typecode; small values are embedded in
//! it:
//!
//! | typecode | value |
//! |---|---|
//! | 0–43 | the integer 0–43 |
//! | 70–101 | the integer −1 (70) to −32 (101) |
//! | 62 / 63 / 64 / 65 | a signed big-endian integer of 1 / 2 / 4 / 8 bytes follows |
//! | 61 | a decimal integer as ASCII text, up to 64 characters, then 127 |
//! | 66 / 44 | a big-endian float32 / float64 follows |
//! | 67 / 68 / 69 | true / false / none |
//! | 128–191 | a string of 0–63 bytes follows |
//! | `'1'`–`'9'` | a string: its decimal length, `:`, the bytes |
//! | 192–255 | a list of 0–63 values follows |
//! | 59 | a list: values until 127 |
//! | 102–126 | a dict of 0–24 key/value pairs follows |
//! | 60 | a dict: key/value pairs until 127 |
//!
//! Decoding choices:
//! - Strings are UTF-8 (Deluge's client decodes them with `decode_utf8`).
//!   Bytes that are not UTF-8 are decoded lossily (U+FFFD): one odd torrent
//!   name must not make a whole list unreadable.
//! - Dict keys that are numbers, booleans or none become their JSON text
//!   (`5` → `"5"`); a list or dict as a key is an error.
//! - Integers beyond `u64` (only the decimal form can hold them) become the
//!   nearest float; non-finite floats (NaN, ±inf) become `null`, which JSON
//!   cannot hold otherwise.
//! - A float32 becomes the `f64` of its shortest decimal form (Deluge sends
//!   floats as float32: a progress of 45.3 stays 45.3, not 45.29999923…).
//! - Bytes after the value are an error.
//!
//! The input comes from the network: depth, size and the number of values are
//! limited, and lengths are checked against the input before anything is
//! allocated, so a hostile reply costs at most a bounded amount of memory.

use serde_json::{Map, Number, Value};

/// Nesting of lists and dicts (Deluge's deepest answers nest about 5 levels).
pub const MAX_DEPTH: usize = 64;
/// The largest input, decompressed.
pub const MAX_BYTES: usize = crate::MAX_REPLY_BYTES;
/// Values in one input, all levels together (keys included): bounds the
/// memory a reply of tiny values can cost (~100 bytes per value).
pub const MAX_VALUES: usize = 4_000_000;
/// Items in one list, or pairs in one dict.
pub const MAX_COLLECTION_LEN: usize = 1_000_000;
/// The longest integer in decimal text, as in python rencode.
const MAX_INT_TEXT: usize = 64;

const CHR_FLOAT64: u8 = 44;
const CHR_LIST: u8 = 59;
const CHR_DICT: u8 = 60;
const CHR_INT: u8 = 61;
const CHR_INT1: u8 = 62;
const CHR_INT2: u8 = 63;
const CHR_INT4: u8 = 64;
const CHR_INT8: u8 = 65;
const CHR_FLOAT32: u8 = 66;
const CHR_TRUE: u8 = 67;
const CHR_FALSE: u8 = 68;
const CHR_NONE: u8 = 69;
const CHR_TERM: u8 = 127;
const INT_POS_FIXED_COUNT: u8 = 44;
const INT_NEG_FIXED_START: u8 = 70;
const INT_NEG_FIXED_COUNT: u8 = 32;
const DICT_FIXED_START: u8 = 102;
const DICT_FIXED_COUNT: u8 = 25;
const STR_FIXED_START: u8 = 128;
const STR_FIXED_COUNT: u8 = 64;
const LIST_FIXED_START: u8 = 192;
const LIST_FIXED_COUNT: u8 = 64;

/// Decodes one rencoded value. The reason of an error names a position or a
/// typecode, never the input's content.
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!("more than {} MiB", MAX_BYTES / (1024 * 1024)));
    }
    let mut decoder = Decoder {
        bytes,
        pos: 0,
        values: 0,
    };
    let value = decoder.value(0)?;
    if decoder.pos != bytes.len() {
        return Err(format!("trailing bytes after the value at {}", decoder.pos));
    }
    Ok(value)
}

/// Encodes `value` as python rencode does, except that every float is a
/// float64 (python's default is float32, which would lose precision).
pub fn encode(value: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    encode_into(value, &mut out, 0)?;
    Ok(out)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    values: usize,
}

impl Decoder<'_> {
    fn value(&mut self, depth: usize) -> Result<Value, String> {
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(format!("more than {MAX_VALUES} values"));
        }
        let at = self.pos;
        let code = self.byte()?;
        Ok(match code {
            0..INT_POS_FIXED_COUNT => Value::from(code),
            INT_NEG_FIXED_START..DICT_FIXED_START => {
                Value::from(-i64::from(code - INT_NEG_FIXED_START) - 1)
            }
            CHR_INT1 => Value::from(i8::from_be_bytes(self.array()?)),
            CHR_INT2 => Value::from(i16::from_be_bytes(self.array()?)),
            CHR_INT4 => Value::from(i32::from_be_bytes(self.array()?)),
            CHR_INT8 => Value::from(i64::from_be_bytes(self.array()?)),
            CHR_INT => self.decimal_integer()?,
            CHR_FLOAT32 => shortest_f64(f32::from_be_bytes(self.array()?)),
            CHR_FLOAT64 => finite(f64::from_be_bytes(self.array()?)),
            CHR_TRUE => Value::Bool(true),
            CHR_FALSE => Value::Bool(false),
            CHR_NONE => Value::Null,
            STR_FIXED_START..LIST_FIXED_START => {
                self.string(usize::from(code - STR_FIXED_START))?
            }
            b'1'..=b'9' => {
                let len = self.string_length(code)?;
                self.string(len)?
            }
            LIST_FIXED_START..=u8::MAX => {
                self.list(depth, Some(usize::from(code - LIST_FIXED_START)))?
            }
            CHR_LIST => self.list(depth, None)?,
            DICT_FIXED_START..CHR_TERM => {
                self.dict(depth, Some(usize::from(code - DICT_FIXED_START)))?
            }
            CHR_DICT => self.dict(depth, None)?,
            CHR_TERM => return Err(format!("unexpected end of collection at {at}")),
            _ => return Err(format!("unknown typecode {code} at {at}")),
        })
    }

    fn byte(&mut self) -> Result<u8, String> {
        let byte = *self.bytes.get(self.pos).ok_or_else(|| self.truncated())?;
        self.pos += 1;
        Ok(byte)
    }

    fn take(&mut self, len: usize) -> Result<&[u8], String> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.truncated())?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn truncated(&self) -> String {
        format!("truncated at {}", self.pos)
    }

    /// `-?digits` then CHR_TERM.
    fn decimal_integer(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let rest = &self.bytes[start..];
        let len = rest
            .iter()
            .take(MAX_INT_TEXT + 1)
            .position(|byte| *byte == CHR_TERM)
            .ok_or_else(|| format!("integer text at {start} too long or unterminated"))?;
        let text = std::str::from_utf8(&rest[..len]).unwrap_or_default();
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(format!("bad integer text at {start}"));
        }
        self.pos += len + 1;
        Ok(if let Ok(int) = text.parse::<i64>() {
            Value::from(int)
        } else if let Ok(int) = text.parse::<u64>() {
            Value::from(int)
        } else {
            // Digits only: always parses, to the nearest float.
            finite(text.parse::<f64>().unwrap_or(f64::NAN))
        })
    }

    /// The decimal length of a long string, whose first digit is `first`,
    /// up to and including the `:`.
    fn string_length(&mut self, first: u8) -> Result<usize, String> {
        let start = self.pos - 1;
        let mut len = usize::from(first - b'0');
        loop {
            match self.byte()? {
                b':' => return Ok(len),
                digit @ b'0'..=b'9' => {
                    len = len
                        .checked_mul(10)
                        .and_then(|len| len.checked_add(usize::from(digit - b'0')))
                        .filter(|len| *len <= MAX_BYTES)
                        .ok_or_else(|| format!("string length at {start} too large"))?;
                }
                _ => return Err(format!("bad string length at {start}")),
            }
        }
    }

    fn string(&mut self, len: usize) -> Result<Value, String> {
        let bytes = self.take(len)?;
        Ok(Value::String(String::from_utf8_lossy(bytes).into_owned()))
    }

    /// `count` items, or items until CHR_TERM when `None`.
    fn list(&mut self, depth: usize, count: Option<usize>) -> Result<Value, String> {
        let depth = self.nest(depth)?;
        let mut items = Vec::with_capacity(count.unwrap_or(0));
        while self.more(items.len(), count)? {
            items.push(self.value(depth)?);
        }
        Ok(Value::Array(items))
    }

    fn dict(&mut self, depth: usize, count: Option<usize>) -> Result<Value, String> {
        let depth = self.nest(depth)?;
        let mut map = Map::new();
        let mut pairs = 0;
        while self.more(pairs, count)? {
            let at = self.pos;
            let key = match self.value(depth)? {
                Value::String(key) => key,
                // Python cannot hash a dict; a tuple it can, but Deluge
                // sends none. As text, nested keys would grow with every
                // level of escaping.
                Value::Array(_) | Value::Object(_) => {
                    return Err(format!("a dict key at {at} is a collection"));
                }
                scalar => scalar.to_string(),
            };
            map.insert(key, self.value(depth)?);
            pairs += 1;
        }
        Ok(Value::Object(map))
    }

    fn nest(&self, depth: usize) -> Result<usize, String> {
        if depth >= MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} at {}", self.pos));
        }
        Ok(depth + 1)
    }

    /// Whether a collection with `done` items has another one; consumes the
    /// terminator of a terminated collection.
    fn more(&mut self, done: usize, count: Option<usize>) -> Result<bool, String> {
        if let Some(count) = count {
            return Ok(done < count);
        }
        if done >= MAX_COLLECTION_LEN {
            return Err(format!("a collection longer than {MAX_COLLECTION_LEN}"));
        }
        if *self.bytes.get(self.pos).ok_or_else(|| self.truncated())? == CHR_TERM {
            self.pos += 1;
            return Ok(false);
        }
        Ok(true)
    }
}

fn finite(float: f64) -> Value {
    Number::from_f64(float).map_or(Value::Null, Value::Number)
}

fn shortest_f64(float: f32) -> Value {
    // `f32`'s Display is the shortest text that reads back as the same f32.
    finite(float.to_string().parse::<f64>().unwrap_or(f64::NAN))
}

fn encode_into(value: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
    match value {
        Value::Null => out.push(CHR_NONE),
        Value::Bool(true) => out.push(CHR_TRUE),
        Value::Bool(false) => out.push(CHR_FALSE),
        Value::Number(number) => encode_number(number, out),
        Value::String(text) => encode_bytes(text.as_bytes(), out),
        Value::Array(items) => {
            let depth = encode_nest(depth)?;
            start_collection(
                items.len(),
                LIST_FIXED_START,
                LIST_FIXED_COUNT,
                CHR_LIST,
                out,
            );
            for item in items {
                encode_into(item, out, depth)?;
            }
            end_collection(items.len(), LIST_FIXED_COUNT, out);
        }
        Value::Object(map) => {
            let depth = encode_nest(depth)?;
            start_collection(map.len(), DICT_FIXED_START, DICT_FIXED_COUNT, CHR_DICT, out);
            for (key, item) in map {
                encode_bytes(key.as_bytes(), out);
                encode_into(item, out, depth)?;
            }
            end_collection(map.len(), DICT_FIXED_COUNT, out);
        }
    }
    Ok(())
}

fn encode_nest(depth: usize) -> Result<usize, String> {
    if depth >= MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH}"));
    }
    Ok(depth + 1)
}

fn start_collection(len: usize, fixed_start: u8, fixed_count: u8, open: u8, out: &mut Vec<u8>) {
    match u8::try_from(len) {
        Ok(len) if len < fixed_count => out.push(fixed_start + len),
        _ => out.push(open),
    }
}

fn end_collection(len: usize, fixed_count: u8, out: &mut Vec<u8>) {
    if len >= usize::from(fixed_count) {
        out.push(CHR_TERM);
    }
}

fn encode_number(number: &Number, out: &mut Vec<u8>) {
    if let Some(int) = number.as_i64() {
        encode_int(int, out);
    } else if let Some(int) = number.as_u64() {
        // Beyond i64: only the decimal form holds it.
        out.push(CHR_INT);
        out.extend_from_slice(int.to_string().as_bytes());
        out.push(CHR_TERM);
    } else {
        // serde_json numbers are finite: a float when not an integer.
        out.push(CHR_FLOAT64);
        out.extend_from_slice(&number.as_f64().unwrap_or_default().to_be_bytes());
    }
}

fn encode_int(int: i64, out: &mut Vec<u8>) {
    // The smallest form that holds it, as python rencode picks.
    if let Ok(small) = u8::try_from(int)
        && small < INT_POS_FIXED_COUNT
    {
        out.push(small);
    } else if (-i64::from(INT_NEG_FIXED_COUNT)..0).contains(&int) {
        // -1 → 70 … -32 → 101; the range check makes the cast exact.
        out.push(INT_NEG_FIXED_START + (-1 - int) as u8);
    } else if let Ok(int) = i8::try_from(int) {
        out.push(CHR_INT1);
        out.extend_from_slice(&int.to_be_bytes());
    } else if let Ok(int) = i16::try_from(int) {
        out.push(CHR_INT2);
        out.extend_from_slice(&int.to_be_bytes());
    } else if let Ok(int) = i32::try_from(int) {
        out.push(CHR_INT4);
        out.extend_from_slice(&int.to_be_bytes());
    } else {
        out.push(CHR_INT8);
        out.extend_from_slice(&int.to_be_bytes());
    }
}

fn encode_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    match u8::try_from(bytes.len()) {
        Ok(len) if len < STR_FIXED_COUNT => out.push(STR_FIXED_START + len),
        _ => {
            out.extend_from_slice(bytes.len().to_string().as_bytes());
            out.push(b':');
        }
    }
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        data_encoding::HEXLOWER.decode(text.as_bytes()).unwrap()
    }

    /// Encodes to exactly the bytes python rencode 1.0.6 produces, and back.
    fn both_ways(value: Value, python: &str) {
        assert_eq!(
            data_encoding::HEXLOWER.encode(&encode(&value).unwrap()),
            python,
            "{value}"
        );
        assert_eq!(decode(&hex(python)).unwrap(), value, "{python}");
    }

    // The byte vectors: `/usr/bin/python3 -c "import rencode; print(rencode.dumps(V).hex())"`.
    #[test]
    fn integers_of_every_width() {
        for (value, python) in [
            (json!(0), "00"),
            (json!(43), "2b"),
            (json!(44), "3e2c"),
            (json!(-1), "46"),
            (json!(-32), "65"),
            (json!(-33), "3edf"),
            (json!(127), "3e7f"),
            (json!(-128), "3e80"),
            (json!(128), "3f0080"),
            (json!(32767), "3f7fff"),
            (json!(-32768), "3f8000"),
            (json!(32768), "4000008000"),
            (json!(2_147_483_647), "407fffffff"),
            (json!(-2_147_483_648_i64), "4080000000"),
            (json!(2_147_483_648_i64), "410000000080000000"),
            (json!(i64::MAX), "417fffffffffffffff"),
            (json!(i64::MIN), "418000000000000000"),
            (
                json!(1_u64 << 63),
                "3d393232333337323033363835343737353830387f",
            ),
            (
                json!(u64::MAX),
                "3d31383434363734343037333730393535313631357f",
            ),
        ] {
            both_ways(value, python);
        }
    }

    #[test]
    fn integers_beyond_64_bits_become_floats() {
        // -2**63-1 and 2**100.
        let below = decode(&hex("3d2d393232333337323033363835343737353830397f")).unwrap();
        assert_eq!(below, json!(-9_223_372_036_854_775_809.0));
        let big = "3d313236373635303630303232383232393430313439363730333230353337367f";
        assert_eq!(decode(&hex(big)).unwrap(), json!(1.2676506002282294e30));
    }

    #[test]
    fn strings_short_and_long() {
        for (value, python) in [
            (json!(""), "80".to_owned()),
            (json!("foobar"), "86666f6f626172".to_owned()),
            (json!("é"), "82c3a9".to_owned()),
            (json!("a".repeat(63)), format!("bf{}", "61".repeat(63))),
            (json!("a".repeat(64)), format!("36343a{}", "61".repeat(64))),
            (
                json!("b".repeat(300)),
                format!("3330303a{}", "62".repeat(300)),
            ),
        ] {
            both_ways(value, &python);
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_replaced() {
        assert_eq!(decode(&hex("82ff61")).unwrap(), json!("\u{fffd}a"));
    }

    #[test]
    fn constants_lists_and_dicts() {
        let list = |n: i64| Value::Array((0..n).map(Value::from).collect());
        let dict = |n: usize| {
            let pairs = (0..n).map(|i| (format!("k{i:02}"), Value::from(i)));
            Value::Object(pairs.collect())
        };
        let numbers = |n: u8| -> String {
            (0..n)
                .map(|i| match i {
                    0..44 => format!("{i:02x}"),
                    _ => format!("3e{i:02x}"),
                })
                .collect()
        };
        let pairs = |n: u8| -> String {
            (0..n)
                .map(|i| {
                    format!(
                        "836b{}{:02x}",
                        data_encoding::HEXLOWER.encode(format!("{i:02}").as_bytes()),
                        i
                    )
                })
                .collect()
        };
        for (value, python) in [
            (json!(null), "45".to_owned()),
            (json!(true), "43".to_owned()),
            (json!(false), "44".to_owned()),
            (json!([]), "c0".to_owned()),
            (json!([1, "a", null]), "c301816145".to_owned()),
            (list(63), format!("ff{}", numbers(63))),
            (list(64), format!("3b{}7f", numbers(64))),
            (json!({}), "66".to_owned()),
            (json!({"a": 1}), "67816101".to_owned()),
            (dict(24), format!("7e{}", pairs(24))),
            (dict(25), format!("3c{}7f", pairs(25))),
        ] {
            both_ways(value, &python);
        }
    }

    #[test]
    fn floats() {
        // rencode.dumps(45.3) is a float32, the form Deluge sends.
        assert_eq!(decode(&hex("4242353333")).unwrap(), json!(45.3));
        // rencode.dumps(x, 64).
        both_ways(json!(45.3), "2c4046a66666666666");
        both_ways(json!(-0.5), "2cbfe0000000000000");
        // float("inf") as float32.
        assert_eq!(decode(&hex("427f800000")).unwrap(), json!(null));
    }

    #[test]
    fn dict_keys_that_are_not_strings_become_their_text() {
        // {5: "x", None: 1, 1.5: 2}
        let value = decode(&hex("690581784501423fc0000002")).unwrap();
        assert_eq!(value, json!({"5": "x", "null": 1, "1.5": 2}));
        // {(1, 2): 3}, and a dict as a key.
        assert!(decode(&hex("67c2010203")).is_err());
        assert!(decode(&hex("676781610102")).is_err());
    }

    #[test]
    fn a_login_request_is_what_deluge_sends() {
        let request =
            json!([[1, "daemon.login", ["testuser", "testpass"], {"client_version": "2.0.3"}]]);
        both_ways(
            request,
            "c1c4018c6461656d6f6e2e6c6f67696ec2887465737475736572887465737470617373678e636c69656e745f76657273696f6e85322e302e33",
        );
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [
            "",                             // nothing
            "41000000",                     // truncated int8
            "86666f",                       // truncated string
            "2d",                           // unknown typecode
            "7f",                           // a lone terminator
            "0000",                         // trailing bytes
            "c2",                           // list missing its items
            "3b0102",                       // unterminated list
            "3c8161",                       // dict missing a value
            "393939393939393939393939393a", // string longer than anything
            "393a6161",                     // string longer than the input
            "39",                           // string length without `:`
            "392c3a",                       // bad string length
            "3d7f",                         // empty integer text
            "3d31327a7f",                   // not digits
        ] {
            assert!(decode(&hex(bad)).is_err(), "{bad}");
        }
        let long_integer = format!("3d{}7f", "31".repeat(65));
        assert!(decode(&hex(&long_integer)).is_err());
    }

    #[test]
    fn hostile_shapes_hit_the_limits() {
        let mut deep = vec![0xc1; MAX_DEPTH + 1];
        deep.push(0);
        assert!(decode(&deep).unwrap_err().contains("deeper"));
        assert!(decode(&deep[1..]).is_ok());

        let mut long = vec![CHR_LIST];
        long.resize(MAX_COLLECTION_LEN + 2, 0);
        long.push(CHR_TERM);
        assert!(decode(&long).unwrap_err().contains("longer"));

        let mut value = json!(0);
        for _ in 0..=MAX_DEPTH {
            value = json!([value]);
        }
        assert!(encode(&value).is_err());
    }
}
