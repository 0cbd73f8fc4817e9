//! Decoding Transmission's JSON answers, apart from the transport so that
//! the fuzz targets can reach it.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// An answer, with `arguments` parsed straight into the caller's type.
struct Answer<T> {
    arguments: Option<T>,
    /// Whether `arguments` was there at all (Transmission always sends it).
    has_arguments: bool,
    result: Option<Value>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Answer<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw<T> {
            arguments: Option<Option<T>>,
            result: Option<Value>,
        }
        let raw = Raw::<T>::deserialize(deserializer)?;
        Ok(Self {
            has_arguments: raw.arguments.is_some(),
            arguments: raw.arguments.flatten(),
            result: raw.result,
        })
    }
}

/// Why a reply is not a successful Transmission answer. Only the `result` of
/// an answer shaped like Transmission's is quoted: anything else may come
/// from another service, whose answer must not reach the user (H-2).
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyError {
    NotJson {
        line: usize,
        column: usize,
    },
    /// JSON, but no `result` string next to an `arguments` object.
    NotTransmission,
    /// `result` other than "success" (at most `MAX_RESULT_CHARS` of it).
    Rejected(String),
    /// A Transmission answer whose `arguments` are not what was asked for.
    Shape {
        line: usize,
        column: usize,
    },
}

/// Transmission's refusals are short sentences ("duplicate torrent").
const MAX_RESULT_CHARS: usize = 200;

/// Decodes a reply: its `arguments` (if any) parsed into `T` directly,
/// without a `Value` tree in between. serde_json's recursion limit (128)
/// bounds the nesting.
pub fn decode_reply<T: DeserializeOwned>(body: &[u8]) -> Result<Option<T>, ReplyError> {
    match serde_json::from_slice::<Answer<T>>(body) {
        Ok(answer) => {
            check_result(answer.result.as_ref(), answer.has_arguments)?;
            Ok(answer.arguments)
        }
        Err(shape) => {
            // Only on failure: parse again, loosely, to say what is wrong.
            let answer: Value = serde_json::from_slice(body).map_err(|e| ReplyError::NotJson {
                line: e.line(),
                column: e.column(),
            })?;
            let has_arguments = answer.get("arguments").is_some_and(Value::is_object);
            check_result(answer.get("result"), has_arguments)?;
            Err(ReplyError::Shape {
                line: shape.line(),
                column: shape.column(),
            })
        }
    }
}

/// A missing `result` or `arguments` means another JSON service; a result
/// other than "success", a refusal.
fn check_result(result: Option<&Value>, has_arguments: bool) -> Result<(), ReplyError> {
    match result.and_then(Value::as_str) {
        Some("success") if has_arguments => Ok(()),
        Some(result) if has_arguments => Err(ReplyError::Rejected(
            result.chars().take(MAX_RESULT_CHARS).collect(),
        )),
        _ => Err(ReplyError::NotTransmission),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::transmission::table::TableArguments;

    #[test]
    fn reads_arguments_and_refusals() {
        let table = include_bytes!("../../testdata/transmission/list-table.json");
        let decoded = decode_reply::<TableArguments>(table).unwrap().unwrap();
        assert!(!decoded.torrents.unwrap().ids.is_empty());
        let refusal = br#"{"arguments":{},"result":"duplicate torrent"}"#;
        assert_eq!(
            decode_reply::<Value>(refusal),
            Err(ReplyError::Rejected("duplicate torrent".to_owned()))
        );
    }

    #[test]
    fn other_json_services_are_not_quoted() {
        for body in [
            &br#"{"result":"internal-token"}"#[..],
            br#"{"status":"ok","token":"internal-token"}"#,
            br#"["internal-token"]"#,
        ] {
            assert_eq!(
                decode_reply::<Value>(body),
                Err(ReplyError::NotTransmission)
            );
        }
        let decoded = decode_reply::<TableArguments>(
            br#"{"arguments":{"torrents":"internal-token"},"result":"success"}"#,
        );
        assert!(matches!(decoded, Err(ReplyError::Shape { .. })));
    }

    /// serde_json stops at 128 levels; deeper is an error, not an overflow.
    #[test]
    fn deep_nesting_is_an_error() {
        let outcome = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let depth = 100_000;
                let body = format!(
                    r#"{{"result":"success","arguments":{{"removed":{}{}}}}}"#,
                    "[".repeat(depth),
                    "]".repeat(depth)
                );
                (
                    decode_reply::<TableArguments>(body.as_bytes()).is_err(),
                    decode_reply::<Value>(body.as_bytes()).is_err(),
                )
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(outcome, (true, true));
        let shallow = format!(
            r#"{{"result":"success","arguments":{{"removed":{}{}}}}}"#,
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(decode_reply::<TableArguments>(shallow.as_bytes()).is_ok());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_reply::<TableArguments>(&bytes);
            let _ = decode_reply::<Value>(&bytes);
        }

        #[test]
        fn mutated_lists_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let mut body = include_bytes!("../../testdata/transmission/list-table.json").to_vec();
            let i = at.index(body.len());
            body[i] = byte;
            let _ = decode_reply::<TableArguments>(&body);
        }
    }
}
