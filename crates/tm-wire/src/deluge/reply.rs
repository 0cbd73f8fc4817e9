//! Decoding deluge-web's JSON-RPC answers, apart from the transport so that
//! the fuzz target can reach it.

use serde::Deserialize;
use serde_json::Value;

/// deluge-web's error codes (deluge/ui/web/json_api.py).
pub const NOT_AUTHENTICATED: i64 = 1;
pub const UNKNOWN_METHOD: i64 = 2;

/// `{"id": …, "result": …, "error": …}`: deluge-web always sends all
/// three keys (checked apart: `id` is not needed here).
#[derive(Deserialize)]
struct Answer {
    result: Value,
    error: Option<ErrorObject>,
}

#[derive(Deserialize)]
struct ErrorObject {
    code: i64,
    message: String,
}

/// Why a reply is not a successful deluge-web answer. Only the message of an
/// answer shaped like deluge-web's is kept: anything else may come from
/// another service, whose answer must not reach the user (H-2).
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyError {
    NotJson {
        line: usize,
        column: usize,
    },
    /// JSON, but not `{id, result, error}`.
    NotDeluge,
    /// deluge-web's error object (at most `MAX_MESSAGE_CHARS` of its message).
    Failed {
        code: i64,
        message: String,
    },
}

/// Deluge's messages are one exception line ("AddTorrentError: Torrent
/// already in session (…)."); longer ones are cut.
const MAX_MESSAGE_CHARS: usize = 200;

/// Decodes a reply into its `result`. serde_json's recursion limit (128)
/// bounds the nesting; the caller bounds the size.
pub fn decode_reply(body: &[u8]) -> Result<Value, ReplyError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ReplyError::NotJson {
        line: e.line(),
        column: e.column(),
    })?;
    let has_all_keys = value
        .as_object()
        .is_some_and(|o| ["id", "result", "error"].iter().all(|k| o.contains_key(*k)));
    if !has_all_keys {
        return Err(ReplyError::NotDeluge);
    }
    let answer = Answer::deserialize(value).map_err(|_| ReplyError::NotDeluge)?;
    match answer.error {
        None => Ok(answer.result),
        Some(error) => Err(ReplyError::Failed {
            code: error.code,
            message: error.message.chars().take(MAX_MESSAGE_CHARS).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_results_and_errors() {
        assert_eq!(
            decode_reply(br#"{"result": "2.0.3", "error": null, "id": 7}"#),
            Ok(Value::from("2.0.3"))
        );
        assert_eq!(
            decode_reply(
                br#"{"result":null,"error":{"message":"Not authenticated","code":1},"id":1}"#
            ),
            Err(ReplyError::Failed {
                code: NOT_AUTHENTICATED,
                message: "Not authenticated".to_owned()
            })
        );
    }

    #[test]
    fn other_json_services_are_not_quoted() {
        for body in [
            &br#"{"result":"internal-token"}"#[..],
            br#"{"id":1,"result":null,"error":"internal-token"}"#,
            br#"{"id":1,"result":null,"error":{"detail":"internal-token"}}"#,
            br#"["internal-token"]"#,
        ] {
            assert_eq!(decode_reply(body), Err(ReplyError::NotDeluge), "{body:?}");
        }
        assert!(matches!(
            decode_reply(b"<html>internal-token</html>"),
            Err(ReplyError::NotJson { .. })
        ));
    }

    #[test]
    fn long_messages_are_cut() {
        let body = format!(
            r#"{{"id":1,"result":null,"error":{{"code":3,"message":"{}"}}}}"#,
            "x".repeat(10_000)
        );
        let Err(ReplyError::Failed { message, .. }) = decode_reply(body.as_bytes()) else {
            panic!("not a failure");
        };
        assert_eq!(message.len(), MAX_MESSAGE_CHARS);
    }

    /// serde_json stops at 128 levels; deeper is an error, not an overflow.
    #[test]
    fn deep_nesting_is_an_error() {
        let body = format!(
            r#"{{"id":1,"error":null,"result":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(matches!(
            decode_reply(body.as_bytes()),
            Err(ReplyError::NotJson { .. })
        ));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_reply(&bytes);
        }
    }
}
