use super::*;

#[test]
fn encodes_calls_with_escaping() {
    let xml = encode_call(
        "load.raw",
        &[
            Value::from(""),
            Value::Base64(b"d1:ae".to_vec()),
            Value::from("d.custom1.set=a&b<c"),
            Value::Int(1 << 40),
        ],
    );
    assert!(xml.contains("<methodName>load.raw</methodName>"));
    assert!(xml.contains("<base64>ZDE6YWU=</base64>"));
    assert!(xml.contains("a&amp;b&lt;c"));
    assert!(xml.contains("<i8>1099511627776</i8>"));
}

#[test]
fn decodes_rtorrent_multicall_answer() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
<params>
<param><value><array><data>
<value><array><data>
<value><string>E050F8E8E36B19ECC88E98BBB993A9FC34123EB2</string></value>
<value><i8>20971520</i8></value>
<value><string>a &amp; b &#x263A;</string></value>
<value><string/></value>
<value>implicit</value>
<value><string>  </string></value>
<value> </value>
<value><boolean>1</boolean></value>
</data></array></value>
</data></array></value></param>
</params>
</methodResponse>"#;
    let value = decode_response(body).unwrap().unwrap();
    let rows = value.as_array().unwrap();
    let row = rows[0].as_array().unwrap();
    assert_eq!(
        row[0].as_str(),
        Some("E050F8E8E36B19ECC88E98BBB993A9FC34123EB2")
    );
    assert_eq!(row[1].as_i64(), Some(20_971_520));
    assert_eq!(row[2].as_str(), Some("a & b \u{263A}"));
    assert_eq!(row[3].as_str(), Some(""));
    assert_eq!(row[4].as_str(), Some("implicit"));
    assert_eq!(row[5].as_str(), Some("  "));
    assert_eq!(row[6].as_str(), Some(" "));
    assert_eq!(row[7], Value::Bool(true));
}

/// `decode_rows` must read what `decode_response` reads, or decline.
fn rows_both_ways(body: &[u8]) -> Option<Vec<Vec<Value>>> {
    let fast = decode_rows(body);
    if let Some(rows) = &fast {
        let general: Vec<Value> = rows.iter().cloned().map(Value::Array).collect();
        assert_eq!(
            decode_response(body).unwrap().unwrap(),
            Value::Array(general),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
    fast
}

#[test]
fn fast_rows_match_the_general_decoder() {
    let captured = include_bytes!("../../testdata/rtorrent/list.xml");
    let rows = rows_both_ways(captured).expect("the fast path takes rTorrent's layout");
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|row| row.len() == 24));
    assert_eq!(
        rows[0][1].as_str(),
        Some("a & b <c> \"q\" 'x' \u{e9} \u{263A} ]]>.bin")
    );

    let wrap = |inner: &str| {
        format!(
            "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><array><data>\
             {inner}</data></array></value></param></params></methodResponse>\n"
        )
    };
    let row = |cells: &str| format!("<value><array><data>{cells}</data></array></value>");
    for (cells, expected) in [
        ("<value><string>x</string></value>", Value::from("x")),
        ("<value><string/></value>", Value::from("")),
        ("<value><string></string></value>", Value::from("")),
        (
            "<value> <string> x\r\n</string> </value>",
            Value::from(" x\r\n"),
        ),
        ("<value><i8>-42</i8></value>", Value::Int(-42)),
        ("<value><i4> 7 </i4></value>", Value::Int(7)),
        ("<value><int>+7</int></value>", Value::Int(7)),
        (
            "<value><string>&lt;&amp;&gt;&quot;&apos;&#65;&#x263A;</string></value>",
            Value::from("<&>\"'A\u{263A}"),
        ),
    ] {
        let rows = rows_both_ways(wrap(&row(cells)).as_bytes()).expect(cells);
        assert_eq!(rows, vec![vec![expected]], "{cells}");
    }
    assert_eq!(rows_both_ways(wrap("").as_bytes()), Some(vec![]));
    assert_eq!(
        rows_both_ways(wrap(&row("")).as_bytes()),
        Some(vec![vec![]])
    );

    // Declined: left to the general decoder (valid or not).
    for cells in [
        "<value>implicit</value>",
        "<value> </value>",
        "<value/>",
        "<value><boolean>1</boolean></value>",
        "<value><string><!-- c -->x</string></value>",
        "<value><string><![CDATA[x]]></string></value>",
        "<value><string>&#X41;</string></value>",
        "<value><string>&#0;</string></value>",
        "<value><string>&#-1;</string></value>",
        "<value><string>&nbsp;</string></value>",
        "<value><string>a & b</string></value>",
        "<value><i8></i8></value>",
        "<value><i8>x</i8></value>",
        "<value><string a=\"1\">x</string></value>",
    ] {
        assert_eq!(decode_rows(wrap(&row(cells)).as_bytes()), None, "{cells}");
    }
    let latin1: Vec<u8> = wrap(&row("<value><string>X</string></value>"))
        .bytes()
        .map(|b| if b == b'X' { 0xE9 } else { b })
        .collect();
    assert_eq!(decode_rows(&latin1), None);
    let fault = b"<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
<member><name>faultCode</name><value><i4>-501</i4></value></member>\
<member><name>faultString</name><value><string>x</string></value></member>\
</struct></value></fault></methodResponse>";
    assert_eq!(decode_rows(fault), None);
    assert_eq!(decode_rows(b"<methodResponse><params>"), None);
    assert_eq!(decode_rows(b"HELLO GARBAGE"), None);
    let trailing = wrap("") + "<x/>";
    assert_eq!(decode_rows(trailing.as_bytes()), None);
}

#[test]
fn decodes_faults() {
    let body = b"<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
<member><name>faultCode</name><value><i4>-501</i4></value></member>\
<member><name>faultString</name><value><string>Could not find info-hash.</string></value></member>\
</struct></value></fault></methodResponse>";
    let fault = decode_response(body).unwrap().unwrap_err();
    assert_eq!(fault.code, -501);
    assert_eq!(fault.message, "Could not find info-hash.");
}

#[test]
fn round_trips_nested_values() {
    let value = Value::Struct(vec![
        (
            "list".into(),
            Value::Array(vec![Value::Int(-1), Value::Nil]),
        ),
        ("blob".into(), Value::Base64(vec![0, 255])),
        ("pi".into(), Value::Double(3.5)),
    ]);
    let call = encode_call("x", std::slice::from_ref(&value));
    let response = call
        .replace("<methodCall><methodName>x</methodName>", "<methodResponse>")
        .replace("</methodCall>", "</methodResponse>");
    assert_eq!(
        decode_response(response.as_bytes()).unwrap().unwrap(),
        value
    );
}

#[test]
fn rejects_garbage_and_html() {
    for body in [
        &b"HELLO GARBAGE"[..],
        b"<html><body>404</body></html>",
        b"<methodResponse><params><param><value><i8>x</i8></value></param></params></methodResponse>",
        b"<methodResponse><params>",
    ] {
        assert!(decode_response(body).is_err(), "{:?}", String::from_utf8_lossy(body));
    }
}

/// `<methodResponse>` around `depth` nested arrays (H-4: ~2 MB at 10⁵).
fn nested_arrays(depth: usize) -> Vec<u8> {
    let mut xml = b"<?xml version=\"1.0\"?><methodResponse><params><param><value>".to_vec();
    xml.extend(b"<array><data><value>".repeat(depth));
    xml.extend(b"<i8>1</i8>");
    xml.extend(b"</value></data></array>".repeat(depth));
    xml.extend(b"</value></param></params></methodResponse>");
    xml
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // The stack of a tokio worker thread.
    let outcome = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let bomb = nested_arrays(100_000);
            let unclosed = b"<methodResponse><params><param><value>"
                .iter()
                .copied()
                .chain(b"<struct><member><name>a</name><value>".repeat(100_000))
                .collect::<Vec<u8>>();
            (
                decode_response(&bomb),
                decode_rows(&bomb),
                decode_response(&unclosed),
            )
        })
        .unwrap()
        .join()
        .unwrap();
    let (general, rows, unclosed) = outcome;
    assert!(
        general.as_ref().unwrap_err().contains("nested deeper"),
        "{general:?}"
    );
    assert_eq!(rows, None);
    assert!(
        unclosed.as_ref().unwrap_err().contains("nested deeper"),
        "{unclosed:?}"
    );
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    let value = decode_response(&nested_arrays(MAX_DEPTH)).unwrap().unwrap();
    let mut depth = 0;
    let mut current = &value;
    while let Some([inner]) = current.as_array() {
        depth += 1;
        current = inner;
    }
    assert_eq!(depth, MAX_DEPTH);
    assert_eq!(current, &Value::Int(1));
    assert!(decode_response(&nested_arrays(MAX_DEPTH + 1)).is_err());
}

#[test]
fn errors_never_quote_the_reply() {
    for body in [
        &b"SSH-2.0-OpenSSH_9.2\r\n"[..],
        b"<html><title>Secret admin</title></html>",
        b"<methodResponse><params><param><value><i8>SecretNumber</i8></value></param></params></methodResponse>",
        b"<methodResponse><params><param><value><Secret/></value></param></params></methodResponse>",
        b"<methodResponse><params><param><value><string>&Secret;</string></value></param></params></methodResponse>",
        b"<methodResponse>Secret text</methodResponse>",
        b"<methodResponse><Secret></Other></methodResponse>",
    ] {
        let reason = decode_response(body).unwrap_err();
        for leak in ["SSH", "Secret", "Other", "html"] {
            assert!(!reason.contains(leak), "{reason:?} quotes the reply");
        }
    }
}

#[test]
fn no_entity_expansion() {
    let bomb = b"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\
<methodResponse><params><param><value><string>&b;</string></value></param></params></methodResponse>";
    assert!(decode_response(bomb).is_err());
    assert_eq!(decode_rows(bomb), None);
}

mod properties {
    use proptest::prelude::*;

    use super::super::*;
    use super::nested_arrays;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(Value::Int),
            any::<bool>().prop_map(Value::Bool),
            // Printable text: XML 1.0 has no place for most control characters.
            "[^\u{0}-\u{1f}\u{7f}\u{fffe}\u{ffff}]{0,12}".prop_map(Value::String),
            (-1e12f64..1e12).prop_map(Value::Double),
            prop::collection::vec(any::<u8>(), 0..12).prop_map(Value::Base64),
            Just(Value::Nil),
        ];
        leaf.prop_recursive(6, 48, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-zA-Z]{1,8}", inner), 0..5).prop_map(Value::Struct),
            ]
        })
    }

    /// The call's parameters turned into a response, as rTorrent writes them.
    fn response(value: &Value) -> String {
        encode_call("x", std::slice::from_ref(value))
            .replace("<methodCall><methodName>x</methodName>", "<methodResponse>")
            .replace("</methodCall>", "</methodResponse>")
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_response(&bytes);
            let _ = decode_rows(&bytes);
        }

        #[test]
        fn mutated_replies_never_panic_and_both_decoders_agree(
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let mut body = include_bytes!("../../testdata/rtorrent/list.xml").to_vec();
            let i = at.index(body.len());
            body[i] = byte;
            let general = decode_response(&body);
            if let Some(rows) = decode_rows(&body) {
                let rows = Value::Array(rows.into_iter().map(Value::Array).collect());
                prop_assert_eq!(general, Ok(Ok(rows)));
            }
        }

        #[test]
        fn encoded_values_decode_back(value in value()) {
            let decoded = decode_response(response(&value).as_bytes()).unwrap().unwrap();
            prop_assert_eq!(decoded, value);
        }

        #[test]
        fn rows_decode_the_same_both_ways(
            rows in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![
                        any::<i64>().prop_map(Value::Int),
                        "[^\u{0}-\u{1f}\u{7f}\u{fffe}\u{ffff}]{0,12}".prop_map(Value::String),
                    ],
                    0..6,
                ),
                0..6,
            ),
        ) {
            let value = Value::Array(rows.iter().cloned().map(Value::Array).collect());
            let body = response(&value);
            prop_assert_eq!(decode_rows(body.as_bytes()), Some(rows));
            prop_assert_eq!(decode_response(body.as_bytes()), Ok(Ok(value)));
        }

        #[test]
        fn depth_bombs_are_rejected(depth in (MAX_DEPTH + 1)..5_000) {
            prop_assert!(decode_response(&nested_arrays(depth)).is_err());
            prop_assert_eq!(decode_rows(&nested_arrays(depth)), None);
        }
    }
}
