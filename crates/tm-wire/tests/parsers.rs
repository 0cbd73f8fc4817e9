//! Property tests for the parsers of untrusted input (.torrent files,
//! bencode, magnet links): arbitrary input never panics, what is encoded
//! decodes back, and the size limits hold. The reply decoders have theirs
//! next to them (`xmlrpc/tests.rs`, `transmission/reply.rs`).

use proptest::prelude::*;
use tm_wire::bencode::{self, Spanned, Value};
use tm_wire::magnet::{self, parse_magnet};
use tm_wire::torrent_file::parse;

/// An owned bencode value, to generate and compare.
#[derive(Debug, Clone, PartialEq)]
enum Ben {
    Int(i64),
    Bytes(Vec<u8>),
    List(Vec<Ben>),
    Dict(Vec<(Vec<u8>, Ben)>),
}

fn encode(value: &Ben, out: &mut Vec<u8>) {
    match value {
        Ben::Int(i) => out.extend(format!("i{i}e").bytes()),
        Ben::Bytes(b) => {
            out.extend(format!("{}:", b.len()).bytes());
            out.extend(b);
        }
        Ben::List(items) => {
            out.push(b'l');
            items.iter().for_each(|item| encode(item, out));
            out.push(b'e');
        }
        Ben::Dict(entries) => {
            out.push(b'd');
            for (key, item) in entries {
                encode(&Ben::Bytes(key.clone()), out);
                encode(item, out);
            }
            out.push(b'e');
        }
    }
}

fn owned(value: &Spanned<'_>) -> Ben {
    match &value.value {
        Value::Int(i) => Ben::Int(*i),
        Value::Bytes(b) => Ben::Bytes(b.to_vec()),
        Value::List(items) => Ben::List(items.iter().map(owned).collect()),
        Value::Dict(entries) => Ben::Dict(
            entries
                .iter()
                .map(|(k, v)| (k.to_vec(), owned(v)))
                .collect(),
        ),
    }
}

fn ben() -> impl Strategy<Value = Ben> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(Ben::Int),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(Ben::Bytes),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Ben::List),
            prop::collection::vec((prop::collection::vec(any::<u8>(), 0..6), inner), 0..6)
                .prop_map(Ben::Dict),
        ]
    })
}

/// A v1 multi-file torrent with these files (path components, size).
fn v1_torrent(files: &[(Vec<String>, u32)], trackers: &[String]) -> Vec<u8> {
    let text = |s: &str| Ben::Bytes(s.as_bytes().to_vec());
    let entries = files
        .iter()
        .map(|(path, size)| {
            Ben::Dict(vec![
                (b"length".to_vec(), Ben::Int(i64::from(*size))),
                (
                    b"path".to_vec(),
                    Ben::List(path.iter().map(|c| text(c)).collect()),
                ),
            ])
        })
        .collect();
    let info = Ben::Dict(vec![
        (b"files".to_vec(), Ben::List(entries)),
        (b"name".to_vec(), text("dir")),
        (b"piece length".to_vec(), Ben::Int(16384)),
        (b"pieces".to_vec(), Ben::Bytes(Vec::new())),
    ]);
    let tiers = trackers.iter().map(|t| Ben::List(vec![text(t)])).collect();
    let root = Ben::Dict(vec![
        (b"announce-list".to_vec(), Ben::List(tiers)),
        (b"info".to_vec(), info),
    ]);
    let mut out = Vec::new();
    encode(&root, &mut out);
    out
}

proptest! {
    #[test]
    fn bencode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(value) = bencode::decode(&bytes) {
            prop_assert_eq!(value.span, 0..bytes.len());
        }
    }

    #[test]
    fn bencode_round_trips(value in ben()) {
        let mut bytes = Vec::new();
        encode(&value, &mut bytes);
        let decoded = bencode::decode(&bytes).unwrap();
        prop_assert_eq!(owned(&decoded), value);
    }

    #[test]
    fn bencode_depth_bombs_are_rejected(depth in (bencode::MAX_DEPTH + 1)..200_000, dict in any::<bool>()) {
        let open: &[u8] = if dict { b"d1:k" } else { b"l" };
        let mut bytes = open.repeat(depth);
        bytes.extend(b"e".repeat(depth));
        let err = bencode::decode(&bytes).unwrap_err();
        prop_assert_eq!(err.reason, "nesting too deep");
    }

    #[test]
    fn torrent_parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn torrent_parsing_never_panics_on_mutated_torrents(
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut torrent = v1_torrent(&[(vec!["a".into(), "b".into()], 3)], &["udp://t".into()]);
        let i = at.index(torrent.len());
        torrent[i] = byte;
        torrent.truncate(cut.index(torrent.len()) + 1);
        let _ = parse(&torrent);
    }

    #[test]
    fn valid_torrents_keep_their_files_and_trackers(
        files in prop::collection::vec(
            (prop::collection::vec("[a-z0-9 ._-]{1,12}", 1..5), any::<u32>()),
            1..40,
        ),
        trackers in prop::collection::vec("udp://[a-c]{1,2}", 0..30),
    ) {
        let torrent = v1_torrent(&files, &trackers);
        let meta = parse(&torrent).unwrap();
        prop_assert_eq!(meta.files.len(), files.len());
        for (file, (path, size)) in meta.files.iter().zip(&files) {
            prop_assert_eq!(&file.path, &path.join("/"));
            prop_assert_eq!(file.size, u64::from(*size));
        }
        let mut distinct: Vec<&String> = Vec::new();
        for tracker in &trackers {
            if !distinct.contains(&tracker) {
                distinct.push(tracker);
            }
        }
        prop_assert_eq!(meta.trackers.iter().collect::<Vec<_>>(), distinct);
        let path_bytes: usize = meta.files.iter().map(|f| f.path.len()).sum();
        prop_assert!(path_bytes <= torrent.len());
    }

    #[test]
    fn magnet_parsing_never_panics(link in ".{0,300}", tail in "[a-zA-Z0-9:=&%.?]{0,200}") {
        let _ = parse_magnet(&link);
        let _ = parse_magnet(&format!("magnet:?{tail}"));
        let _ = magnet::parse_info_hash(&link);
    }

    /// Whatever is accepted as a v1 hash is 20 bytes (40 hex digits).
    #[test]
    fn info_hashes_are_always_forty_digits(hash in "[a-zA-Z2-7=]{32}|[0-9a-fA-F]{40}") {
        if let Ok(hex) = magnet::parse_info_hash(&hash) {
            prop_assert_eq!(hex.len(), 40);
        }
    }

    #[test]
    fn magnets_keep_their_hash_and_trackers(
        hash in "[0-9a-fA-F]{40}",
        trackers in prop::collection::vec("[a-z]{1,8}://[a-z0-9.]{1,12}/[a-z]{0,6}", 0..20),
    ) {
        let mut link = format!("magnet:?xt=urn:btih:{hash}");
        for tracker in &trackers {
            link.push_str("&tr=");
            link.extend(percent_encode(tracker));
        }
        let parsed = parse_magnet(&link).unwrap();
        prop_assert_eq!(parsed.info_hash(), hash.to_ascii_lowercase());
        prop_assert_eq!(parsed.trackers, trackers);
    }
}

fn percent_encode(text: &str) -> impl Iterator<Item = char> + '_ {
    text.bytes().flat_map(|b| match b {
        b':' | b'/' => format!("%{b:02X}").chars().collect::<Vec<_>>(),
        _ => vec![char::from(b)],
    })
}
