//! XML-RPC replies: no panic or stack overflow, and the fast row scan reads
//! exactly what the general decoder reads whenever it accepts a reply.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tm_wire::xmlrpc::{Value, decode_response, decode_rows};

fuzz_target!(|data: &[u8]| {
    let general = decode_response(data);
    if let Some(rows) = decode_rows(data) {
        let rows = Value::Array(rows.into_iter().map(Value::Array).collect());
        assert_eq!(general, Ok(Ok(rows)));
    }
});
